"""Datagrundlag: which files were accepted, rejected or ignored and why, the extract
date and as_of, and the extract contract rendered from the models."""

import streamlit as st

from ips_data.docs import render_contract_markdown
from ips_data.formatting import fmt_date, fmt_int, fmt_number
from ips_data.loading.messages import rejected_files_text
from ui import report, state
from ui.cards import card
from ui.i18n import label, t
from ui.tables import Col, show

sel = state.selection()
state.require_scope_all(sel)  # file names and rejection reasons: scope `all` only
lang = sel.lang
validation = sel.ds.report
st.title(t("data_title", lang))
st.caption(t("data_intro", lang))

# Dates, then files per verdict: rows of three, so no date is cut off in a narrow window
cols = st.columns(3)
card(cols[0], t("extract_date", lang), fmt_date(validation.extract_date, lang))
card(cols[1], t("as_of", lang), fmt_date(validation.as_of, lang))
for col, status in zip(st.columns(3), ("accepted", "rejected", "ignored"), strict=True):
    card(col, label("file_status", status, lang),
         fmt_int(sum(f.status == status for f in validation.files), lang))
st.caption(f"{t('data_dir', lang)}: `{validation.data_dir}` · "
           f"{t('fingerprint', lang)}: `{validation.fingerprint}` · "
           + t("validated_in", lang, s=fmt_number(validation.seconds, 2, lang),
               n=fmt_int(validation.reused_files, lang)))

rejected = validation.rejected()
if validation.ok:
    st.success(t("data_ok", lang), icon=":material/check_circle:")
elif rejected:
    st.warning(t("data_rejected", lang, n=len(rejected)) + "\n\n" + t(
        "rejected_files", lang, files=rejected_files_text([f.path for f in rejected], lang)),
        icon=":material/warning:")
if validation.problems:
    st.subheader(t("problems", lang))
    st.markdown("\n".join(f"- {p}" for p in validation.problems))

st.subheader(t("tables_head", lang))
status_cols = [Col(s, label("file_status", s, lang), "int", hidden_by=None)
               for s in ("accepted", "rejected", "ignored")]
show(report.tables(validation), [
    Col("table", t("tables_head", lang), hidden_by=None),
    Col("required", t("col_required", lang), "bool", hidden_by=None), *status_cols,
    Col("rows", t("col_rows", lang), "int", hidden_by=None),
], sel, name="tabeller", title=t("tables_head", lang))

st.subheader(t("files_head", lang))
if not validation.files:
    st.info(t("no_files", lang))
else:
    show(report.files(validation), [
        Col("table", t("tables_head", lang), hidden_by=None),
        Col("path", t("col_path", lang), hidden_by=None),
        Col("status", "Status", "code", code_kind="file_status", hidden_by=None),
        Col("rows", t("col_rows", lang), "int", hidden_by=None),
        Col("size", t("col_size", lang), "int", hidden_by=None),
        Col("mtime", t("col_mtime", lang), "date", hidden_by=None),
        Col("problems", t("rejections_head", lang), "int", hidden_by=None),
    ], sel, name="filer", title=t("files_head", lang))

st.subheader(t("rejections_head", lang))
if not rejected:
    st.caption(t("no_rejections", lang))
else:
    show(report.rejections(validation, lang), [
        Col("path", t("col_path", lang), hidden_by=None),
        Col("rule", t("col_rule", lang), hidden_by=None),
        Col("column", t("col_column", lang), hidden_by=None),
        Col("rows", t("col_rows", lang), "int", hidden_by=None),
        Col("row_numbers", t("col_row_numbers", lang), hidden_by=None),
        Col("message", t("col_message", lang), hidden_by=None),
    ], sel, name="afvisninger", title=t("rejections_head", lang))

st.subheader(t("contract_head", lang))
with st.expander(t("contract_show", lang), expanded=False):
    st.markdown(render_contract_markdown())

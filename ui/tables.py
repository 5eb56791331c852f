"""Tables on screen and as CSV/Excel downloads, with the same suppression everywhere.

A table is a protected `polars` frame plus a list of `Col`s. On screen every cell
is text in Danish or English format; a null cell in a row whose suppression flag
is set reads the policy label ("<5"), any other null "–" (never blank, never 0).
Where numeric order matters a "sort by" box sorts by the underlying numbers.
The CSV and Excel files carry exactly the same cells: numbers (CSV: RFC 4180 with
a decimal point, so any tool reads it; Excel: real numbers with number formats),
the label for suppressed cells, "–" for missing ones.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
import polars as pl
import streamlit as st
import xlsxwriter

from ips_data.formatting import (
    MISSING,
    fmt_date,
    fmt_dkk,
    fmt_int,
    fmt_number,
    fmt_pct,
    fmt_pp,
)
from ips_data.municipalities import name_of
from ui.i18n import Lang, label, t
from ui.memo import ContentCache
from ui.state import Selection

_NUMERIC = ("int", "number", "pct", "pp", "dkk")
_EXCEL_FORMATS = {"int": "#,##0", "number": "0.0", "pct": "0.0%", "pp": "0.0%",
                  "dkk": "#,##0", "date": "yyyy-mm-dd"}


@dataclass(frozen=True)
class Col:
    """One shown column: frame column `key`, header `title` and how to format it.

    kind: text | code | municipality | int | number | pct | pp | dkk | date | bool.
    ``code`` names a code with `ui.i18n.label(code_kind, value)`; ``municipality``
    turns a code into its name. ``ci`` adds the 95 % interval's ends from
    ``<key>_low`` / ``<key>_high`` (or from the two columns it names). ``hidden_by``
    names the suppression flag column ("suppressed" by default when the frame has
    one), or a count column whose null marks suppression; None for figures that are
    not person-based.
    """

    key: str
    title: str
    kind: str = "text"
    decimals: int = 1
    code_kind: str | None = None
    ci: bool | tuple[str, str] = False
    hidden_by: str | None = "suppressed"


def formatter(kind: str, lang: Lang, decimals: int = 1) -> Callable[[Any], str]:
    """The display formatter of a column kind."""
    return {
        "int": lambda v: fmt_int(v, lang),
        "number": lambda v: fmt_number(v, decimals, lang),
        "pct": lambda v: fmt_pct(v, decimals, lang),
        "pp": lambda v: fmt_pp(v, decimals, lang),
        "dkk": lambda v: fmt_dkk(v, lang),
        "date": lambda v: fmt_date(v, lang),
        "bool": lambda v: ("ja" if v else "nej") if lang == "da" else ("yes" if v else "no"),
    }.get(kind, lambda v: MISSING if v is None else str(v))


def _hidden(frame: pl.DataFrame, col: Col) -> list[bool]:
    """Which rows' null cells are suppressed: a boolean flag column, or a count column
    whose null marks suppression."""
    flag = col.hidden_by
    if flag is None or flag not in frame.columns:
        return [False] * frame.height
    if frame.schema[flag] == pl.Boolean:
        return [bool(v) for v in frame[flag].to_list()]
    return [v is None for v in frame[flag].to_list()]


def _cells(frame: pl.DataFrame, cols: Sequence[Col], sel: Selection):
    """(header, kind, values, hidden) per output column; CI columns as low and high."""
    out = []
    ci_title = t("ci95_short", sel.lang)
    several = sum(bool(c.ci) for c in cols) > 1
    for col in cols:
        hidden = _hidden(frame, col)
        values = frame[col.key].to_list()
        if col.kind == "code":
            values = [None if v is None else label(col.code_kind or "", v, sel.lang)
                      for v in values]
        elif col.kind == "municipality":
            values = [None if v is None else name_of(int(v)) for v in values]
        elif col.kind == "bool":
            values = [None if v is None else formatter("bool", sel.lang)(v) for v in values]
        kind = "text" if col.kind in ("code", "municipality", "bool") else col.kind
        out.append((col.title, kind, col.decimals, values, hidden))
        if col.ci:
            ends = col.ci if isinstance(col.ci, tuple) else (f"{col.key}_low", f"{col.key}_high")
            words = ("nedre", "øvre") if sel.lang == "da" else ("low", "high")
            for end, word in zip(ends, words, strict=True):
                title = f"{col.title}: {ci_title} {word}" if several else f"{ci_title} {word}"
                out.append((title, col.kind, col.decimals, frame[end].to_list(), hidden))
    return out


def _texts(frame: pl.DataFrame, cols: Sequence[Col], sel: Selection) -> pd.DataFrame:
    """Every cell as the text shown: formatted, the policy label when suppressed, "–"
    when missing (st.dataframe would show a null as "None")."""
    data = {}
    for title, kind, dec, values, hidden in _cells(frame, cols, sel):
        fmt = formatter(kind, sel.lang, dec)
        data[title] = [(sel.label if h else MISSING) if v is None else fmt(v)
                       for v, h in zip(values, hidden, strict=True)]
    return pd.DataFrame(data, dtype="object")


def _plain(value: Any, kind: str, dec: int, lang: Lang) -> str:
    """A CSV cell: numbers without grouping and with a decimal point (machine-readable)."""
    if kind in ("pct", "pp"):
        value = value * 100
    if kind in ("int", "dkk"):
        text = f"{round(value):d}"
    elif kind in _NUMERIC:
        text = f"{value:.{dec}f}"
    elif kind == "date":
        return value.isoformat()
    else:
        return formatter(kind, lang, dec)(value)
    return text


def _header(title: str, kind: str, lang: Lang) -> str:
    if kind == "pct":
        return f"{title} (%)"
    if kind == "pp":
        return f"{title} ({'pct.-point' if lang == 'da' else 'pp'})"
    return title


def csv_bytes(frame: pl.DataFrame, cols: Sequence[Col], sel: Selection) -> bytes:
    cells = _cells(frame, cols, sel)
    rows = [[_header(title, kind, sel.lang) for title, kind, *_ in cells]]
    for i in range(frame.height):
        row = []
        for _title, kind, dec, values, hidden in cells:
            v = values[i]
            row.append((sel.label if hidden[i] else MISSING) if v is None
                       else _plain(v, kind, dec, sel.lang))
        rows.append(row)
    buf = io.StringIO()
    pd.DataFrame(rows[1:], columns=rows[0]).to_csv(buf, index=False)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def excel_bytes(frame: pl.DataFrame, cols: Sequence[Col], sel: Selection, title: str) -> bytes:
    cells = _cells(frame, cols, sel)
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet(title[:31].replace("/", "-") or "data")
    bold = book.add_format({"bold": True})
    fmts = {k: book.add_format({"num_format": f}) for k, f in _EXCEL_FORMATS.items()}
    for j, (name, *_rest) in enumerate(cells):
        sheet.write_string(0, j, name, bold)
        sheet.set_column(j, j, max(12, min(40, len(name) + 2)))
    for i in range(frame.height):
        for j, (_name, kind, _dec, values, hidden) in enumerate(cells):
            v = values[i]
            if v is None:
                sheet.write_string(i + 1, j, sel.label if hidden[i] else MISSING)
            elif kind in _NUMERIC:
                sheet.write_number(i + 1, j, float(v), fmts[kind])
            elif kind == "date" and isinstance(v, date | datetime):
                sheet.write_datetime(i + 1, j, datetime(v.year, v.month, v.day), fmts["date"])
            else:
                sheet.write_string(i + 1, j, formatter(kind, sel.lang)(v))
    info = book.add_worksheet("info")
    lines = [title, t("suppressed_note", sel.lang, k=sel.policy.threshold, label=sel.label),
             f"{t('extract_date', sel.lang)}: {sel.ds.report.extract_date}",
             f"{t('as_of', sel.lang)}: {sel.ds.as_of}",
             f"filters: {sel.filters.model_dump_json(exclude_defaults=True)}"]
    for i, line in enumerate(lines):
        info.write_string(i, 0, line)
    book.close()
    return buf.getvalue()


#: Formatted tables by contents (frame, columns, language, label): shared, never changed.
_SCREEN: ContentCache[tuple[pd.DataFrame, tuple[str, ...]]] = ContentCache(256)


def _screen(frame: pl.DataFrame, cols: Sequence[Col],
            sel: Selection) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The cells as shown, and the titles of the right-aligned (numeric) columns."""
    numeric = tuple(title for title, kind, *_ in _cells(frame, cols, sel) if kind in _NUMERIC)
    return _texts(frame, cols, sel), numeric


def show(frame: pl.DataFrame, cols: Sequence[Col], sel: Selection, *, name: str,
         title: str, height: int | str = "auto", sort: Sequence[str] = ()) -> None:
    """The table on screen plus CSV and Excel download buttons. ``sort`` lists columns
    offered in a "sort by" box (numbers sort by value, largest first, hidden last)."""
    if sort:
        titles = {c.key: c.title for c in cols}
        key = st.selectbox(t("sort_by", sel.lang), sort, format_func=titles.get,
                           key=f"sort-{name}", width=320)
        numeric = frame.schema[key].is_numeric()
        frame = frame.sort(key, descending=numeric, nulls_last=True)
    texts, numeric = _SCREEN.get_or_make(
        (frame, tuple(cols), sel.lang, sel.label), lambda: _screen(frame, cols, sel))
    right = {title: st.column_config.Column(alignment="right") for title in numeric}
    st.dataframe(texts, hide_index=True, height=height, column_config=right)
    stem = f"ips_{name}_{sel.ds.as_of.isoformat()}"
    buttons = st.container(horizontal=True)
    buttons.download_button(t("download_csv", sel.lang), data=lambda: csv_bytes(frame, cols, sel),
                            file_name=f"{stem}.csv", mime="text/csv", key=f"dl-{name}-csv",
                            on_click="ignore", icon=":material/download:")
    buttons.download_button(
        t("download_xlsx", sel.lang), data=lambda: excel_bytes(frame, cols, sel, title),
        file_name=f"{stem}.xlsx", key=f"dl-{name}-xlsx", on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:")

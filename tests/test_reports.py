"""PDF reports (issue 13, item 2): the figures in the PDF text are those of
`ips-data summary --municipality CODE --json`; one A4 page; renders to PNG; a region's
reports are all written; bad codes exit 2; the access scope is enforced."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from fixtures import (
    fidelity,
    outcome,
    participant,
    rollout,
    tiny_extract,
    write_manifest,
    write_table,
)
from statsmodels.stats.proportion import proportion_confint

from ips_data.cli import main
from ips_data.formatting import fmt_date, fmt_int, fmt_number, fmt_pct, fmt_pp
from ips_data.loading.database import load_dataset
from ips_data.metrics.benchmark import FLAGS
from ips_data.metrics.filters import Filters
from ips_data.municipalities import MUNICIPALITIES
from ips_data.protection.disclosure import DisclosurePolicy
from ips_data.protection.scopes import Scope
from ips_data.reports import (
    ReportError,
    ReportScopeError,
    data,
    municipality_pdf,
    region_pdf,
    report_filename,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
ALL = Scope.everything()
POLICY = DisclosurePolicy()
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="needs poppler-utils (make test installs it)")
# Independent of the report's own texts: the Danish names of the statuses and bands.
STATUS_DA = {"not_started": "Ikke startet", "agreement": "Aftale",
             "implementing": "Implementering", "operating": "I drift", "stopped": "Stoppet"}
BAND_DA = {"exemplary": "eksemplarisk", "good": "god", "fair": "rimelig", "not_ips": "ikke IPS"}


def _text(pdf: Path, *, layout: bool = False) -> str:
    """The PDF's text with runs of white space as one space (``layout``: rows of a table
    stay on one line)."""
    flags = ["-layout"] if layout else []
    out = subprocess.run(["pdftotext", *flags, str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return re.sub(r"\s+", " ", out)


def _pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def _summary(capsys, *args: str) -> dict:
    assert main(["summary", "--data-dir", str(SAMPLE), "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def _bare(share: float, lang: str = "da") -> str:
    return fmt_pct(share, lang=lang).removesuffix(" %").removesuffix("%")


def _interval(low: float, high: float, lang: str) -> str:
    """'(5,3–14,3)'; with spaces around the dash when a bound is negative."""
    dash = "–" if low >= 0 and high >= 0 else " – "
    return f"({_bare(low, lang)}{dash}{_bare(high, lang)})"


@pytest.fixture(scope="module")
def region_dir(tmp_path_factory) -> Path:
    """Every report of Region Hovedstaden, written once by the CLI."""
    out = tmp_path_factory.mktemp("region")
    assert main(["report", "--data-dir", str(SAMPLE), "--region", "1084",
                 "--out", str(out)]) == 0
    return out


def _expected_figures(doc: dict, lang: str = "da") -> list[str]:
    """Every figure of the summary JSON for one municipality, formatted as shown."""
    hidden = f"<{doc['suppression_threshold']}"
    m = doc["municipalities"][0]
    want = [fmt_date(date.fromisoformat(doc["extract_date"]), lang)]
    if lang == "da":
        want.append(f"Status: {STATUS_DA[m['status']]} siden "
                    f"{fmt_date(date.fromisoformat(m['status_since']), lang)}")
    want.append(hidden if m["active_participants"] is None
                else fmt_int(m["active_participants"], lang))
    if m["consultants_fte"] is not None:
        want.append(fmt_number(m["consultants_fte"], 1, lang))
    if m["caseload_per_fte"] is not None:
        want.append(fmt_number(m["caseload_per_fte"], 1, lang))
    if m["fidelity_score"] is not None:
        when = fmt_date(date.fromisoformat(m["fidelity_date"]), lang)
        want.append(f"{when}: {m['fidelity_score']}")
        if lang == "da":
            want.append(BAND_DA[m["fidelity_band"]])
    if m["n_ips_18"] is not None:
        want += [fmt_int(m["n_ips_18"], lang), fmt_pct(m["job_or_education_any_18_ips"],
                                                       lang=lang)]
    if m["observed_18_ips"] is not None:  # the benchmark (contract 6b)
        want += [fmt_int(m["observed_18_ips"], lang), fmt_number(m["expected_18_ips"], 1, lang),
                 fmt_number(m["oe_ratio_18_ips"], 2, lang),
                 fmt_pct(m["adjusted_share_18_ips"], lang=lang),
                 fmt_pct(doc["benchmark_18"]["pooled_share"], lang=lang)]
    for block in doc["effect"].values():
        for arm in ("ips", "ips_like", "comparison"):
            if arm not in block:
                continue
            if block[arm]["n"] is None:
                want.append(hidden)
                continue
            n = block[arm]["n"]
            want.append(fmt_int(n, lang))
            for measure in ("job_or_education_any", "job_or_education_at_end"):
                share = block[arm][measure]  # with its Wilson interval (statsmodels)
                low, high = proportion_confint(round(share * n), n, alpha=0.05,
                                               method="wilson")
                want.append(f"{fmt_pct(share, lang=lang)} "
                            f"{_interval(low, high, lang)}")
        for kind in ("difference", "adjusted_difference"):
            for measure in ("job_or_education_any", "job_or_education_at_end"):
                diff = block[kind][measure]
                if diff["estimate"] is not None:
                    low, high = diff["ci95"]
                    want.append(f"{fmt_pp(diff['estimate'], lang=lang)} "
                                f"{_interval(low, high, lang)}")
    return want


@needs_poppler
@pytest.mark.parametrize("code", [101, 175, 183, 217])
def test_report_text_carries_the_summary_figures(region_dir, capsys, code):
    doc = _summary(capsys, "--municipality", str(code))
    text = _text(region_dir / report_filename(code))
    assert f"IPS i {MUNICIPALITIES[code].name}" in text
    missing = [w for w in _expected_figures(doc) if w not in text]
    assert not missing, f"{code}: not in the PDF text: {missing}"


@needs_poppler
def test_english_report_carries_the_summary_figures(tmp_path, capsys):
    doc = _summary(capsys, "--municipality", "101")
    assert main(["report", "--data-dir", str(SAMPLE), "--municipality", "101",
                 "--out", str(tmp_path), "--lang", "en"]) == 0
    text = _text(tmp_path / "101-København.pdf")
    assert "IPS in København" in text and "Observed and expected" in text
    missing = [w for w in _expected_figures(doc, "en") if w not in text]
    assert not missing, f"not in the English PDF text: {missing}"
    assert "Faktisk og forventet" not in text


@needs_poppler
def test_region_reports_all_written_one_page_each(region_dir, capsys):
    doc = _summary(capsys, "--region", "1084")
    expected = {f"{m['code']}-{m['name']}.pdf" for m in doc["municipalities"]}
    assert len(expected) == 29  # the sample has rows for all 29 of Region Hovedstaden
    written = {p.name for p in region_dir.glob("*.pdf")}
    assert written == expected | {"region-1084.pdf"}
    assert {p.name: _pages(p) for p in region_dir.glob("*.pdf")} == dict.fromkeys(written, 1)


@needs_poppler
def test_region_report_lists_every_municipality_with_its_published_figures(region_dir,
                                                                             capsys):
    doc = _summary(capsys, "--region", "1084")
    text = _text(region_dir / "region-1084.pdf", layout=True)
    assert "IPS i Region Hovedstaden" in text
    assert "13 af 29 kommuner implementerer eller driver IPS" in text  # README: 13 on 30 Sep
    for m in doc["municipalities"]:
        shown = "<5" if m["n_ips_18"] is None else fmt_int(m["n_ips_18"])
        share = ("<5" if m["job_or_education_any_18_ips"] is None
                 else fmt_pct(m["job_or_education_any_18_ips"]))
        assert re.search(rf"{m['code']} {re.escape(m['name'])} {STATUS_DA[m['status']]} .*? "
                         rf"{re.escape(shown)} {re.escape(share)} ", text), m["name"]
    ips18 = doc["effect"]["18"]["ips"]
    assert f"IPS {fmt_int(ips18['n'])} {fmt_pct(ips18['job_or_education_any'])}" in text


@needs_poppler
def test_pdf_is_a4_renders_to_png_and_embeds_its_fonts(region_dir, tmp_path):
    pdf = region_dir / "101-København.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info
    for name in ("101-København.pdf", "region-1084.pdf"):
        run = subprocess.run(["pdftoppm", "-png", "-r", "40", str(region_dir / name),
                              str(tmp_path / name)], capture_output=True, text=True)
        assert run.returncode == 0 and run.stderr == "", run.stderr
    pngs = sorted(tmp_path.glob("*.png"))
    assert len(pngs) == 2 and all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "DejaVuSans" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # embedded
    text = _text(pdf)
    assert "Sagsstamme pr. årsværk" in text and "Målgruppe" in text  # æ, ø, å survive


@pytest.mark.parametrize(("args", "message"), [
    (["--municipality", "999"], "unknown municipality code 999"),
    (["--municipality", "101", "--municipality", "998"], "unknown municipality code 998"),
    (["--region", "1000"], "unknown region code 1000"),
    (["--municipality", "abc"], "invalid int value"),
    (["--municipality", "101", "--region", "1084"], "not allowed with"),
    ([], "one of the arguments --municipality --region is required"),
])
def test_bad_codes_exit_2_with_a_clear_error_and_write_nothing(tmp_path, capsys, args,
                                                               message):
    out = tmp_path / "out"
    try:
        code = main(["report", "--data-dir", str(SAMPLE), "--out", str(out), *args])
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    assert code == 2
    assert message in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())


def test_municipality_without_any_rows_is_refused(tmp_path, capsys):
    root = tiny_extract(tmp_path / "data")
    code = main(["report", "--data-dir", str(root), "--municipality", "851",
                 "--out", str(tmp_path / "out")])
    assert code == 2
    assert "851 Aalborg has no rows" in capsys.readouterr().err


@pytest.fixture(scope="module")
def sample_ds():
    ds = load_dataset(SAMPLE)
    yield ds
    ds.close()


@pytest.mark.parametrize(("entries", "allowed"), [
    (["municipality:101"], True), (["region:1084"], True), (["all"], True),
    (["municipality:147"], False), (["region:1085"], False), ([], False),
])
def test_scope_refuses_a_municipality_outside_it(sample_ds, entries, allowed):
    filters = Filters(scope=Scope.from_entries(entries))
    if allowed:
        assert municipality_pdf(sample_ds, filters, POLICY, 101)[:5] == b"%PDF-"
    else:
        with pytest.raises(ReportScopeError, match="101 København is outside"):
            municipality_pdf(sample_ds, filters, POLICY, 101)


def test_region_report_needs_the_whole_region_in_scope(sample_ds):
    part = Filters(scope=Scope.from_entries(["municipality:101", "municipality:147"]))
    with pytest.raises(ReportScopeError, match="27 of its 29 municipalities are outside"):
        region_pdf(sample_ds, part, POLICY, 1084)
    assert region_pdf(sample_ds, Filters(scope=Scope.from_entries(["region:1084"])), POLICY,
                      1084)[:5] == b"%PDF-"
    with pytest.raises(ReportError, match="unknown region code 7"):
        region_pdf(sample_ds, Filters(scope=ALL), POLICY, 7)


def test_benchmark_section_is_the_summarys(sample_ds, capsys):
    """O, E, O/E, adjusted share and p̄ of the report data are the summary's 6b fields for
    the same municipality (`metrics.benchmark` through the adapter), and hidden together."""
    for code in (101, 151, 183):
        doc = _summary(capsys, "--municipality", str(code))
        m = doc["municipalities"][0]
        b = data.municipality_report(sample_ds, Filters(scope=ALL), POLICY, code).benchmark
        assert (b.observed, b.expected, b.oe_ratio, b.adjusted_share) == (
            m["observed_18_ips"], m["expected_18_ips"], m["oe_ratio_18_ips"],
            m["adjusted_share_18_ips"]), code
        assert b.pooled_share == doc["benchmark_18"]["pooled_share"]
        if m["observed_18_ips"] is None:
            assert b.n is None and b.position is None and not b.points
        else:
            assert b.n == m["n_ips_18"] and b.position in FLAGS
            assert [p.code for p in b.points if p.highlight] == [code]


def test_fidelity_items_weakest_first_and_overdue(tmp_path):
    root = tmp_path / "data"
    write_manifest(root)
    write_table(root, "participants", [participant("P1", "ips", 101)])
    write_table(root, "outcomes", [outcome("P1", 18)])
    write_table(root, "rollout", [rollout(101, "operating", date(2022, 1, 1), 2.0),
                                  rollout(147, "operating", date(2022, 1, 1), 1.0)])
    items = [4] * 25
    items[6], items[11], items[19], items[2] = 1, 2, 2, 3  # items 7, 12, 20, 3
    write_table(root, "fidelity", [
        fidelity(101, date(2024, 3, 1), 120, [5] * 20 + [4] * 5),
        fidelity(101, date(2025, 9, 29), sum(items), items),  # 12 months and a day
        fidelity(147, date(2026, 1, 1), 90),                   # total only
    ])
    ds = load_dataset(root)
    assert ds.report.ok, (ds.report.rejected(), ds.report.problems)
    try:
        r101 = data.municipality_report(ds, Filters(scope=ALL), POLICY, 101).fidelity
        r147 = data.municipality_report(ds, Filters(scope=ALL), POLICY, 147).fidelity
    finally:
        ds.close()
    assert (r101.score, r101.band, r101.assessed) == (92, "fair", date(2025, 9, 29))
    assert [(i.number, i.score) for i in r101.weakest] == [(7, 1), (12, 2), (20, 2)]
    assert r101.overdue  # as_of 30 Sep 2026
    assert (r147.score, r147.has_items, r147.weakest, r147.overdue) == (90, False, (), False)


def test_bench_times_the_region_reports(tmp_path):
    """`ips-data bench --reports`' figure: one timed run (the tiny extract has København
    and Frederiksberg of Region Hovedstaden: 2 reports and the region summary)."""
    from ips_data.bench.reports import region_reports

    result = region_reports(tiny_extract(tmp_path / "data"), repeats=1)
    assert result["reports_written"] == 3
    figure = result["reports_region_1084"]
    assert figure["runs"] == 1 and figure["min_ms"] > 0


def test_reports_do_not_import_streamlit():
    code = ("import sys, ips_data.reports, ips_data.reports.pdf; "
            "assert 'streamlit' not in sys.modules, 'streamlit imported'")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr

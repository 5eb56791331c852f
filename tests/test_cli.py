"""`ips-data` CLI: exit codes, the summary JSON shape, docs that cannot drift."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fixtures import outcome, tiny_extract, write_table

from ips_data import docs
from ips_data.cli import main
from ips_data.contract import TABLES, json_schema

ROOT = Path(__file__).resolve().parent.parent


def _run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_validate_exit_codes_and_report(tmp_path, capsys):
    root = tiny_extract(tmp_path)
    code, out = _run(capsys, "validate", "--data-dir", str(root))
    assert code == 0 and "all files accepted" in out
    write_table(root, "outcomes", [outcome("ghost")], name="late.parquet")
    code, out = _run(capsys, "validate", "--data-dir", str(root))
    assert code == 1
    assert "outcomes/late.parquet" in out and "unknown_person" in out
    code, out = _run(capsys, "validate", "--data-dir", str(root), "--json")
    report = json.loads(out)
    late = next(f for f in report["files"] if f["path"] == "outcomes/late.parquet")
    assert late["rejections"][0]["rule"] == "unknown_person"


def test_validate_missing_dir_is_a_clear_error(tmp_path, capsys):
    assert main(["validate", "--data-dir", str(tmp_path / "nope")]) == 2
    assert "data directory not found" in capsys.readouterr().err


def test_summary_json_has_exactly_the_contract_shape(tmp_path, capsys):
    root = tiny_extract(tmp_path)
    code, out = _run(capsys, "summary", "--data-dir", str(root), "--json", "--threshold", "3",
                     "--exact")
    assert code == 0
    doc = json.loads(out)
    assert list(doc) == ["contract_version", "extract_date", "as_of", "suppression_threshold",
                         "tables", "effect", "costs", "municipalities", "benchmark_18"]
    assert doc["contract_version"] == 1 and doc["suppression_threshold"] == 3
    assert set(doc["tables"]) == set(TABLES)
    assert set(doc["tables"]["participants"]) == {"files_accepted", "files_rejected", "rows"}
    e18 = doc["effect"]["18"]
    assert set(e18) == {"ips", "ips_like", "comparison", "not_yet_observable", "difference",
                        "adjusted_difference"}
    assert set(e18["adjusted_difference"]) == {
        "job_or_education_any", "job_or_education_at_end", "weeks_mean", "support_share",
        "excluded"}
    # the tiny extract's IPS (aged 25-29) and comparison (30-39) share no stratum
    assert e18["adjusted_difference"]["weeks_mean"] == {"estimate": None, "ci95": None}
    assert e18["adjusted_difference"]["support_share"] == 0.0
    assert set(doc["benchmark_18"]) == {"pooled_share", "tau2", "municipalities_shown"}
    assert set(e18["ips"]) == {"n", "job_or_education_any", "job_or_education_at_end",
                               "weeks_mean"}
    assert e18["ips"]["n"] == 6 and e18["ips"]["job_or_education_any"] == pytest.approx(4 / 6)
    assert e18["ips_like"]["n"] is None  # 0 persons observed: suppressed, null in JSON
    diff = e18["difference"]["job_or_education_any"]
    assert set(diff) == {"estimate", "ci95"} and len(diff["ci95"]) == 2
    c18 = doc["costs"]["18"]
    assert set(c18) >= {"price_year", "ips", "comparison", "saving_per_person_dkk",
                        "by_category"}
    assert c18["saving_per_person_dkk"]["estimate"] == pytest.approx(60_000)
    m = doc["municipalities"][0]
    assert list(m) == ["code", "name", "region_code", "status", "status_since",
                       "consultants_fte", "active_participants", "caseload_per_fte",
                       "fidelity_score", "fidelity_band", "fidelity_date", "n_ips_18",
                       "job_or_education_any_18_ips", "suppressed", "observed_18_ips",
                       "expected_18_ips", "oe_ratio_18_ips", "adjusted_share_18_ips"]
    assert [x["code"] for x in doc["municipalities"]] == [101, 147]


@pytest.mark.parametrize(("args", "codes"), [
    (["--municipality", "147"], [147]),
    (["--region", "1084"], [101, 147]),
    (["--region", "1081"], []),
])
def test_summary_area_filters(tmp_path, capsys, args, codes):
    root = tiny_extract(tmp_path)
    code, out = _run(capsys, "summary", "--data-dir", str(root), "--json", *args)
    assert code == 0
    assert [m["code"] for m in json.loads(out)["municipalities"]] == codes


def test_threshold_below_three_is_refused(tmp_path, capsys):
    root = tiny_extract(tmp_path)
    assert main(["summary", "--data-dir", str(root), "--json", "--threshold", "2"]) == 2


def test_generate_sample_refuses_foreign_folder(tmp_path, capsys):
    (tmp_path / "analyst.parquet").write_bytes(b"x")
    assert main(["generate-sample", str(tmp_path), "--persons", "100"]) == 2
    assert (tmp_path / "analyst.parquet").read_bytes() == b"x"


@pytest.mark.parametrize(("path", "render"), [
    ("docs/contract.md", docs.render_contract_markdown),
    ("docs/contract.schema.json", docs.render_schema_json),
])
def test_committed_contract_docs_match_the_models(path, render):
    assert (ROOT / path).read_text(encoding="utf-8") == render(), (
        f"{path} is stale: run `ips-data docs`")


def _env_settings() -> set[str]:
    """Every IPS_* environment variable the code (product, Makefile, tests) reads."""
    found: set[str] = set()
    for folder in ("ips_data", "ui", "pages", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            found |= set(re.findall(r"[\"'](IPS_[A-Z_]+)[\"']", path.read_text(encoding="utf-8")))
    return found


def _cli_options() -> set[str]:
    """Every option of every `ips-data` subcommand, from the parser itself."""
    import argparse

    from ips_data.cli import build_parser

    options: set[str] = set()
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                options |= {o for a in sub._actions for o in a.option_strings if o != "-h"
                            and o != "--help"}
    return options


def _streamlit_settings() -> set[str]:
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit/config.toml").read_text(encoding="utf-8"))
    return {f"{section}.{key}" for section, keys in config.items() for key in keys}


def _url_parameters() -> set[str]:
    """Every widget key of the app: each widget is bound to the address (its key is the
    URL parameter), so a link reproduces the view."""
    found: set[str] = set()
    for path in [*(ROOT / "ui").glob("*.py"), *(ROOT / "pages").glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        found |= {f"`{k}`" for k in re.findall(r'\bkey="([a-z_]+)"', text)}
        # a parameter a module names once (ui.sections: the open section)
        found |= {f"`{k}`" for k in re.findall(r'^KEY = "([a-z_]+)"', text, re.MULTILINE)}
    return found


def test_settings_are_found_in_the_code():
    """The lists the docs test walks are not empty (the search itself works)."""
    assert {"IPS_DATA_DIR", "IPS_SUPPRESSION_THRESHOLD", "IPS_CACHE_DIR"} <= _env_settings()
    assert {"--data-dir", "--as-of", "--interval", "--repeats"} <= _cli_options()
    assert "browser.gatherUsageStats" in _streamlit_settings()
    assert {"`en`", "`kom`", "`aar`", "`horisont`", "`dato`", "`afsnit`"} <= _url_parameters()


def test_docs_mention_every_column_and_setting():
    text = (ROOT / "docs/contract.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for spec in TABLES.values():
        for col in spec.columns:
            assert f"| {col.name} |" in text
    settings = (_env_settings() | _cli_options() | _streamlit_settings() | _url_parameters()
                | {"make run", "make test"})
    missing = sorted(s for s in settings if s not in readme)
    assert not missing, f"README does not document {missing}"


def test_json_schema_covers_every_table():
    schema = json_schema()
    assert set(schema["tables"]) == set(TABLES)
    assert "properties" in schema["table_spec_schema"]
    for spec in schema["tables"].values():
        assert all(c["description"] for c in spec["columns"])

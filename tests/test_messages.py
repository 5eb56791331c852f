"""Every rejection in words an analyst can act on (Danish and English): what is wrong,
where, what to do; an engine's own error text never stands alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ips_data.contract import TABLES
from ips_data.loading import messages
from ips_data.loading.file_checks import Rejection
from ips_data.loading.messages import ENGINE_KINDS, RULES, engine_kind, explain

PACKAGE = Path(__file__).resolve().parent.parent / "ips_data"


def _rules_in_code() -> set[str]:
    """Every rule name the loading code can put in a report, and the contract's row rules."""
    found: set[str] = set()
    for path in (PACKAGE / "loading").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'rule(?:: str)?\s*=\s*"([a-z_]+)"', text))
    return found | {rule.name for spec in TABLES.values() for rule in spec.row_rules}


def test_every_rule_has_texts():
    rules = _rules_in_code()
    assert {"unreadable_parquet", "load_failed", "type_conflict", "date_out_of_range",
            "unknown_person", "end_before_start"} <= rules  # the scan finds them
    assert rules <= set(RULES), f"rules without a plain-language text: {rules - set(RULES)}"


#: The params the code records for each rule (file_checks, validation, fallback).
PARAMS = {
    "unreadable_parquet": {"kind": "truncated", "engine": "No magic bytes found at end of "
                           'file "x.parquet"'},
    "load_failed": {"kind": "conversion", "engine": "Conversion Error: failed to cast"},
    "wrong_type": {"found": "VARCHAR", "expected": "integer"},
    "value_not_allowed": {"allowed": ["ips", "ips_like", "comparison"]},
    "below_minimum": {"minimum": "2005-01-01"},
    "above_maximum": {"maximum": "130"},
    "after_as_of": {"as_of": "2026-09-30"},
    "integer_out_of_range": {"target": "INTEGER"},
    "number_out_of_range": {"limit": "10^15"},
    "type_conflict": {"found": "TIMESTAMP_NS", "union": "TIMESTAMP_NS",
                      "other": "participants/a.parquet"},
    "mixed_price_year": {"expected": 2020},
}


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("lang", ["da", "en"])
def test_each_rule_says_what_where_and_what_to_do(rule, lang):
    r = Rejection(rule=rule, column="start_date", rows=3, row_numbers=[2, 7, 9], message="",
                  params=PARAMS.get(rule, {}))
    text = explain(r, lang)
    assert "{" not in text and "?" not in text, text
    where = "3 rækker (fx række 2, 7, 9)." if lang == "da" else "3 rows (e.g. row 2, 7, 9)."
    assert where in text
    assert messages.todo(rule, lang) in text
    if "{column}" in RULES[rule][lang == "en"]:
        assert "start_date" in text
    other = explain(r, "en" if lang == "da" else "da")
    assert text != other  # really translated
    engine = r.params.get("engine")
    if engine:  # the engine's text only after the explanation, marked as a detail
        assert text.index(engine) > len(messages.what(rule, r.column, r.params, lang))
        assert ("Teknisk detalje: " if lang == "da" else "Technical detail: ") + engine in text


@pytest.mark.parametrize(("engine", "kind"), [
    ('Invalid Input Error: No magic bytes found at end of file "/data/footer/x.parquet"',
     "truncated"),
    ("Invalid Input Error: File 'x.parquet' too small to be a Parquet file", "truncated"),
    ('Invalid Input Error: Failed to read file "/x.parquet": ZSTD Decompression failure',
     "decompression"),
    ("Invalid Input Error: Snappy decompression failure", "decompression"),
    ("Parquet file is likely corrupted, dictionary offset out of range", "dictionary"),
    ('Invalid Input Error: Invalid string encoding found in Parquet file "x.parquet": value '
     '"\\xFFyz" is not valid UTF8!', "text_encoding"),
    ("IO Error: Couldn't deserialize thrift: TProtocolException: Invalid data", "footer"),
    ('Conversion Error: failed to cast column "start_date" from type DATE to TIMESTAMP',
     "conversion"),
    ("something nobody has seen", "damaged"),
])
def test_engine_errors_are_classified(engine, kind):
    assert engine_kind(engine) == kind
    assert kind in ENGINE_KINDS


@pytest.mark.parametrize(("n", "da", "en"), [
    (1, "f1.parquet", "f1.parquet"),
    (5, "f1.parquet, f2.parquet, f3.parquet, f4.parquet, f5.parquet",
     "f1.parquet, f2.parquet, f3.parquet, f4.parquet, f5.parquet"),
    (8, "f1.parquet, f2.parquet, f3.parquet, f4.parquet, f5.parquet og 3 flere",
     "f1.parquet, f2.parquet, f3.parquet, f4.parquet, f5.parquet and 3 more"),
])
def test_rejected_files_are_named_up_to_five(n, da, en):
    paths = [f"f{i}.parquet" for i in range(1, n + 1)]
    assert messages.rejected_files_text(paths, "da") == da
    assert messages.rejected_files_text(paths, "en") == en


def test_a_truncated_file_is_explained_not_quoted(tmp_path):
    """Issue 13's example: a truncated file said only "Invalid Input Error: No magic
    bytes found at end of …"."""
    from fixtures import tiny_extract

    from ips_data.loading.validation import validate

    root = tiny_extract(tmp_path)
    path = root / "participants" / "part-1.parquet"
    path.write_bytes(path.read_bytes()[:-100])
    (r,) = next(f for f in validate(root).files if f.path == "participants/part-1.parquet"
                ).rejections
    assert explain(r, "da").startswith(
        "Filen kan ikke læses. Filen slutter for tidligt: den er ufuldstændig")
    assert "Lav filen igen fra kilden" in explain(r, "da")
    assert explain(r, "en").startswith("The file cannot be read. The file ends too early")

"""Every rule of contract section 3: a file that breaks it and the exact rejection."""

from __future__ import annotations

import os
import random
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fixtures import (
    cost,
    fidelity,
    outcome,
    participant,
    rollout,
    tiny_extract,
    write_table,
)

from ips_data.contract import TABLES as CONTRACT_TABLES
from ips_data.loading.file_checks import VERDICTS
from ips_data.loading.validation import validate

NEWER = 2_000_000_000 * 10**9  # an mtime after the fixture's files


def _bad(table: str, rows: list[dict], types: dict | None = None):
    def write(root: Path) -> Path:
        return write_table(root, table, rows, name="bad.parquet", types=types, mtime_ns=NEWER)
    return write


def _drop(table: str, row: dict, column: str):
    return _bad(table, [{k: v for k, v in row.items() if k != column}])


P = participant
CASES = [
    # (id, writer, rule, column, rows, row_numbers)
    ("missing_column", _drop("participants", P("N1"), "age_band"),
     "missing_column", "age_band", 0, []),
    ("wrong_type", _bad("participants", [{**P("N1"), "municipality_code": "101"}],
                        {"municipality_code": pa.string()}),
     "wrong_type", "municipality_code", 0, []),
    ("required_null", _bad("participants", [P("N1"), {**P("N2"), "arm": None}]),
     "missing_value", "arm", 1, [2]),
    ("blank_id", _bad("participants", [P("N1"), P("  ")]), "empty_string", "person_id", 1, [2]),
    ("cpr_like", _bad("participants", [P("N1"), P("N2"), P("010190-1234"), P("0101901234")]),
     "cpr_like_id", "person_id", 2, [3, 4]),
    ("arm_not_allowed", _bad("participants", [P("N1", arm="IPS")]),
     "value_not_allowed", "arm", 1, [1]),
    ("unknown_municipality", _bad("participants", [P("N1"), P("N2", municipality=999)]),
     "value_not_allowed", "municipality_code", 1, [2]),
    ("age_band", _bad("participants", [P("N1", age="18-29")]),
     "value_not_allowed", "age_band", 1, [1]),
    ("sex", _bad("participants", [P("N1", sex="X")]), "value_not_allowed", "sex", 1, [1]),
    ("benefit", _bad("participants", [P("N1", benefit="cash")]),
     "value_not_allowed", "benefit_at_start", 1, [1]),
    ("unit", _bad("participants", [P("N1", unit="ward")]),
     "value_not_allowed", "treatment_unit", 1, [1]),
    ("start_too_early", _bad("participants", [P("N1", start=date(2004, 12, 31))]),
     "below_minimum", "start_date", 1, [1]),
    ("start_after_as_of", _bad("participants", [P("N1", start=date(2026, 10, 1))]),
     "after_as_of", "start_date", 1, [1]),
    ("end_before_start",
     _bad("participants", [P("N1", start=date(2023, 1, 2), end=date(2023, 1, 1))]),
     "end_before_start", None, 1, [1]),
    ("duplicate_in_file", _bad("participants", [P("N1"), P("N2"), P("N1")]),
     "duplicate_key", "person_id", 2, [1, 3]),
    ("duplicate_across_files", _bad("participants", [P("N1"), P("I3")]),
     "duplicate_key_across_files", "person_id", 1, [2]),
    ("horizon", _bad("outcomes", [outcome("Y1", 24)]),
     "value_not_allowed", "horizon_months", 1, [1]),
    ("at_end_without_any", _bad("outcomes", [outcome("Y1", 18, False, True, 0)]),
     "at_end_without_any", None, 1, [1]),
    ("weeks_beyond_18", _bad("outcomes", [outcome("Y1", 18, True, False, 79),
                                          outcome("Y1", 30, True, False, 130)]),
     "weeks_beyond_horizon", None, 1, [1]),
    ("weeks_beyond_130", _bad("outcomes", [outcome("Y1", 30, True, False, 131)]),
     "above_maximum", "weeks_job_or_education", 1, [1]),
    ("weeks_zero_but_any", _bad("outcomes", [outcome("Y1", 18, True, False, 0),
                                             outcome("Y2", 18, False, False, 3)]),
     "weeks_inconsistent_with_any", None, 2, [1, 2]),
    ("weeks_negative", _bad("outcomes", [outcome("Y1", 18, True, False, -1)]),
     "below_minimum", "weeks_job_or_education", 1, [1]),
    ("hours_negative", _bad("outcomes", [outcome("Y1", 18, hours=-2.5)]),
     "below_minimum", "hours_worked", 1, [1]),
    ("outcome_duplicate_across_files", _bad("outcomes", [outcome("Y1"), outcome("I1", 18)]),
     "duplicate_key_across_files", "person_id, horizon_months", 1, [2]),
    ("orphan_outcome", _bad("outcomes", [outcome("Y1"), outcome("ghost")]),
     "unknown_person", "person_id", 1, [2]),
    ("orphan_cost", _bad("costs", [cost("ghost", 18, "primary_care", 10.0)]),
     "unknown_person", "person_id", 1, [1]),
    ("cost_category", _bad("costs", [cost("Y1", 18, "dentist", 10.0)]),
     "value_not_allowed", "category", 1, [1]),
    ("cost_negative", _bad("costs", [cost("Y1", 18, "primary_care", -1.0)]),
     "below_minimum", "amount_dkk", 1, [1]),
    ("price_year_range", _bad("costs", [cost("Y1", 18, "primary_care", 1.0, 1999)]),
     "below_minimum", "price_year", 1, [1]),
    ("price_year_mixed_in_file", _bad("costs", [cost("Y1", 18, "primary_care", 1.0, 2020),
                                                cost("Y2", 18, "primary_care", 1.0, 2021)]),
     "mixed_price_year", "price_year", 1, [2]),
    ("price_year_mixed_across", _bad("costs", [cost("Y1", 18, "primary_care", 1.0, 2021)]),
     "mixed_price_year", "price_year", 1, [1]),
    ("cost_duplicate", _bad("costs", [cost("Y1", 18, "primary_care", 1.0),
                                      cost("Y1", 18, "primary_care", 2.0)]),
     "duplicate_key", "person_id, horizon_months, category", 2, [1, 2]),
    ("rollout_status", _bad("rollout", [rollout(151, "live", date(2024, 1, 1))]),
     "value_not_allowed", "status", 1, [1]),
    ("rollout_duplicate", _bad("rollout", [rollout(101, "operating", date(2024, 1, 1))]),
     "duplicate_key_across_files", "municipality_code, valid_from", 1, [1]),
    ("rollout_fte", _bad("rollout", [rollout(151, "agreement", date(2024, 1, 1), -1.0)]),
     "below_minimum", "consultants_fte", 1, [1]),
    ("rollout_target", _bad("rollout", [rollout(151, "agreement", date(2024, 1, 1),
                                                target="kids")]),
     "value_not_allowed", "target_group", 1, [1]),
    ("rollout_municipality", _bad("rollout", [rollout(100, "agreement", date(2024, 1, 1))]),
     "value_not_allowed", "municipality_code", 1, [1]),
    ("fidelity_total", _bad("fidelity", [fidelity(151, date(2024, 1, 1), 126)]),
     "above_maximum", "total_score", 1, [1]),
    ("fidelity_total_low", _bad("fidelity", [fidelity(151, date(2024, 1, 1), 24)]),
     "below_minimum", "total_score", 1, [1]),
    ("fidelity_item", _bad("fidelity", [fidelity(151, date(2024, 1, 1), 101,
                                                 [6] + [4] * 23 + [3])]),
     "above_maximum", "item_01", 1, [1]),
    ("fidelity_sum", _bad("fidelity", [fidelity(151, date(2024, 1, 1), 99, [4] * 25)]),
     "items_do_not_sum_to_total", None, 1, [1]),
]


@pytest.mark.parametrize(("writer", "rule", "column", "rows", "numbers"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_rule_rejects_the_file_with_the_exact_reason(tmp_path, writer, rule, column,
                                                          rows, numbers):
    root = tiny_extract(tmp_path / "x")
    bad = writer(root)
    report = validate(root)
    verdicts = {f.path: f for f in report.files}
    rel = bad.relative_to(root).as_posix()
    assert verdicts[rel].status == "rejected"
    found = [(r.rule, r.column, r.rows, r.row_numbers) for r in verdicts[rel].rejections]
    assert (rule, column, rows, numbers) in found
    others = [f for f in report.files if f.path != rel]
    assert all(f.status in ("accepted", "ignored") for f in others), "nothing else is lost"
    assert not report.ok


def test_clean_tiny_extract_is_accepted(tmp_path):
    report = validate(tiny_extract(tmp_path))
    assert report.ok
    assert {f.status for f in report.files} == {"accepted"}
    assert report.accepted_rows("participants") == 14


def test_rejection_never_reveals_person_ids(tmp_path):
    root = tiny_extract(tmp_path)
    _bad("participants", [P("010190-1234"), P("010190-1234")])(root)
    text = validate(root).model_dump_json()
    assert "010190" not in text


def _truncated(root: Path) -> Path:
    path = write_table(root, "participants", [P(f"N{i}") for i in range(50)], "cut.parquet")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _empty(root: Path) -> Path:
    path = root / "participants" / "empty.parquet"
    path.write_bytes(b"")
    return path


def _corrupt_middle(root: Path) -> Path:
    rng = random.Random(7)
    rows = [P(f"N{rng.random():.12f}") for _ in range(20000)]
    path = write_table(root, "participants", rows, "corrupt.parquet")
    pq.write_table(pq.read_table(path), path, compression="snappy")
    data = bytearray(path.read_bytes())
    start = len(data) // 3
    data[start:start + 200] = b"\xff" * 200
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("writer", [_truncated, _empty, _corrupt_middle],
                         ids=["truncated", "empty", "corrupt_middle"])
def test_broken_parquet_is_a_rejection_not_a_crash(tmp_path, writer):
    root = tiny_extract(tmp_path)
    bad = writer(root)
    report = validate(root)
    verdict = next(f for f in report.files if f.path == bad.relative_to(root).as_posix())
    assert verdict.status == "rejected"
    assert [r.rule for r in verdict.rejections] == ["unreadable_parquet"]
    assert report.accepted_rows("participants") == 14


def test_older_duplicate_wins_whatever_the_file_name(tmp_path):
    root = tiny_extract(tmp_path)
    original = root / "participants" / "part-1.parquet"
    extra = write_table(root, "participants", [P("I1")], name="a-older.parquet")
    os.utime(extra, ns=(1, 1))  # older than the original: the original is now rejected
    report = validate(root)
    status = {f.path: f.status for f in report.files}
    assert status["participants/a-older.parquet"] == "accepted"
    assert status[original.relative_to(root).as_posix()] == "rejected"


def test_ignored_files_and_missing_required_table(tmp_path):
    root = tiny_extract(tmp_path)
    (root / "participants" / "notes.txt").write_text("hello", encoding="utf-8")
    (root / "outcomes" / "part-1.parquet").rename(root / "outcomes" / "part-1.parquet.bak")
    report = validate(root)
    status = {f.path: f.status for f in report.files}
    assert status["participants/notes.txt"] == "ignored"
    assert status["outcomes/part-1.parquet.bak"] == "ignored"
    assert any("outcomes" in p for p in report.problems)
    assert not report.ok


def test_validation_never_modifies_files(tmp_path):
    root = tiny_extract(tmp_path)
    _bad("outcomes", [outcome("ghost")])(root)
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in root.rglob("*") if p.is_file()}
    validate(root)
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in root.rglob("*") if p.is_file()}
    assert before == after


# --- Validating only what changed --------------------------------------------------

def _verdicts(report) -> list[tuple]:
    return [(f.path, f.status, f.rows, [(r.rule, r.column, r.rows, r.row_numbers, r.message)
                                        for r in f.rejections]) for f in report.files]


def _fresh(root: Path):
    VERDICTS.clear()
    return validate(root)


def test_a_second_validation_reads_only_new_files_and_agrees_with_a_fresh_one(tmp_path):
    root = tiny_extract(tmp_path)
    first = _fresh(root)
    assert first.reused_files == 0
    write_table(root, "participants", [P("N1"), P("N2")], name="new.parquet", mtime_ns=NEWER)
    _bad("outcomes", [outcome("ghost")])(root)
    again = validate(root)
    assert again.reused_files == len(first.files)  # every earlier file, none of the new
    assert _verdicts(again) == _verdicts(_fresh(root))


def test_a_file_replaced_with_the_same_size_and_mtime_is_read_again(tmp_path):
    root = tiny_extract(tmp_path)
    path = root / "participants" / "part-1.parquet"
    assert validate(root).ok
    before = path.stat()
    data = bytearray(path.read_bytes())
    data[len(data) // 2:len(data) // 2 + 16] = b"\xff" * 16  # same size, other content
    path.write_bytes(bytes(data))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    verdict = {f.path: f for f in validate(root).files}["participants/part-1.parquet"]
    assert verdict.status == "rejected"


def test_remembered_verdicts_are_completed_by_the_cross_file_checks_again(tmp_path):
    root = tiny_extract(tmp_path)
    newer = _bad("participants", [P("N1"), P("I3")])(root)
    rel = newer.relative_to(root).as_posix()
    assert {f.path: f.status for f in validate(root).files}[rel] == "rejected"
    older = root / "participants" / "part-1.parquet"
    moved = older.read_bytes()
    older.unlink()  # the file it clashed with is gone: the newer file is now accepted
    report = validate(root)
    assert report.reused_files >= 1
    assert {f.path: f.status for f in report.files}[rel] == "accepted"
    older.write_bytes(moved)
    os.utime(older, ns=(NEWER + 1, NEWER + 1))  # back, but now the newer of the two
    status = {f.path: f.status for f in validate(root).files}
    assert (status[rel], status["participants/part-1.parquet"]) == ("accepted", "rejected")


def _random_extract(root: Path, seed: int) -> Path:
    """Several files per table with overlapping or disjoint keys, unknown persons and
    price years drawn at random."""
    rng = random.Random(seed)
    tiny_extract(root)
    people = [f"R{i:03d}" for i in range(40)]
    for n in range(rng.randint(1, 4)):
        lo = rng.randrange(0, 30)
        chosen = people[lo:lo + rng.randint(1, 12)]
        write_table(root, "participants", [P(p) for p in chosen], name=f"p{n}.parquet",
                    mtime_ns=NEWER + rng.randrange(10**9))
    for n in range(rng.randint(1, 4)):
        lo = rng.randrange(0, 38)
        chosen = people[lo:lo + rng.randint(1, 6)]
        write_table(root, "outcomes", [outcome(p, rng.choice((18, 30))) for p in chosen],
                    name=f"o{n}.parquet", mtime_ns=NEWER + rng.randrange(10**9))
    for n in range(rng.randint(1, 4)):
        pid = rng.choice(people)
        rows = [cost(pid, 18, c, 100.0, rng.choice((2020, 2020, 2021)))
                for c in rng.sample(["primary_care", "social_services", "ips_service"], 2)]
        write_table(root, "costs", rows, name=f"c{n}.parquet",
                    mtime_ns=NEWER + rng.randrange(10**9))
    return root


def _expected_statuses(root: Path) -> dict[str, str]:
    """Contract section 3's cross-file rules applied file by file in plain Python."""
    key_of = {"participants": ("person_id",), "outcomes": ("person_id", "horizon_months"),
              "costs": ("person_id", "horizon_months", "category")}
    people: set = set()
    price_year = None
    out = {}
    for table, key in key_of.items():
        seen: set = set()
        files = sorted((root / table).glob("*.parquet"), key=lambda p: (p.stat().st_mtime_ns,
                                                                        p.name))
        for path in files:
            rows = pq.read_table(path).to_pylist()
            keys = {tuple(r[k] for k in key) for r in rows}
            years = {r["price_year"] for r in rows} if table == "costs" else set()
            bad = bool(keys & seen) or (table != "participants" and any(
                r["person_id"] not in people for r in rows)) or len(years) > 1 or (
                price_year is not None and years and years != {price_year})
            out[f"{table}/{path.name}"] = "rejected" if bad else "accepted"
            if not bad:
                seen |= keys
                people |= {r["person_id"] for r in rows} if table == "participants" else set()
                if years and price_year is None:
                    price_year = years.pop()
    return out


@pytest.mark.parametrize("seed", range(8))
def test_cross_file_verdicts_match_a_plain_python_oracle(tmp_path, seed):
    """Key-range shortcuts and the one-pass unknown-person test never change a verdict."""
    root = _random_extract(tmp_path, seed)
    report = _fresh(root)
    found = {f.path: f.status for f in report.files if f.table in ("participants", "outcomes",
                                                                    "costs")}
    assert found == _expected_statuses(root)


def test_a_key_on_the_edge_of_both_files_ranges_is_a_duplicate(tmp_path):
    root = tiny_extract(tmp_path)
    ids = sorted(pq.read_table(root / "participants" / "part-1.parquet")["person_id"]
                 .to_pylist())
    edge = _bad("participants", [P(ids[-1]), P(ids[-1] + "z")])(root)  # starts at its end
    verdict = {f.path: f for f in validate(root).files}[edge.relative_to(root).as_posix()]
    assert [(r.rule, r.rows, r.row_numbers) for r in verdict.rejections] == [
        ("duplicate_key_across_files", 1, [1])]


_INTEGER_TYPES = ["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT",
                  "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"]


@pytest.mark.parametrize("own", [*_INTEGER_TYPES, "FLOAT", "DOUBLE", "DATE", "VARCHAR"])
def test_casts_said_never_to_fail_hold_the_types_extremes(own):
    """`never_fails` spares the row-by-row cast check of a union's type: checked against
    the engine, the smallest and largest value of the file's type cast to every type it
    is said never to fail for, and the widenings of the contract's integers (a file's
    TINYINT or SMALLINT read with the template's BIGINT) are spared."""
    import duckdb

    from ips_data.loading.validation import never_fails

    con = duckdb.connect()
    bits = {"TINY": 8, "SMALL": 16, "INTEGE": 32, "BIG": 64, "HUGE": 128}
    if own in _INTEGER_TYPES:
        b = next(v for k, v in bits.items() if own.removeprefix("U").startswith(k))
        values = ([0, 2**b - 1] if own.startswith("U")
                  else [-(2 ** (b - 1)), 2 ** (b - 1) - 1])
        extremes = [f"cast('{v}' as {own})" for v in values]
    elif own in ("FLOAT", "DOUBLE"):
        big = "3.4028234e38" if own == "FLOAT" else "1.7976931348623157e308"
        extremes = [f"cast('-{big}' as {own})", f"cast('{big}' as {own})"]
    else:
        extremes = []
    for union in [*_INTEGER_TYPES, "FLOAT", "DOUBLE", "DATE", "VARCHAR"]:
        if not never_fails(own, union):
            continue
        assert extremes or own == union, (own, union)
        casts = con.sql("select " + ", ".join(f"try_cast({e} as {union}) is not null"
                                             for e in extremes)).fetchall()[0] \
            if extremes else ()
        assert all(casts), (own, union, casts)
    if own in ("TINYINT", "SMALLINT", "INTEGER", "UTINYINT", "USMALLINT", "UINTEGER"):
        assert never_fails(own, "BIGINT") and never_fails(own, "DOUBLE")
    assert not never_fails("BIGINT", "INTEGER") and not never_fails("UBIGINT", "BIGINT")
    assert not never_fails("DATE", "TIMESTAMP_NS") and not never_fails("DOUBLE", "FLOAT")


def test_the_cpr_check_finds_exactly_what_the_pattern_matches():
    """The cpr_like_id rule tries the regular expression only on values of 10 or 11
    characters starting with an ASCII digit: on hand-picked and random values it counts
    exactly those that match the contract's pattern (oracle: Python's `re`, ASCII
    digits, as RE2's \\d)."""
    import re

    import duckdb

    from ips_data.contract import CPR_PATTERN, TABLES
    from ips_data.loading.file_checks import _column_checks

    check = next(c for c in _column_checks(TABLES["participants"], {"person_id"}, date.today())
                 if c.rule == "cpr_like_id")
    rng = random.Random(7)
    alphabet = "0123456789-P x٣９é"
    values = ["0101901234", "010190-1234", "0101901234 ", "０１０１９０１２３４", "P101901234",
              "٠١٠١٩٠١٢٣٤", "", "-101901234", "01019012345", "010190--1234", "9" * 11]
    values += ["".join(rng.choice(alphabet) for _ in range(rng.choice([9, 10, 11, 12])))
               for _ in range(3000)]
    values += [rng.choice("0123456789") * 6 + rng.choice(["", "-"])
               + f"{rng.randrange(10**4):04d}" for _ in range(500)]
    con = duckdb.connect()
    con.execute("create table t as select unnest(?::varchar[]) as person_id", [values])
    found = con.execute("select count_if(" + check.violation + ") from t",
                        check.params).fetchall()[0][0]
    expected = sum(bool(re.fullmatch(CPR_PATTERN.strip("^$"), v, re.ASCII)) for v in values)
    assert found == expected and expected > 500


@pytest.mark.parametrize("table,column", [
    (t, c.name) for t, spec in CONTRACT_TABLES.items() for c in spec.columns
    if c.allowed is not None])
def test_value_not_allowed_counts_exactly_the_values_outside_the_list(table, column):
    """The value_not_allowed rule (a semi join on the allowed values) against plain
    Python on allowed, near-miss and null values of the column's contract type."""
    import duckdb

    from ips_data.contract import TABLES
    from ips_data.loading.file_checks import _column_checks

    spec = TABLES[table]
    col = next(c for c in spec.columns if c.name == column)
    check = next(c for c in _column_checks(spec, {column}, date.today())
                 if c.rule == "value_not_allowed")
    rng = random.Random(column)
    numeric = isinstance(col.allowed[0], int)
    near = ([v + d for v in col.allowed for d in (-1, 1)] if numeric
            else [v.upper() for v in col.allowed] + [v + " " for v in col.allowed] + [""])
    values = [rng.choice([*col.allowed, *near, None]) for _ in range(2000)]
    con = duckdb.connect()
    con.execute("create table t as select unnest(?::" + ("bigint" if numeric else "varchar")
                + "[]) as " + column, [values])
    found = con.execute("select count_if(" + check.violation + ") from t",
                        check.params).fetchall()[0][0]
    assert found == sum(v is not None and v not in col.allowed for v in values) > 0


def test_the_blank_check_finds_exactly_what_trim_empties():
    """empty_string trims only values not starting with an ASCII letter or digit: on
    random values of spaces (ASCII and Unicode), tabs, letters and digits it counts
    exactly the values the engine's trim empties."""
    import duckdb

    from ips_data.contract import TABLES
    from ips_data.loading.file_checks import _column_checks

    check = next(c for c in _column_checks(TABLES["participants"], {"person_id"}, date.today())
                 if c.rule == "empty_string")
    rng = random.Random(11)
    alphabet = [" ", "\t", "\n", "\u00a0", "\u3000", "\u2003", "a", "Z", "0", "9", "é", "_"]
    values = ["", None] + ["".join(rng.choice(alphabet) for _ in range(rng.randrange(4)))
                           for _ in range(4000)]
    con = duckdb.connect()
    con.execute("create table t as select unnest(?::varchar[]) as person_id", [values])
    found, expected = con.execute("select count_if(" + check.violation + "), "
                                  "count_if(trim(person_id) = '') from t",
                                  check.params).fetchall()[0]
    assert found == expected > 100

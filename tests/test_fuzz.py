"""Damaged files never take loading down (issue: a corrupt file validation accepted).

A small extract written the way other parties write them — two files per table with
different physical types (DATE and TIMESTAMP dates, 32- and 64-bit integers, zstd,
snappy and uncompressed pages, dictionary and plain encoding) — and, for each file of
each table, seeded variants: 1, 2, 8 or 64 flipped bits, truncations, and the footer of
the table's other file put in place of its own. For every variant:

* `ips-data validate` exits 0 or 1 (never a traceback);
* loading succeeds and the summary is computed;
* when the damaged file is rejected, the summary equals the one of the extract without
  that file (every number; only the count of rejected files differs).

`make test` runs DEFAULT_VARIANTS of them; `make fuzz` (IPS_FUZZ_VARIANTS=1200) the large
run, whose figure is printed at the end (variants, rejections, acceptances, crashes).
"""

from __future__ import annotations

import io
import math
import os
import random
import shutil
import struct
from collections import Counter
from contextlib import redirect_stdout
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ips_data.cli import main
from ips_data.contract import TABLE_ORDER
from ips_data.loading import fallback, file_checks, validation
from ips_data.loading.database import load_dataset
from ips_data.loading.file_checks import VERDICTS
from ips_data.loading.messages import explain
from ips_data.metrics.filters import Filters
from ips_data.metrics.summary import build_summary
from ips_data.protection.disclosure import DisclosurePolicy
from ips_data.protection.scopes import Scope
from ips_data.sample import generate_sample

DEFAULT_VARIANTS = 210
VARIANTS = int(os.environ.get("IPS_FUZZ_VARIANTS", DEFAULT_VARIANTS))
FLIPS = (1, 2, 8, 64)
PERSONS = 250
ALL = Scope.everything()
POLICY = DisclosurePolicy(threshold=5)

#: How the second file of each table is written: other types, compression, encoding.
SECOND_FILE = {
    "participants": ({"start_date": pa.timestamp("us"), "end_date": pa.timestamp("us"),
                      "municipality_code": pa.int32()}, "snappy", False),
    "outcomes": ({"horizon_months": pa.int32(), "weeks_job_or_education": pa.int16()},
                 "none", True),
    "costs": ({"horizon_months": pa.int16(), "price_year": pa.int32()}, "snappy", False),
    "rollout": ({"valid_from": pa.timestamp("ms")}, "gzip", True),
    "fidelity": ({f"item_{i:02d}": pa.int8() for i in range(1, 26)}, "none", False),
}


@dataclass(frozen=True)
class Variant:
    table: str
    part: int  # 1 or 2
    kind: str  # flip, truncate, footer
    size: int  # bits flipped; for truncate the seed picks the length
    seed: int

    @property
    def id(self) -> str:
        return f"{self.table}-{self.part}-{self.kind}{self.size or ''}-{self.seed}"


def variants(n: int) -> list[Variant]:
    """n variants spread evenly over the ten files: per round each file gets 16 flips
    (4 seeds × 1, 2, 8, 64 bits), 4 truncations and its swapped footer."""
    out: list[Variant] = []
    rnd = 0
    while len(out) < n:
        per_file = [("flip", bits, rnd * 4 + s) for bits in FLIPS for s in range(4)]
        per_file += [("truncate", 0, rnd * 4 + s) for s in range(4)]
        if rnd == 0:
            per_file.append(("footer", 0, 0))
        for kind, size, seed in per_file:
            for table in TABLE_ORDER:
                for part in (1, 2):
                    out.append(Variant(table, part, kind, size, seed))
        rnd += 1
    return out[:n]


def _write_second(path: Path, table: str) -> None:
    types, compression, dictionary = SECOND_FILE[table]
    data = pq.read_table(path)
    for column, typ in types.items():
        data = data.set_column(data.schema.get_field_index(column), column,
                               data[column].cast(typ))
    pq.write_table(data, path, compression=compression, use_dictionary=dictionary,
                   write_statistics=True)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "base"
    generate_sample(root, persons=PERSONS, files_per_table=2)
    for table in TABLE_ORDER:
        _write_second(root / table / f"{table}-part-2.parquet", table)
    for i, path in enumerate(sorted(root.rglob("*.parquet"))):  # a fixed age order
        os.utime(path, ns=(10**18 + i * 10**9,) * 2)
    return root


def _file(root: Path, v: Variant) -> Path:
    return root / v.table / f"{v.table}-part-{v.part}.parquet"


def damage(data: bytes, other: bytes, v: Variant) -> bytes:
    rng = random.Random(f"{v.id}")
    if v.kind == "flip":
        out = bytearray(data)
        for _ in range(v.size):
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
        return bytes(out)
    if v.kind == "truncate":
        return data[:rng.randrange(len(data))]
    # the other file's footer (metadata, its length and the magic) in place of this one's
    own = struct.unpack("<I", data[-8:-4])[0] + 8
    theirs = struct.unpack("<I", other[-8:-4])[0] + 8
    return data[:-own] + other[-theirs:]


def _summary(root: Path) -> dict:
    ds = load_dataset(root, cache_dir=None)
    try:
        return build_summary(ds, Filters(scope=ALL), POLICY)
    finally:
        ds.close()


def _numbers(doc: dict) -> dict:
    """The summary without the per-table file counts (a rejected file is counted there)."""
    return {**doc, "tables": {name: {k: v for k, v in t.items() if k != "files_rejected"}
                              for name, t in doc["tables"].items()}}


def same(a, b) -> bool:
    """Equal, floats to 1e-9 relative (sums in another order differ in the last bits)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


@pytest.fixture(scope="module")
def without(base, tmp_path_factory):
    """The summary of the base extract without one file, computed once per file."""
    memo: dict[tuple[str, int], dict] = {}

    def get(v: Variant) -> dict:
        key = (v.table, v.part)
        if key not in memo:
            root = tmp_path_factory.mktemp("without")
            shutil.copytree(base, root, dirs_exist_ok=True)
            _file(root, v).unlink()
            memo[key] = _numbers(_summary(root))
        return memo[key]
    return get


TALLY: Counter = Counter()


def _figure() -> str:
    return (f"fuzz: {sum(TALLY.values())} variants, {TALLY['rejected']} rejected, "
            f"{TALLY['accepted']} accepted, {TALLY['crash']} crashes")


@pytest.fixture(scope="module", autouse=True)
def figure():
    yield
    if TALLY:
        print("\n" + _figure())


@pytest.fixture(scope="module")
def work(base, tmp_path_factory) -> Path:
    """One copy of the base extract for every variant: a variant damages one file and
    puts it back afterwards (with its modification time, so the files' age order, which
    decides cross-file rejections, stays), and the other files' verdicts are remembered."""
    root = tmp_path_factory.mktemp("work") / "extract"
    shutil.copytree(base, root)
    return root


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch):
    monkeypatch.delenv("IPS_CACHE_DIR", raising=False)


@pytest.mark.slow  # in `make test`, not in the quick suite (≈ 0.6 s of CPU a variant)
@pytest.mark.parametrize("v", variants(VARIANTS), ids=lambda v: v.id)
def test_damaged_file_is_rejected_or_loads(v: Variant, work: Path, without, base) -> None:
    target = _file(work, v)
    original = _file(base, v)
    other = _file(base, Variant(v.table, 3 - v.part, "", 0, 0)).read_bytes()
    target.write_bytes(damage(original.read_bytes(), other, v))
    mtime = original.stat().st_mtime_ns
    os.utime(target, ns=(mtime, mtime))
    try:
        verdict = _check_variant(work, target, v, without)
    finally:
        shutil.copy2(original, target)
    TALLY[verdict] += 1
    if sum(TALLY.values()) % 100 == 0:  # progress of a long run (shown with -s)
        print("\n" + _figure(), flush=True)


def _check_variant(work: Path, target: Path, v: Variant, without) -> str:
    TALLY["crash"] += 1  # taken back when every check below passes
    with redirect_stdout(io.StringIO()):
        code = main(["validate", "--data-dir", str(work)])
    assert code in (0, 1)
    ds = load_dataset(work, cache_dir=None)
    try:
        doc = build_summary(ds, Filters(scope=ALL), POLICY)
        verdict = next(f for f in ds.report.files if f.path == str(target.relative_to(work)))
    finally:
        ds.close()
    if verdict.status == "rejected":
        assert verdict.rejections
        for r in verdict.rejections:  # plain words first, never only the engine's text
            assert not explain(r, "da").startswith(r.params.get("engine", "\0"))
        assert same(_numbers(doc), without(v))
    TALLY["crash"] -= 1
    return verdict.status


# ----------------------------------------------------------- the issue's two failures
def _plain_dates(root: Path, rows: list[dict]) -> Path:
    """Participants with DATE columns, uncompressed and plain-encoded (so a day count can
    be found and changed in place, as a flipped bit would, leaving the footer's
    statistics as they were)."""
    table = pa.table({
        "person_id": [r["person_id"] for r in rows],
        "municipality_code": pa.array([101] * len(rows), pa.int64()),
        "arm": ["ips"] * len(rows),
        "start_date": pa.array([r["start"] for r in rows], pa.date32()),
        "end_date": pa.array([r["end"] for r in rows], pa.date32()),
        "age_band": ["25-29"] * len(rows),
    })
    path = root / "participants" / "a.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="none", use_dictionary=False)
    return path


def _patch_day(path: Path, old: date, new_days: int) -> None:
    data = path.read_bytes()
    needle = struct.pack("<i", (old - date(1970, 1, 1)).days)
    assert data.count(needle) == 1
    path.write_bytes(data.replace(needle, struct.pack("<i", new_days)))


def _issue_extract(root: Path, second: pa.DataType, bad_days: int) -> Path:
    """Two participants files: a.parquet (DATE, one end_date changed in place to
    `bad_days`) and, newer, b.parquet whose dates are `second`; outcomes for both."""
    rows = [{"person_id": f"A{i}", "start": date(2020, 1, 1 + i),
             "end": date(2021, 3, 1 + i)} for i in range(6)]
    a = _plain_dates(root, rows)
    _patch_day(a, date(2021, 3, 4), bad_days)
    os.utime(a, ns=(10**18,) * 2)
    b = pa.table({
        "person_id": [f"B{i}" for i in range(6)],
        "municipality_code": pa.array([147] * 6, pa.int64()),
        "arm": ["comparison"] * 6,
        "start_date": pa.array([datetime(2020, 2, 1 + i) for i in range(6)], second),
        "end_date": pa.array([None] * 6, second),
        "age_band": ["30-39"] * 6,
    })
    pq.write_table(b, root / "participants" / "b.parquet")
    os.utime(root / "participants" / "b.parquet", ns=(10**18 + 10**9,) * 2)
    (root / "outcomes").mkdir()
    pq.write_table(pa.table({
        "person_id": [f"B{i}" for i in range(6)],
        "horizon_months": pa.array([18] * 6, pa.int64()),
        "job_or_education_any": [True, False] * 3,
        "job_or_education_at_end": [False] * 6,
        "weeks_job_or_education": pa.array([10, 0] * 3, pa.int64()),
    }), root / "outcomes" / "o.parquet")
    (root / "manifest.json").write_text('{"extract_date": "2026-09-30"}', encoding="utf-8")
    return root


YEAR_736977 = 268_455_000  # days since 1970: a DATE that no TIMESTAMP can hold
YEAR_5000 = 1_107_000  # within TIMESTAMP (µs), outside TIMESTAMP_NS (1677–2262)


@pytest.mark.parametrize(("second", "bad_days", "rule", "rejected"), [
    # the issue: validation accepted a.parquet, the union with b's TIMESTAMP failed
    (pa.timestamp("us"), YEAR_736977, "date_out_of_range", "participants/a.parquet"),
    # a real date that TIMESTAMP_NS cannot hold: the newer file that brings the type goes
    (pa.timestamp("ns"), YEAR_5000, "type_conflict", "participants/b.parquet"),
])
def test_dates_that_the_union_cannot_cast_are_rejected(tmp_path, second, bad_days, rule,
                                                       rejected):
    VERDICTS.clear()
    root = _issue_extract(tmp_path, second, bad_days)
    report = validation.validate(root)
    verdict = next(f for f in report.files if f.path == rejected)
    assert verdict.status == "rejected"
    assert [r.rule for r in verdict.rejections] == [rule]
    assert verdict.rejections[0].column == "end_date"
    if rule == "date_out_of_range":
        assert (verdict.rejections[0].rows, verdict.rejections[0].row_numbers) == (1, [4])
    ds = load_dataset(root, cache_dir=None)  # loads: the other file's six people remain
    try:
        assert build_summary(ds, Filters(scope=ALL), POLICY)["tables"]["participants"][
            "rows"] == 6
    finally:
        ds.close()


def _hidden_damage(path: Path) -> None:
    """Change one bit of the file so that counting it as the old validation did (contract
    columns counted, rule counts the footer's statistics can answer) still works while
    reading its values fails: the issue's costs file. Seeded search over the file."""
    import duckdb

    original = path.read_bytes()
    counts = ("select count(*), count(person_id), count(amount_dkk), count_if(amount_dkk < 0), "
              "count(price_year), count_if(price_year < 2000) from read_parquet($p)")
    rng = random.Random(15)
    con = duckdb.connect()
    for _ in range(2000):
        data = bytearray(original)
        data[rng.randrange(len(data) // 2)] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(data))
        try:
            con.sql(counts, params={"p": str(path)}).fetchall()
        except duckdb.Error:
            continue
        try:
            con.sql("select * from read_parquet($p)", params={"p": str(path)}).fetchall()
        except duckdb.Error:
            return
    pytest.fail("no hidden damage found")


def test_a_damaged_page_the_footer_hides_is_rejected_by_validation(tmp_path):
    """The issue's second failure: one bit of a costs file changed; the footer's
    statistics answered validation's counts, so validation accepted it and the load
    failed ('dictionary offset out of range', 'ZSTD Decompression failure'). Every value
    is read now."""
    root = tmp_path / "x"
    shutil.copytree(Path(__file__).resolve().parent.parent / "sample_data", root)
    path = root / "costs" / "costs-part-1.parquet"
    _hidden_damage(path)
    report = validation.validate(root)
    costs = next(f for f in report.files if f.table == "costs")
    assert costs.status == "rejected"
    (r,) = costs.rejections
    assert r.rule == "unreadable_parquet" and r.column is not None
    assert r.params["kind"] in ("decompression", "dictionary", "damaged")
    assert explain(r, "da").startswith("Filen kan ikke læses. ")
    assert report.accepted("participants") and report.accepted("outcomes")


def test_loading_survives_what_validation_misses(tmp_path, monkeypatch):
    """The safety net: with validation's cast checks switched off, the issue's extract
    (a DATE beyond TIMESTAMP in one file, TIMESTAMP in the other) still loads; the file
    responsible is rejected as load_failed in plain words; the rest equals the extract
    without it."""
    monkeypatch.setattr(file_checks, "_load_checks", lambda spec, present: iter(()))
    monkeypatch.setattr(validation._CrossFile, "_type_conflicts", lambda *args: [])
    VERDICTS.clear()
    root = _issue_extract(tmp_path / "x", pa.timestamp("us"), YEAR_736977)
    assert validation.validate(root).ok  # validation is fooled ...
    ds = load_dataset(root, cache_dir=None)  # ... loading is not taken down
    try:
        verdict = next(f for f in ds.report.files if f.path == "participants/a.parquet")
        doc = _numbers(build_summary(ds, Filters(scope=ALL), POLICY))
    finally:
        ds.close()
    assert verdict.status == "rejected"
    (r,) = verdict.rejections
    assert (r.rule, r.column, r.params["kind"]) == ("load_failed", "end_date", "conversion")
    assert "Conversion Error" not in explain(r, "en").split("Technical detail")[0]
    assert explain(r, "en").startswith(
        "The file passed the checks but could not be loaded. A value cannot be converted")
    assert [f.status for f in ds.report.files] == ["rejected", "accepted", "accepted"]
    (tmp_path / "x" / "participants" / "a.parquet").unlink()
    assert same(doc, _numbers(_summary(root)))


def test_loading_that_cannot_recover_says_so(tmp_path, monkeypatch):
    """Nothing left out makes the build work: a LoadError with a plain message (the CLI
    prints it and exits 3)."""
    root = _issue_extract(tmp_path / "x", pa.timestamp("us"), YEAR_736977)

    def broken(report, *, threads=2, secret=None, ordered=True):
        raise fallback.duckdb.InvalidInputException("No magic bytes found at end of file")
    monkeypatch.setattr("ips_data.loading.database.build_database", broken)
    with pytest.raises(fallback.LoadError, match="ends too early"):
        load_dataset(root, cache_dir=None)
    err = io.StringIO()
    from contextlib import redirect_stderr
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        assert main(["summary", "--data-dir", str(root), "--json"]) == 3
    assert "ends too early" in err.getvalue() and "Traceback" not in err.getvalue()


def test_text_that_is_not_utf8_is_rejected_with_its_column(tmp_path):
    """Strings must be valid UTF-8 (the load decodes every one): a treatment_unit whose
    bytes were changed is a rejection naming the column, in plain words."""
    from fixtures import participant, tiny_extract, write_table

    root = tiny_extract(tmp_path)
    path = write_table(root, "participants", [participant("N1", unit="opus")], name="n.parquet")
    data = path.read_bytes()
    assert b"opus" in data  # the value, its dictionary entry and its statistics
    path.write_bytes(data.replace(b"opus", b"op\xffs"))
    verdict = next(f for f in validation.validate(root).files if f.path == "participants/n.parquet")
    (r,) = verdict.rejections
    assert (r.rule, r.column, r.params["kind"]) == ("unreadable_parquet", "treatment_unit",
                                                     "text_encoding")
    assert explain(r, "en").startswith("The file cannot be read. The file holds text that is "
                                       "not valid UTF-8. (column treatment_unit)")


@pytest.mark.parametrize("amount", [1e300, float("inf"), float("nan"), -1e16])
def test_numbers_the_figures_cannot_use_are_rejected(tmp_path, amount):
    """Found by the fuzz run: a flipped bit gave an accepted cost of ~1e300, and the
    Welch interval's sum of squares overflowed (a traceback instead of the summary)."""
    from fixtures import TINY_IPS, cost, tiny_extract, write_table

    root = tiny_extract(tmp_path)
    write_table(root, "costs", [cost(TINY_IPS[0], 30, "primary_care", 10.0),
                                cost(TINY_IPS[0], 30, "social_services", amount)],
                name="huge.parquet", mtime_ns=2 * 10**18)
    verdict = next(f for f in validation.validate(root).files if f.path == "costs/huge.parquet")
    rules = {(r.rule, r.column, r.rows, tuple(r.row_numbers)) for r in verdict.rejections}
    assert ("number_out_of_range", "amount_dkk", 1, (2,)) in rules
    assert _summary(root)["costs"]  # the rest loads and the figures are computed

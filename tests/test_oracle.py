"""The SQL models against an independent polars implementation of contract section 4,
on randomly generated extracts and random filters; and an extract written "by someone
else" (split files, other column orders and widths, timestamps, dictionaries, extra
columns, stray files) gives exactly the same numbers."""

from __future__ import annotations

import shutil
from pathlib import Path

import cellkey_oracle
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ips_data.loading.database import load_dataset
from ips_data.metrics import costs, effect
from ips_data.metrics.filters import Filters
from ips_data.metrics.summary import build_summary
from ips_data.municipalities import MUNICIPALITIES
from ips_data.protection.disclosure import DisclosurePolicy
from ips_data.protection.scopes import Scope
from ips_data.sample import generate_sample

ALL = Scope.everything()  # the whole extract (no access restriction)

POLICY = DisclosurePolicy(threshold=3)  # published figures (contract 5b)
EXACT = DisclosurePolicy(threshold=3, perturb=False)  # as `ips-data summary --exact`


def _read(root: Path, table: str) -> pl.DataFrame:
    return pl.concat([pl.read_parquet(p) for p in sorted((root / table).glob("*.parquet"))],
                     how="diagonal_relaxed")


def _polars_effect(root: Path, f: Filters) -> dict:
    people = _read(root, "participants").with_columns(
        region_code=pl.col("municipality_code").replace_strict(
            {c: m.region_code for c, m in MUNICIPALITIES.items()}, default=None),
        start_year=pl.col("start_date").dt.year(),
    )
    cond = pl.lit(True)
    if f.region is not None:
        cond &= pl.col("region_code") == f.region
    if f.municipalities:
        cond &= pl.col("municipality_code").is_in(list(f.municipalities))
    if f.start_year_from is not None:
        cond &= pl.col("start_year") >= f.start_year_from
    if f.age_bands:
        cond &= pl.col("age_band").is_in(list(f.age_bands))
    people = people.filter(cond)
    out = _read(root, "outcomes").join(people.select("person_id", "arm"), on="person_id")
    agg = out.group_by("horizon_months", "arm").agg(
        n=pl.len(), any_=pl.col("job_or_education_any").mean(),
        end=pl.col("job_or_education_at_end").mean(),
        weeks=pl.col("weeks_job_or_education").mean(),
        ids=pl.col("person_id"),
        ids_any=pl.col("person_id").filter(pl.col("job_or_education_any")),
        ids_end=pl.col("person_id").filter(pl.col("job_or_education_at_end")),
        weeks_by_id=pl.col("weeks_job_or_education"),
    )
    result = {(r["horizon_months"], r["arm"]): r for r in agg.iter_rows(named=True)}
    totals = _read(root, "costs").join(people.select("person_id", "arm"), on="person_id") \
        .group_by("person_id", "horizon_months", "arm").agg(total=pl.col("amount_dkk").sum()) \
        .group_by("horizon_months", "arm").agg(n=pl.len(), mean=pl.col("total").mean(),
                                                ids=pl.col("person_id"), totals=pl.col("total"))
    cost = {(r["horizon_months"], r["arm"]): r for r in totals.iter_rows(named=True)}
    return {"effect": result, "costs": cost}


def _published(e: dict) -> dict:
    """The published figures of an oracle cell, by the independent 5b implementation."""
    n = cellkey_oracle.count(e["ids"])

    def share(ids: list[str]) -> float:
        return min(max(cellkey_oracle.count(ids), 0), n) / n

    weeks = cellkey_oracle.total(dict(zip(e["ids"], e["weeks_by_id"], strict=True)))
    return {"n": n, "any_": share(e["ids_any"]), "end": share(e["ids_end"]),
            "weeks": float(weeks / n)}


FILTERS = [
    Filters(scope=ALL),
    Filters(scope=ALL, region=1084),
    Filters(scope=ALL, age_bands=("18-24", "25-29")),
    Filters(scope=ALL, start_year_from=2023),
    Filters(scope=ALL, municipalities=(101, 147, 151)),
]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_agrees_with_independent_polars(tmp_path, seed):
    root = tmp_path / f"x{seed}"
    generate_sample(root, persons=600, seed=seed)
    ds = load_dataset(root)
    try:
        assert ds.report.ok
        for f, policy in ((f, p) for f in FILTERS for p in (EXACT, POLICY)):
            expected = _polars_effect(root, f)
            arms = effect.arm_effects(ds, f, policy)
            for (h, arm), e in expected["effect"].items():
                got = arms.filter((pl.col("horizon_months") == h) & (pl.col("arm") == arm))
                row = got.row(0, named=True)
                want = _published(e) if policy.perturb else e
                if e["n"] < policy.threshold or want["n"] < policy.threshold:
                    assert row["n"] is None
                    continue
                assert row["n"] == want["n"]
                assert row["job_or_education_any"] == pytest.approx(want["any_"])
                assert row["job_or_education_at_end"] == pytest.approx(want["end"])
                assert row["weeks_mean"] == pytest.approx(want["weeks"])
            shown = arms.filter(pl.col("n").is_not_null()).height
            assert shown == sum(e["n"] >= policy.threshold and (
                not policy.perturb or cellkey_oracle.count(e["ids"]) >= policy.threshold)
                for e in expected["effect"].values())
            ca = costs.arm_costs(ds, f, policy)
            for (h, arm), e in expected["costs"].items():
                row = ca.filter((pl.col("horizon_months") == h) & (pl.col("arm") == arm)).row(
                    0, named=True)
                n, mean = e["n"], e["mean"]
                if policy.perturb:
                    totals = dict(zip(e["ids"], e["totals"], strict=True))
                    n = cellkey_oracle.count(e["ids"])
                    mean = float(cellkey_oracle.total(totals) / n)
                if e["n"] >= policy.threshold and n >= policy.threshold:
                    # amounts are summed in whole øre: equal to well within 0.01 DKK
                    assert (row["n"], row["mean_total_dkk"]) == (n, pytest.approx(mean,
                                                                                   abs=0.01))
    finally:
        ds.close()


def _messy_copy(src: Path, dst: Path) -> None:
    """Rewrite an extract the way another team might: same content, other encoding."""
    dst.mkdir()
    shutil.copy(src / "manifest.json", dst / "manifest.json")
    for table_dir in sorted(p for p in src.iterdir() if p.is_dir()):
        table = pa.concat_tables(pq.read_table(p) for p in sorted(table_dir.glob("*.parquet")))
        out = dst / table_dir.name
        out.mkdir()
        (out / "README.txt").write_text("delivered by the project office", encoding="utf-8")
        thirds = [table.slice(i * (table.num_rows // 3 + 1), table.num_rows // 3 + 1)
                  for i in range(3)]
        for i, part in enumerate(thirds):
            cols = {}
            for name in reversed(part.column_names):  # other column order
                col = part[name]
                if pa.types.is_date32(col.type):
                    col = col.cast(pa.timestamp("ms")) if i != 1 else col.cast(pa.date64())
                elif pa.types.is_string(col.type) and i != 2:
                    col = col.dictionary_encode()
                elif pa.types.is_integer(col.type) and name != "person_id":
                    col = col.cast(pa.int32() if i == 0 else pa.uint16(), safe=False) \
                        if name != "weeks_job_or_education" else col.cast(pa.int16())
                cols[name] = col
            cols["extra_column_from_case_system"] = pa.array([i] * part.num_rows)
            pq.write_table(pa.table(cols), out / f"delivery-{i}.parquet")


def _differences(a, b, path: str = "") -> list[str]:
    """Where two summary documents differ (floats must be identical: every sum is exact,
    so the order in which rows are read or added changes no digit)."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return [f"{path}: keys {sorted(a)} != {sorted(b)}"]
        return [d for k in a for d in _differences(a[k], b[k], f"{path}/{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} != {len(b)} items"]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True))
                for d in _differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def test_extract_written_by_someone_else_gives_the_same_numbers(tmp_path):
    src = tmp_path / "src"
    generate_sample(src, persons=800, seed=11)
    messy = tmp_path / "messy"
    _messy_copy(src, messy)
    a, b = load_dataset(src), load_dataset(messy)
    try:
        assert b.report.ok, b.report.rejected()
        assert {f.path for f in b.report.files if f.status == "ignored"} >= {
            "participants/README.txt"}
        for f, policy in ((f, p) for f in (Filters(scope=ALL), Filters(
                scope=ALL, region=1084, start_year_from=2022)) for p in (
                DisclosurePolicy(), DisclosurePolicy(perturb=False))):
            doc_a, doc_b = build_summary(a, f, policy), build_summary(b, f, policy)
            for key in ("effect", "costs", "municipalities"):
                assert _differences(doc_a[key], doc_b[key]) == []
    finally:
        a.close()
        b.close()

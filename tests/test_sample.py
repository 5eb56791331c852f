"""Tests for the synthetic extract generator (ips_data.sample).

The files are read back with polars/pyarrow directly; every contract-v1 rule is
written out here as a polars expression that is true for a valid row.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from ips_data.municipalities import HOVEDSTADEN_COLLABORATING, MUNICIPALITIES
from ips_data.sample import (
    _POPULATION_K,
    MANIFEST_MARKER,
    NATIONAL_PERSONS,
    TABLES,
    generate_sample,
)

EXTRACT = date(2026, 9, 30)
CPR = r"^\d{6}-?\d{4}$"
HOVEDSTADEN = sorted(c for c, m in MUNICIPALITIES.items() if m.region_code == 1084)
# contract v1, section 2
BENEFITS = [
    "kontanthjaelp", "uddannelseshjaelp", "ressourceforloeb", "jobafklaring", "ledighedsydelse",
    "sygedagpenge", "revalidering", "dagpenge", "foertidspension", "selvforsoergende", "other",
]  # fmt: skip
CATEGORIES = [
    "psychiatric_inpatient", "psychiatric_outpatient", "psychiatric_emergency", "primary_care",
    "employment_services", "social_services", "ips_service",
]  # fmt: skip
ITEMS = [f"item_{i:02d}" for i in range(1, 26)]

Frames = dict[str, pl.DataFrame]


def _read(root: Path) -> Frames:
    return {t: pl.read_parquet(sorted((root / t).glob("*.parquet"))) for t in TABLES}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    root = tmp_path_factory.mktemp("sample")
    return root, generate_sample(root)


@pytest.fixture(scope="module")
def frames(sample: tuple[Path, dict[str, int]]) -> Frames:
    return _read(sample[0])


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("national")
    generate_sample(root, scale="national", persons=50_000)
    return root


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


# ----------------------------------------------------------------------------- layout, API
def test_layout_manifest_and_counts(sample: tuple[Path, dict[str, int]], frames: Frames) -> None:
    root, counts = sample
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["extract_date"] == "2026-09-30"
    assert manifest["description"].startswith(MANIFEST_MARKER)
    assert set(counts) == set(TABLES)
    for table in TABLES:
        assert [p.name for p in (root / table).iterdir()] == [f"{table}-part-1.parquet"]
        assert frames[table].height == counts[table] > 0
    assert counts["participants"] == 8000


def test_row_groups_are_bounded(national: Path) -> None:
    for path in (national / "costs").glob("*.parquet"):
        meta = pq.ParquetFile(path).metadata
        assert all(meta.row_group(i).num_rows <= 128 * 1024 for i in range(meta.num_row_groups))


def test_national_scale(national: Path) -> None:
    f = _read(national)
    assert set(f["rollout"]["municipality_code"]) == set(MUNICIPALITIES)
    assert set(f["participants"]["municipality_code"]) == set(MUNICIPALITIES)
    for table in TABLES:
        assert len(list((national / table).glob("*.parquet"))) == 4
    assert f["participants"].height == 50_000
    treated = f["participants"].filter(pl.col("arm") != "comparison").height / 50_000
    assert 0.30 <= treated <= 0.37
    first_impl = f["rollout"].filter(pl.col("status") == "implementing")["valid_from"].dt.year()
    assert first_impl.min() >= 2015 and first_impl.max() <= 2026 and first_impl.n_unique() >= 8
    assert NATIONAL_PERSONS == 1_000_000


def test_population_weights_cover_all_municipalities() -> None:
    assert set(_POPULATION_K) == set(MUNICIPALITIES)


# ----------------------------------------------------------------------------- determinism
def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate_sample(a, persons=3000, seed=7)
    generate_sample(b, persons=3000, seed=7)
    generate_sample(c, persons=3000, seed=8)
    fa, fb, fc = _files(a), _files(b), _files(c)
    assert fa == fb
    assert fa.keys() == fc.keys()
    for name in fa:
        if name.endswith(".parquet"):
            assert fa[name] != fc[name], name


def test_rerun_into_own_directory_replaces_parts_and_keeps_user_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate_sample(out, persons=1500, files_per_table=3)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "costs" / "extra.parquet.bak").write_text("mine too", encoding="utf-8")
    counts = generate_sample(out, persons=1500, files_per_table=1)
    for table in TABLES:
        assert [p.name for p in (out / table).glob("*.parquet")] == [f"{table}-part-1.parquet"]
        assert pl.read_parquet(out / table / f"{table}-part-1.parquet").height == counts[table]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "costs" / "extra.parquet.bak").exists()


@pytest.mark.parametrize("content", ["file", "folder"])
def test_refuses_non_empty_foreign_directory(tmp_path: Path, content: str) -> None:
    out = tmp_path / "extract"
    out.mkdir()
    if content == "file":
        (out / "participants.parquet").write_bytes(b"analyst's file")
    else:
        (out / "participants").mkdir()
    before = _files(out)
    with pytest.raises(FileExistsError):
        generate_sample(out, persons=100)
    assert _files(out) == before
    assert sorted(p.name for p in out.iterdir()) == [
        "participants" + (".parquet" if content == "file" else "")
    ]


# ----------------------------------------------------------------------------- types
TYPES = [
    ("participants", "person_id", pl.String),
    ("participants", "municipality_code", pl.Int64),
    ("participants", "arm", pl.String),
    ("participants", "start_date", pl.Date),
    ("participants", "end_date", pl.Date),
    ("participants", "age_band", pl.String),
    ("participants", "sex", pl.String),
    ("participants", "benefit_at_start", pl.String),
    ("participants", "treatment_unit", pl.String),
    ("outcomes", "person_id", pl.String),
    ("outcomes", "horizon_months", pl.Int16),
    ("outcomes", "job_or_education_any", pl.Boolean),
    ("outcomes", "job_or_education_at_end", pl.Boolean),
    ("outcomes", "weeks_job_or_education", pl.Int16),
    ("outcomes", "hours_worked", pl.Float64),
    ("costs", "person_id", pl.String),
    ("costs", "horizon_months", pl.Int16),
    ("costs", "category", pl.String),
    ("costs", "amount_dkk", pl.Float64),
    ("costs", "price_year", pl.Int16),
    ("rollout", "municipality_code", pl.Int64),
    ("rollout", "status", pl.String),
    ("rollout", "valid_from", pl.Date),
    ("rollout", "consultants_fte", pl.Float64),
    ("rollout", "target_group", pl.String),
    ("rollout", "psychiatry_units", pl.String),
    ("fidelity", "municipality_code", pl.Int64),
    ("fidelity", "assessment_date", pl.Date),
    ("fidelity", "total_score", pl.Int16),
    *[("fidelity", item, pl.Int8) for item in ITEMS],
]


@pytest.mark.parametrize(("table", "column", "dtype"), TYPES)
def test_column_types(frames: Frames, table: str, column: str, dtype: pl.DataType) -> None:
    assert frames[table].schema[column] == dtype


# ----------------------------------------------------------------------------- contract rules
def _unique(*cols: str) -> pl.Expr:
    return pl.struct(cols).is_unique()


def _in(col: str, values: list) -> pl.Expr:
    return pl.col(col).is_in(values)


def _nullable(col: str, expr: pl.Expr) -> pl.Expr:
    return pl.col(col).is_null() | expr


def _weeks_max() -> pl.Expr:
    return pl.when(pl.col("horizon_months") == 18).then(78).otherwise(130)


CODES = sorted(MUNICIPALITIES)

#: (rule id, table, valid-row expression built from all frames). A null result counts as
#: a violation, so required columns must be non-null.
RULES: list[tuple[str, str, Callable[[Frames], pl.Expr]]] = [
    ("person_id non-empty", "participants", lambda f: pl.col("person_id").str.len_chars() > 0),
    ("person_id unique", "participants", lambda f: pl.col("person_id").is_unique()),
    ("person_id not CPR", "participants", lambda f: ~pl.col("person_id").str.contains(CPR)),
    ("municipality official", "participants", lambda f: _in("municipality_code", CODES)),
    ("arm allowed", "participants", lambda f: _in("arm", ["ips", "ips_like", "comparison"])),
    ("start >= 2005", "participants", lambda f: pl.col("start_date") >= date(2005, 1, 1)),
    ("start <= as_of", "participants", lambda f: pl.col("start_date") <= EXTRACT),
    (
        "end null or >= start",
        "participants",
        lambda f: _nullable("end_date", pl.col("end_date") >= pl.col("start_date")),
    ),
    (
        "end <= as_of",
        "participants",
        lambda f: _nullable("end_date", pl.col("end_date") <= EXTRACT),
    ),
    (
        "age band allowed",
        "participants",
        lambda f: _in("age_band", ["18-24", "25-29", "30-39", "40-49", "50+"]),
    ),
    ("sex allowed", "participants", lambda f: _nullable("sex", _in("sex", ["F", "M"]))),
    (
        "benefit allowed",
        "participants",
        lambda f: _nullable("benefit_at_start", _in("benefit_at_start", BENEFITS)),
    ),
    (
        "treatment unit allowed",
        "participants",
        lambda f: _nullable(
            "treatment_unit", _in("treatment_unit", ["f_act", "opus", "outpatient", "other"])
        ),
    ),
    (
        "outcome person exists",
        "outcomes",
        lambda f: pl.col("person_id").is_in(f["participants"]["person_id"].implode()),
    ),
    ("horizon 18 or 30", "outcomes", lambda f: _in("horizon_months", [18, 30])),
    ("outcome key unique", "outcomes", lambda f: _unique("person_id", "horizon_months")),
    ("any not null", "outcomes", lambda f: pl.col("job_or_education_any").is_not_null()),
    (
        "at_end implies any",
        "outcomes",
        lambda f: ~pl.col("job_or_education_at_end") | pl.col("job_or_education_any"),
    ),
    (
        "weeks 0 iff not any",
        "outcomes",
        lambda f: (pl.col("weeks_job_or_education") == 0) == ~pl.col("job_or_education_any"),
    ),
    (
        "weeks within horizon",
        "outcomes",
        lambda f: pl.col("weeks_job_or_education").is_between(0, _weeks_max()),
    ),
    ("hours >= 0", "outcomes", lambda f: _nullable("hours_worked", pl.col("hours_worked") >= 0)),
    (
        "cost person exists",
        "costs",
        lambda f: pl.col("person_id").is_in(f["participants"]["person_id"].implode()),
    ),
    ("cost horizon 18 or 30", "costs", lambda f: _in("horizon_months", [18, 30])),
    ("category allowed", "costs", lambda f: _in("category", CATEGORIES)),
    ("cost key unique", "costs", lambda f: _unique("person_id", "horizon_months", "category")),
    ("amount >= 0", "costs", lambda f: pl.col("amount_dkk") >= 0),
    ("price year 2000..2100", "costs", lambda f: pl.col("price_year").is_between(2000, 2100)),
    ("single price year", "costs", lambda f: pl.col("price_year") == pl.col("price_year").min()),
    ("rollout official code", "rollout", lambda f: _in("municipality_code", CODES)),
    (
        "status allowed",
        "rollout",
        lambda f: _in(
            "status", ["not_started", "agreement", "implementing", "operating", "stopped"]
        ),
    ),
    ("rollout key unique", "rollout", lambda f: _unique("municipality_code", "valid_from")),
    ("valid_from <= as_of", "rollout", lambda f: pl.col("valid_from") <= EXTRACT),
    (
        "fte >= 0",
        "rollout",
        lambda f: _nullable("consultants_fte", pl.col("consultants_fte") >= 0),
    ),
    (
        "target group allowed",
        "rollout",
        lambda f: _nullable("target_group", _in("target_group", ["adults", "youth", "both"])),
    ),
    ("fidelity official code", "fidelity", lambda f: _in("municipality_code", CODES)),
    ("fidelity key unique", "fidelity", lambda f: _unique("municipality_code", "assessment_date")),
    ("assessment <= as_of", "fidelity", lambda f: pl.col("assessment_date") <= EXTRACT),
    ("total 25..125", "fidelity", lambda f: pl.col("total_score").is_between(25, 125)),
    (
        "items 1..5",
        "fidelity",
        lambda f: pl.all_horizontal(_nullable(c, pl.col(c).is_between(1, 5)) for c in ITEMS),
    ),
    (
        "items all present or all null",
        "fidelity",
        lambda f: pl.sum_horizontal(pl.col(c).is_null() for c in ITEMS).is_in([0, 25]),
    ),
    (
        "items sum to total",
        "fidelity",
        lambda f: (
            pl.any_horizontal(pl.col(c).is_null() for c in ITEMS)
            | (pl.sum_horizontal(pl.col(c).cast(pl.Int64) for c in ITEMS) == pl.col("total_score"))
        ),
    ),
]


@pytest.mark.parametrize(("rule", "table", "valid"), RULES, ids=[r[0] for r in RULES])
def test_contract_rule(
    frames: Frames, rule: str, table: str, valid: Callable[[Frames], pl.Expr]
) -> None:
    df = frames[table]
    bad = df.filter(~valid(frames).fill_null(False))
    assert bad.height == 0, f"{rule}: {bad.height} rows, e.g. {bad.head(3).rows()}"


def test_rule_check_can_fail(frames: Frames) -> None:
    """Sanity check of the harness: a broken frame breaks the rules."""
    broken = dict(frames)
    broken["outcomes"] = frames["outcomes"].with_columns(
        pl.lit(0, dtype=pl.Int16).alias("weeks_job_or_education")
    )
    rule = next(r for r in RULES if r[0] == "weeks 0 iff not any")
    assert broken["outcomes"].filter(~rule[2](broken).fill_null(False)).height > 0


def _joined(frames: Frames) -> pl.DataFrame:
    return frames["outcomes"].join(
        frames["participants"].select("person_id", "arm", "start_date"), on="person_id"
    )


def test_outcome_rows_only_and_always_for_matured_horizons(frames: Frames) -> None:
    """start + h months <= as_of; the generator is conservative at month ends (a start on
    2025-03-31 has 18 months only if 2026-09-30 counts as its 18-month day, so it waits)."""
    persons = frames["participants"].select("person_id", "start_date")
    for h in (18, 30):
        forward = pl.col("start_date").dt.offset_by(f"{h}mo") <= EXTRACT
        backward = pl.col("start_date") <= pl.lit(EXTRACT).dt.offset_by(f"-{h}mo")
        rows = set(frames["outcomes"].filter(pl.col("horizon_months") == h)["person_id"])
        assert rows <= set(persons.filter(forward & backward)["person_id"]), h
        assert rows >= set(persons.filter(forward & backward)["person_id"]), h
        edge = persons.filter(forward & ~backward)  # only month-end starts may differ
        assert (edge["start_date"].dt.day() > 28).all()


def test_thirty_months_consistent_with_eighteen(frames: Frames) -> None:
    o = frames["outcomes"]
    both = o.filter(pl.col("horizon_months") == 18).join(
        o.filter(pl.col("horizon_months") == 30), on="person_id", suffix="_30"
    )
    assert both.height > 1000
    assert both.filter(
        pl.col("job_or_education_any_30") < pl.col("job_or_education_any")
    ).is_empty()
    assert both.filter(
        pl.col("weeks_job_or_education_30") < pl.col("weeks_job_or_education")
    ).is_empty()
    thirty_only = set(o.filter(pl.col("horizon_months") == 30)["person_id"]) - set(
        o.filter(pl.col("horizon_months") == 18)["person_id"]
    )
    assert not thirty_only


@pytest.mark.parametrize("h", [18, 30])
@pytest.mark.parametrize("arm", ["ips", "comparison"])
def test_not_yet_observable_people_exist(frames: Frames, h: int, arm: str) -> None:
    observed = frames["outcomes"].filter(pl.col("horizon_months") == h)["person_id"].implode()
    waiting = frames["participants"].filter(
        (pl.col("arm") == arm) & ~pl.col("person_id").is_in(observed)
    )
    assert waiting.height > 50


def test_optional_columns_have_some_nulls(frames: Frames) -> None:
    p, o = frames["participants"], frames["outcomes"]
    for col in ("end_date", "sex", "benefit_at_start", "treatment_unit"):
        assert 0 < p[col].null_count() < p.height, col
    assert 0 < o["hours_worked"].null_count() < o.height * 0.2
    assert p["end_date"].is_not_null().sum() > p.height * 0.2  # finished courses exist too
    items_null = frames["fidelity"]["item_01"].null_count()
    assert 0 < items_null < frames["fidelity"].height / 2


def test_costs_only_for_matured_people_and_some_without_costs(frames: Frames) -> None:
    o, c = frames["outcomes"], frames["costs"]
    cost_keys = c.select("person_id", "horizon_months").unique()
    outcome_keys = o.select("person_id", "horizon_months")
    assert cost_keys.join(outcome_keys, on=["person_id", "horizon_months"], how="anti").is_empty()
    missing = outcome_keys.join(cost_keys, on=["person_id", "horizon_months"], how="anti")
    assert 0.01 * o.height < missing.height < 0.06 * o.height
    ips_service = c.filter(pl.col("category") == "ips_service").join(
        frames["participants"], on="person_id"
    )
    assert set(ips_service["arm"]) == {"ips", "ips_like"}
    assert c["price_year"].unique().to_list() == [2020]


# ----------------------------------------------------------------------------- calibration
def _share(frames: Frames, h: int, arm: str, col: str) -> float:
    j = _joined(frames).filter((pl.col("horizon_months") == h) & (pl.col("arm") == arm))
    return float(j[col].cast(pl.Float64).mean())


def _cost_mean(frames: Frames, h: int, arm: str) -> float:
    totals = (
        frames["costs"]
        .filter(pl.col("horizon_months") == h)
        .join(frames["participants"].select("person_id", "arm"), on="person_id")
        .filter(pl.col("arm") == arm)
        .group_by("person_id")
        .agg(pl.col("amount_dkk").sum())
    )
    return float(totals["amount_dkk"].mean())


CALIBRATION = [
    ("18m any ips", lambda f: _share(f, 18, "ips", "job_or_education_any"), 0.595, 0.04),
    ("18m any comparison", lambda f: _share(f, 18, "comparison", "job_or_education_any"),
     0.465, 0.04),
    ("18m weeks difference", lambda f: _share(f, 18, "ips", "weeks_job_or_education")
     - _share(f, 18, "comparison", "weeks_job_or_education"), 2.9, 1.5),
    ("30m at end ips", lambda f: _share(f, 30, "ips", "job_or_education_at_end"), 0.38, 0.05),
    ("30m at end comparison", lambda f: _share(f, 30, "comparison", "job_or_education_at_end"),
     0.27, 0.05),
    ("18m saving", lambda f: _cost_mean(f, 18, "comparison") - _cost_mean(f, 18, "ips"),
     72_000, 15_000),
    ("18m cost comparison", lambda f: _cost_mean(f, 18, "comparison"), 482_000, 30_000),
    ("30m costs larger", lambda f: _cost_mean(f, 30, "comparison") / _cost_mean(
        f, 18, "comparison"), 1.6, 0.3),
]  # fmt: skip


@pytest.mark.parametrize(
    ("metric", "target", "tol"),
    [(m, t, tol) for _, m, t, tol in CALIBRATION],
    ids=[c[0] for c in CALIBRATION],
)
def test_calibration(frames: Frames, metric: Callable[[Frames], float], target: float,
                     tol: float) -> None:  # fmt: skip
    assert abs(metric(frames) - target) <= tol


def test_ips_like_between_comparison_and_ips(frames: Frames) -> None:
    like = _share(frames, 18, "ips_like", "job_or_education_any")
    assert _share(frames, 18, "comparison", "job_or_education_any") < like
    assert like < _share(frames, 18, "ips", "job_or_education_any")


def test_municipalities_vary(frames: Frames) -> None:
    by_muni = (
        _joined(frames)
        .join(frames["participants"].select("person_id", "municipality_code"), on="person_id")
        .filter((pl.col("horizon_months") == 18) & (pl.col("arm") == "ips"))
        .group_by("municipality_code")
        .agg(pl.len(), pl.col("job_or_education_any").mean())
        .filter(pl.col("len") >= 40)
    )
    assert by_muni.height >= 5
    spread = by_muni["job_or_education_any"]
    assert spread.max() - spread.min() > 0.05


# ----------------------------------------------------------------------------- people
def test_arms_and_youth_pilot(frames: Frames) -> None:
    p = frames["participants"]
    treated = p.filter(pl.col("arm") != "comparison")
    like = p.filter(pl.col("arm") == "ips_like")
    assert 0.07 <= like.height / treated.height <= 0.13
    assert like.filter(_in("age_band", ["18-24", "25-29"])).height / like.height > 0.85
    rodovre = treated.filter(pl.col("municipality_code") == 175)
    assert rodovre.height > 0
    assert set(rodovre["age_band"]) <= {"18-24", "25-29"}


def test_person_ids_look_pseudonymous(frames: Frames) -> None:
    ids = frames["participants"]["person_id"]
    assert ids.str.contains(r"^P\d{7}[0-9a-f]{2}$").all()
    assert not any(re.match(CPR, x) for x in ids.head(1000))


def test_region_scale_geography_and_dates(frames: Frames) -> None:
    p = frames["participants"]
    hov = p.filter(_in("municipality_code", HOVEDSTADEN)).height / p.height
    assert 0.80 <= hov <= 0.90
    assert p["start_date"].min() >= date(2013, 1, 1)
    counts = p.group_by("municipality_code").len().sort("len", descending=True)
    assert counts["municipality_code"][0] == 101  # København largest
    hov_treated = p.filter(_in("municipality_code", HOVEDSTADEN) & (pl.col("arm") != "comparison"))
    assert hov_treated["start_date"].min() >= date(2022, 1, 1)


def test_treated_start_only_while_implementing_or_operating(frames: Frames) -> None:
    rollout = frames["rollout"].sort("valid_from")
    treated = frames["participants"].filter(pl.col("arm") != "comparison").sort("start_date")
    status = treated.join_asof(
        rollout,
        left_on="start_date",
        right_on="valid_from",
        by="municipality_code",
        strategy="backward",
        check_sortedness=False,
    )
    assert status["status"].is_in(["implementing", "operating"]).fill_null(False).all()
    # ips_like only where the municipality offers IPS to young people
    like = status.filter(pl.col("arm") == "ips_like")
    assert like["target_group"].is_in(["youth", "both"]).all()


# ----------------------------------------------------------------------------- rollout, fidelity
def test_rollout_covers_hovedstaden_and_collaborations(frames: Frames) -> None:
    r = frames["rollout"]
    assert set(HOVEDSTADEN) <= set(r["municipality_code"])
    beyond = set(
        r.filter(_in("status", ["implementing", "operating"])).filter(
            _in("municipality_code", HOVEDSTADEN)
        )["municipality_code"]
    )
    assert beyond == set(HOVEDSTADEN_COLLABORATING)
    first = r.filter(_in("status", ["implementing"]) & _in("municipality_code", HOVEDSTADEN))
    assert first["valid_from"].dt.year().is_between(2022, 2024).all()
    latest = r.sort("valid_from").group_by("municipality_code").agg(pl.col("status").last())
    latest_hov = latest.filter(_in("municipality_code", list(HOVEDSTADEN_COLLABORATING)))
    assert {"implementing", "operating"} <= set(latest_hov["status"])  # some still implementing
    assert set(r.filter(pl.col("municipality_code") == 175)["target_group"].drop_nulls()) == {
        "youth"
    }
    others = set(r["municipality_code"]) - set(HOVEDSTADEN)
    assert others and "stopped" in set(r.filter(_in("municipality_code", list(others)))["status"])
    ordered = (
        r.sort("municipality_code", "valid_from")
        .group_by("municipality_code", maintain_order=True)
        .agg(pl.col("status"))
    )
    stage = {"not_started": 0, "agreement": 1, "implementing": 2, "operating": 3, "stopped": 4}
    for statuses in ordered["status"]:
        ranks = [stage[s] for s in statuses]
        assert ranks == sorted(ranks), statuses
    assert 0 < r["consultants_fte"].null_count() < r.height
    units = r.filter(pl.col("status") == "operating")["psychiatry_units"].drop_nulls()
    assert units.len() > 0 and units.str.contains("F-ACT|OPUS").all()


BANDS = [("exemplary", 115, 125), ("good", 100, 114), ("fair", 74, 99), ("not_ips", 25, 73)]


@pytest.mark.parametrize(("band", "lo", "hi"), BANDS, ids=[b[0] for b in BANDS])
def test_all_fidelity_bands_present(frames: Frames, band: str, lo: int, hi: int) -> None:
    assert frames["fidelity"].filter(pl.col("total_score").is_between(lo, hi)).height > 0


def test_fidelity_only_for_started_municipalities_and_improves(frames: Frames) -> None:
    f, r = frames["fidelity"], frames["rollout"]
    started = set(r.filter(_in("status", ["implementing", "operating"]))["municipality_code"])
    assert set(f["municipality_code"]) <= started
    trend = (
        f.sort("assessment_date")
        .group_by("municipality_code")
        .agg(pl.col("total_score").first().alias("first"), pl.col("total_score").last())
        .filter(pl.col("first") != pl.col("total_score"))
    )
    assert (trend["total_score"] > trend["first"]).mean() > 0.8

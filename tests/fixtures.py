"""Deterministic, importable builders for tiny extracts used across the tests.

Every number a test asserts on a tiny extract can be recomputed by hand from
the rows written here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

AS_OF = date(2026, 9, 30)

PARTICIPANT_TYPES = {
    "person_id": pa.string(), "municipality_code": pa.int64(), "arm": pa.string(),
    "start_date": pa.date32(), "end_date": pa.date32(), "age_band": pa.string(),
    "sex": pa.string(), "benefit_at_start": pa.string(), "treatment_unit": pa.string(),
}
OUTCOME_TYPES = {
    "person_id": pa.string(), "horizon_months": pa.int64(), "job_or_education_any": pa.bool_(),
    "job_or_education_at_end": pa.bool_(), "weeks_job_or_education": pa.int64(),
    "hours_worked": pa.float64(),
}
COST_TYPES = {
    "person_id": pa.string(), "horizon_months": pa.int64(), "category": pa.string(),
    "amount_dkk": pa.float64(), "price_year": pa.int64(),
}
ROLLOUT_TYPES = {
    "municipality_code": pa.int64(), "status": pa.string(), "valid_from": pa.date32(),
    "consultants_fte": pa.float64(), "target_group": pa.string(), "psychiatry_units": pa.string(),
}
FIDELITY_TYPES = {
    "municipality_code": pa.int64(), "assessment_date": pa.date32(), "total_score": pa.int64(),
    **{f"item_{i:02d}": pa.int64() for i in range(1, 26)},
}
TYPES = {
    "participants": PARTICIPANT_TYPES, "outcomes": OUTCOME_TYPES, "costs": COST_TYPES,
    "rollout": ROLLOUT_TYPES, "fidelity": FIDELITY_TYPES,
}


def participant(pid: str, arm: str = "ips", municipality: int = 101,
                start: date = date(2022, 1, 10), end: date | None = None,
                age: str = "25-29", sex: str | None = "F",
                benefit: str | None = "kontanthjaelp", unit: str | None = "f_act") -> dict:
    return {"person_id": pid, "municipality_code": municipality, "arm": arm,
            "start_date": start, "end_date": end, "age_band": age, "sex": sex,
            "benefit_at_start": benefit, "treatment_unit": unit}


def outcome(pid: str, horizon: int = 18, any_: bool = True, at_end: bool = False,
            weeks: int | None = None, hours: float | None = None) -> dict:
    if weeks is None:
        weeks = 10 if any_ else 0
    return {"person_id": pid, "horizon_months": horizon, "job_or_education_any": any_,
            "job_or_education_at_end": at_end, "weeks_job_or_education": weeks,
            "hours_worked": hours}


def cost(pid: str, horizon: int, category: str, amount: float, price_year: int = 2020) -> dict:
    return {"person_id": pid, "horizon_months": horizon, "category": category,
            "amount_dkk": amount, "price_year": price_year}


def rollout(code: int, status: str, valid_from: date, fte: float | None = None,
            target: str | None = "adults", units: str | None = None) -> dict:
    return {"municipality_code": code, "status": status, "valid_from": valid_from,
            "consultants_fte": fte, "target_group": target, "psychiatry_units": units}


def fidelity(code: int, when: date, total: int, items: list[int] | None = None) -> dict:
    row = {"municipality_code": code, "assessment_date": when, "total_score": total}
    for i in range(25):
        row[f"item_{i + 1:02d}"] = items[i] if items else None
    return row


def write_table(data_dir: Path, table: str, rows: Iterable[dict], name: str = "part-1.parquet",
                types: dict[str, pa.DataType] | None = None, mtime_ns: int | None = None) -> Path:
    """Write rows as one Parquet file; types default to the contract's canonical ones."""
    rows = list(rows)
    types = {**TYPES[table], **(types or {})}
    columns = list(rows[0]) if rows else list(TYPES[table])
    arrays = {c: pa.array([r.get(c) for r in rows], type=types.get(c)) for c in columns}
    folder = data_dir / table
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    pq.write_table(pa.table(arrays), path)
    if mtime_ns is not None:
        os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


def write_manifest(data_dir: Path, extract_date: date = AS_OF) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "manifest.json").write_text(
        json.dumps({"extract_date": extract_date.isoformat(), "description": "test extract"}),
        encoding="utf-8",
    )


# The tiny extract: 6 IPS and 6 comparison persons in København (101), 2 IPS-like in
# Frederiksberg (147). At 18 months IPS 4/6 any (weeks 10,20,30,40,0,0), comparison
# 2/6 any (weeks 5,15,0,0,0,0); at 30 months only 3 + 3 are observed.
TINY_IPS = [f"I{i}" for i in range(1, 7)]
TINY_CMP = [f"C{i}" for i in range(1, 7)]
TINY_LIKE = ["Y1", "Y2"]


def tiny_extract(data_dir: Path) -> Path:
    write_manifest(data_dir)
    people = [participant(p, "ips", 101, date(2022, 1, 10), sex="F" if i % 2 else "M")
              for i, p in enumerate(TINY_IPS)]
    people += [participant(p, "comparison", 101, date(2022, 2, 1), end=date(2023, 1, 1),
                           age="30-39") for p in TINY_CMP]
    people += [participant(p, "ips_like", 147, date(2026, 1, 5), age="18-24", unit="opus")
               for p in TINY_LIKE]
    write_table(data_dir, "participants", people)
    ips_weeks = [10, 20, 30, 40, 0, 0]
    cmp_weeks = [5, 15, 0, 0, 0, 0]
    rows = [outcome(p, 18, w > 0, w >= 30, w) for p, w in zip(TINY_IPS, ips_weeks, strict=True)]
    rows += [outcome(p, 18, w > 0, w >= 15, w) for p, w in zip(TINY_CMP, cmp_weeks, strict=True)]
    rows += [outcome(p, 30, True, True, 60) for p in TINY_IPS[:3]]
    rows += [outcome(p, 30, i == 0, False, 30 if i == 0 else 0)
             for i, p in enumerate(TINY_CMP[:3])]
    write_table(data_dir, "outcomes", rows)
    costs = []
    for i, p in enumerate(TINY_IPS):
        costs.append(cost(p, 18, "psychiatric_inpatient", 100_000 + 10_000 * i))
        costs.append(cost(p, 18, "ips_service", 20_000))
    for i, p in enumerate(TINY_CMP):
        costs.append(cost(p, 18, "psychiatric_inpatient", 150_000 + 10_000 * i))
        costs.append(cost(p, 18, "social_services", 30_000))
    write_table(data_dir, "costs", costs)
    write_table(data_dir, "rollout", [
        rollout(101, "agreement", date(2021, 6, 1), None),
        rollout(101, "implementing", date(2022, 1, 1), 2.0, units="F-ACT Nord"),
        rollout(101, "operating", date(2024, 1, 1), None),
        rollout(147, "agreement", date(2025, 9, 1), 1.0, target="youth"),
    ])
    write_table(data_dir, "fidelity", [
        fidelity(101, date(2023, 3, 1), 80),
        fidelity(101, date(2025, 3, 1), 25 * 4 + 5, [4] * 20 + [5] * 5),
    ])
    return data_dir


# The adjusted extract (contract section 4b): everyone starts in 2022, aged 25-29, F, in
# København. Stratum A (kontanthjaelp → cash): IPS weeks 10,20,30,0 (at end: the first),
# comparison 12,0. Stratum B (dagpenge → insured): IPS 40,0 (at end: the first),
# comparison 5,15,25,0 (at end: the second). Stratum D (foertidspension → other): IPS
# 0,0,8 and no comparison person. Only 18-month rows.
ADJUSTED_STRATA = {
    # stratum: (benefit, IPS weeks, IPS at end, comparison weeks, comparison at end)
    "A": ("kontanthjaelp", [10, 20, 30, 0], [True, False, False, False],
          [12, 0], [False, False]),
    "B": ("dagpenge", [40, 0], [True, False], [5, 15, 25, 0], [False, True, False, False]),
    "D": ("foertidspension", [0, 0, 8], [False, False, False], [], []),
}


def adjusted_extract(data_dir: Path) -> Path:
    write_manifest(data_dir)
    people, rows = [], []
    for name, (benefit, ips_w, ips_end, cmp_w, cmp_end) in ADJUSTED_STRATA.items():
        for arm, weeks, ends in (("ips", ips_w, ips_end), ("comparison", cmp_w, cmp_end)):
            for i, (w, end) in enumerate(zip(weeks, ends, strict=True)):
                pid = f"{name}{arm[0].upper()}{i + 1}"
                people.append(participant(pid, arm, 101, date(2022, 3, 1), benefit=benefit))
                rows.append(outcome(pid, 18, w > 0, end, w))
    write_table(data_dir, "participants", people)
    write_table(data_dir, "outcomes", rows)
    return data_dir

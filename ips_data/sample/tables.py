"""Arrow tables of the five contract-v1 tables, built from the drawn arrays."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ips_data.sample.costs import CostRows
from ips_data.sample.draws import STREAM_PERSON_IDS, stream
from ips_data.sample.outcomes import OutcomeRows
from ips_data.sample.participants import Attributes, Courses
from ips_data.sample.rollout import FidelityRows, RolloutRows
from ips_data.sample.values import (
    AGE_BANDS,
    ARMS,
    BENEFITS,
    COST_CATEGORIES,
    MAX_PERSONS,
    PRICE_YEAR,
    SEXES,
    TREATMENT_UNITS,
)


def build_tables(
    seed: int,
    courses: Courses,
    attributes: Attributes,
    outcomes: OutcomeRows,
    costs: CostRows,
    rollout: RolloutRows,
    fidelity: FidelityRows,
) -> dict[str, pa.Table]:
    """The five tables by name, in the order of TABLES; person ids come from stream 8."""
    pid = _person_ids(stream(seed, STREAM_PERSON_IDS), courses.arm.shape[0])
    return {
        "participants": _participants_table(pid, courses, attributes),
        "outcomes": _outcomes_table(pid, outcomes),
        "costs": _costs_table(pid, costs),
        "rollout": _rollout_table(rollout),
        "fidelity": _fidelity_table(fidelity),
    }


def _participants_table(pid: pa.Array, c: Courses, a: Attributes) -> pa.Table:
    return pa.table(
        {
            "person_id": pid,
            "municipality_code": pa.array(c.muni, type=pa.int64()),
            "arm": _strings(ARMS, c.arm),
            "start_date": _dates(c.start),
            "end_date": _dates(c.end, c.end_null),
            "age_band": _strings(AGE_BANDS, a.age),
            "sex": _strings(SEXES, np.minimum(a.sex, 1), a.sex == 2),
            "benefit_at_start": _strings(BENEFITS, np.minimum(a.benefit, 10), a.benefit == 11),
            "treatment_unit": _strings(TREATMENT_UNITS, np.minimum(a.unit, 3), a.unit == 4),
        }
    )


def _outcomes_table(pid: pa.Array, o: OutcomeRows) -> pa.Table:
    return pa.table(
        {
            "person_id": pid.take(pa.array(o.person)),
            "horizon_months": pa.array(o.horizon, type=pa.int16()),
            "job_or_education_any": pa.array(o.any, type=pa.bool_()),
            "job_or_education_at_end": pa.array(o.at_end, type=pa.bool_()),
            "weeks_job_or_education": pa.array(o.weeks, type=pa.int16()),
            "hours_worked": pa.array(o.hours, type=pa.float64(), mask=o.hours_null),
        }
    )


def _costs_table(pid: pa.Array, c: CostRows) -> pa.Table:
    return pa.table(
        {
            "person_id": pid.take(pa.array(c.person)),
            "horizon_months": pa.array(c.horizon, type=pa.int16()),
            "category": _strings(COST_CATEGORIES, c.category),
            "amount_dkk": pa.array(c.amount, type=pa.float64()),
            "price_year": pa.array(np.full(c.horizon.size, PRICE_YEAR, np.int16), type=pa.int16()),
        }
    )


def _rollout_table(r: RolloutRows) -> pa.Table:
    return pa.table(
        {
            "municipality_code": pa.array(r.code, type=pa.int64()),
            "status": pa.array(r.status, type=pa.string()),
            "valid_from": _dates(np.array(r.valid_from, dtype=np.int64)),
            "consultants_fte": pa.array(r.fte, type=pa.float64()),
            "target_group": pa.array(r.target_group, type=pa.string()),
            "psychiatry_units": pa.array(r.units, type=pa.string()),
        }
    )


def _fidelity_table(f: FidelityRows) -> pa.Table:
    columns: dict[str, pa.Array] = {
        "municipality_code": pa.array(f.code, type=pa.int64()),
        "assessment_date": _dates(np.array(f.date, dtype=np.int64)),
        "total_score": pa.array(f.score, type=pa.int16()),
    }
    for j in range(25):
        columns[f"item_{j + 1:02d}"] = pa.array(
            [None if it is None else int(it[j]) for it in f.items], type=pa.int8()
        )
    return pa.table(columns)


def _strings(values: tuple[str, ...], idx: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    indices = pa.array(idx.astype(np.int32), mask=null)
    return pa.array(values, type=pa.string()).take(indices)


def _dates(days: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    return pa.array(days.astype(np.int32), mask=null).cast(pa.date32())


def _person_ids(rng: np.random.Generator, n: int) -> pa.Array:
    """'P' + 7-digit serial + 2 hex characters, e.g. P0000123ab (never CPR-shaped)."""
    if n > MAX_PERSONS:
        raise ValueError(f"at most {MAX_PERSONS} persons")
    width = 10
    buf = np.empty((n, width), dtype=np.uint8)
    buf[:, 0] = ord("P")
    serial = np.arange(1, n + 1, dtype=np.int64)
    for pos in range(7, 0, -1):
        buf[:, pos] = ord("0") + serial % 10
        serial //= 10
    hexchars = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    tail = rng.integers(0, 256, n)
    buf[:, 8] = hexchars[tail // 16]
    buf[:, 9] = hexchars[tail % 16]
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(buf.tobytes()))

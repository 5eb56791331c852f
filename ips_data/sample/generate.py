"""`generate_sample`: check the arguments, draw every part of the extract, write it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from ips_data.sample.costs import draw_costs
from ips_data.sample.dates import days, month_index_of
from ips_data.sample.outcomes import draw_outcomes
from ips_data.sample.participants import draw_attributes, place_participants
from ips_data.sample.plans import rollout_plans, treatment_segments
from ips_data.sample.rollout import fidelity_rows, rollout_rows
from ips_data.sample.tables import build_tables
from ips_data.sample.values import (
    DEFAULT_EXTRACT_DATE,
    DEFAULT_SEED,
    MAX_PERSONS,
    NATIONAL_PERSONS,
    REGION_PERSONS,
    Scale,
)
from ips_data.sample.writing import check_out_dir, write_manifest, write_tables


def generate_sample(
    out_dir: Path,
    *,
    persons: int | None = None,
    seed: int = DEFAULT_SEED,
    scale: Scale = "region",
    extract_date: date = DEFAULT_EXTRACT_DATE,
    files_per_table: int | None = None,
) -> dict[str, int]:
    """Write a synthetic contract-v1 extract into ``out_dir``; return rows per table.

    ``persons`` defaults to 8,000 for ``scale="region"`` (Region Hovedstaden plus a few
    early municipalities elsewhere) and to ``NATIONAL_PERSONS`` for ``scale="national"``
    (all 98 municipalities). ``files_per_table`` defaults to 1 (region) or 4 (national).

    Refuses (FileExistsError) a non-empty ``out_dir`` without manifest.json. In a
    directory written earlier by this function, stale ``<table>-part-N.parquet`` files
    are removed; nothing else there is touched.
    """
    if scale not in ("region", "national"):
        raise ValueError(f"scale must be 'region' or 'national', not {scale!r}")
    n = (REGION_PERSONS if scale == "region" else NATIONAL_PERSONS) if persons is None else persons
    if not 1 <= n <= MAX_PERSONS:
        raise ValueError(f"persons must be 1..{MAX_PERSONS}")
    nfiles = (1 if scale == "region" else 4) if files_per_table is None else files_per_table
    if nfiles < 1:
        raise ValueError("files_per_table must be >= 1")
    range_start = date(2013, 1, 1) if scale == "region" else date(2015, 1, 1)
    if extract_date < date(range_start.year + 1, 1, 1):
        raise ValueError(f"extract_date must be on or after {range_start.year + 1}-01-01")

    out_dir = Path(out_dir)
    ours = check_out_dir(out_dir)
    extract = days(extract_date)

    # Each part draws from its own seeded stream (draws.py); only the order inside a part matters.
    plans = rollout_plans(seed, scale, month_index_of(extract_date))
    scope = np.array(sorted(p.code for p in plans), dtype=np.int64)
    segments = treatment_segments(plans, extract)
    courses = place_participants(seed, n, scale, scope, segments, range_start, extract)
    attributes = draw_attributes(seed, courses)
    outcomes = draw_outcomes(seed, courses, attributes, extract)
    costs = draw_costs(seed, courses.arm, outcomes)
    rollout = rollout_rows(seed, plans, courses, extract)
    fidelity = fidelity_rows(seed, plans, outcomes.muni_effect, extract)

    tables = build_tables(seed, courses, attributes, outcomes.rows, costs, rollout, fidelity)
    counts = write_tables(out_dir, tables, nfiles, ours)
    write_manifest(out_dir, extract_date, scale, n, seed, outcomes.true_att_any18)
    return counts

"""Deterministic synthetic IPS extract that satisfies extract contract v1.

`generate_sample` writes a data directory (manifest.json plus the five table
folders of Parquet files) that looks like a real delivery: participants of the
arms ``ips``, ``ips_like`` and ``comparison``; outcome rows only for horizons
that have fully elapsed; costs per category in one price year; a rollout status
history per municipality; and IPS-25 fidelity reviews.

Everything is vectorised with numpy (no per-person Python loops), so a national
extract of 1,000,000 participants takes seconds. The same arguments always give
byte-identical files: every random draw comes from a seeded generator and the
Parquet writer options are fixed (no timestamps are written).

Calibration targets (contract v1 / shared reference.md, "Published results"):

* 18 months, job or education at any time: IPS 59.5 % vs usual services 46.5 %
  (STAR's pooled figure from Projekt Inklusion, Christensen et al. 2019).
* 2.9 more weeks in job or education within 18 months (STAR).
* After 2.5 years (30 months) 38 % vs 27 % in job or education (STAR).
* Saving of about 72,000 DKK per person over 18 months with IPS against usual
  services (Projekt Inklusion health-economic report 2020), mainly fewer
  job-centre and social measures and less psychiatric care.

The shares, the mean weeks and the mean costs per arm are hit exactly on the
whole sample (a latent logistic model whose threshold is set by rank, and a
per-arm rescaling); municipalities, age bands and benefits vary around them.

Modules, in the order `generate_sample` runs them: ``plans`` (rollout history per
municipality), ``participants`` (arms, places, dates, attributes), ``outcomes``,
``costs``, ``rollout`` (rollout and fidelity rows), ``tables`` (Arrow tables) and
``writing`` (Parquet files and manifest); ``values``, ``dates`` and ``draws`` hold the
value sets, calendar helpers and random streams they share.
"""

from __future__ import annotations

from ips_data.sample.generate import generate_sample
from ips_data.sample.plans import POPULATION_K
from ips_data.sample.values import (
    AGE_BANDS,
    ARMS,
    BENEFITS,
    COST_CATEGORIES,
    DEFAULT_EXTRACT_DATE,
    DEFAULT_SEED,
    HORIZONS,
    MANIFEST_MARKER,
    NATIONAL_PERSONS,
    PRICE_YEAR,
    REGION_PERSONS,
    SEXES,
    TABLES,
    TREATMENT_UNITS,
)
from ips_data.sample.writing import ROW_GROUP_SIZE

#: Sampling weights per municipality (the tests check that every municipality has one).
_POPULATION_K = POPULATION_K

__all__ = [
    "AGE_BANDS",
    "ARMS",
    "BENEFITS",
    "COST_CATEGORIES",
    "DEFAULT_EXTRACT_DATE",
    "DEFAULT_SEED",
    "HORIZONS",
    "MANIFEST_MARKER",
    "NATIONAL_PERSONS",
    "PRICE_YEAR",
    "REGION_PERSONS",
    "ROW_GROUP_SIZE",
    "SEXES",
    "TABLES",
    "TREATMENT_UNITS",
    "generate_sample",
]

"""The extract contract rendered from the pydantic models.

`docs/contract.md` and `docs/contract.schema.json` are generated from here
(`ips-data docs --write`); a test fails when the committed files drift.
"""

from __future__ import annotations

import json
from pathlib import Path

from ips_data.contract import (
    CONTRACT_VERSION,
    CPR_PATTERN,
    FIDELITY_BANDS,
    TABLES,
    ColumnSpec,
    json_schema,
)
from ips_data.municipalities import MUNICIPALITIES, REGIONS
from ips_data.protection.perturbation import CONTRACT_TEXT as PERTURBATION_TEXT

DOCS_DIR = Path(__file__).resolve().parent.parent / "docs"

_INTRO = f"""# Extract contract v{CONTRACT_VERSION}

Generated from `ips_data/contract.py` by `ips-data docs --write`; do not edit by hand.

## The data directory

```
<data-dir>/                    default: sample_data/ ; override: IPS_DATA_DIR or --data-dir
  manifest.json                optional: {{"extract_date": "YYYY-MM-DD", "description": "..."}}
  participants/ *.parquet      required
  outcomes/     *.parquet      required
  costs/        *.parquet      optional (cost page is empty without it)
  rollout/      *.parquet      optional (rollout page is empty without it)
  fidelity/     *.parquet      optional
```

- All `*.parquet` files in a table folder are one table (unioned by column name; column
  order and integer widths may differ between files).
- Extra columns are allowed and ignored. Files with another suffix are ignored and listed
  as ignored.
- The dashboard never moves, renames, rewrites or deletes an analyst's file.
- `as_of` = `extract_date` from the manifest, else today; the CLI can override it with
  `--as-of YYYY-MM-DD`.

Types: "integer" accepts any signed/unsigned integer width; "string" accepts
string/large_string/dictionary-of-string; "date" accepts date32/date64 and timestamps
(the date part is used); "bool" is boolean; "number" accepts integer, float or decimal.
"""

_VALIDATION = f"""## Validation and rejection

- Checked per file: readable Parquet (a truncated, empty or mid-file-corrupt file is
  rejected, not fatal: every column is read), required columns, types, allowed values,
  ranges, per-row consistency rules, CPR-like ids (`{CPR_PATTERN}`).
- Checked as loading will read it: every value of every column is read (never answered
  from the file's statistics); dates must be calendar dates (years 1–9999); numbers must
  be finite and at most 10^15 in absolute value; integers must fit the type staging casts
  them to; text must be valid UTF-8.
- Checked across files: duplicate keys (the file with the newer modification time is
  rejected; the earlier file stays accepted), references (an outcome or cost file with any
  person_id missing from the accepted participants is rejected), the single price year,
  and types: the files of a table are unioned by name into one type per column (DATE with
  TIMESTAMP_NS gives TIMESTAMP_NS, ...); a newer file whose type would make a value of it
  or of an older accepted file impossible to cast is rejected (`type_conflict`).
- Should building the database still fail, the file responsible is found (table by table,
  file by file), rejected as `load_failed` with the reason in plain words, and the rest
  is loaded.
- A rejected file is excluded whole. Each rejection names the file, the rule, the column,
  how many rows break it and up to five (1-based) row numbers, never person_id values.
- A rejected file never crashes the app and never silently changes a number: the data page
  and `ips-data validate` show it; `validate` exits non-zero.

Rule names in reports: `unreadable_parquet`, `missing_column`, `wrong_type`,
`missing_value`, `empty_string`, `cpr_like_id`, `value_not_allowed`, `below_minimum`,
`above_maximum`, `after_as_of`, `duplicate_key`, `duplicate_key_across_files`,
`unknown_person`, `mixed_price_year`, `date_out_of_range`, `number_out_of_range`,
`integer_out_of_range`,
`type_conflict`, `load_failed`, and each table's row rules below.
"""


def _rule_text(col: ColumnSpec) -> str:
    parts = []
    if col.non_empty:
        parts.append("non-empty")
    if col.not_cpr:
        parts.append("must not look like a CPR number")
    if col.allowed is not None:
        values = ", ".join(f"`{v}`" for v in col.allowed)
        if len(col.allowed) > 12:
            values = "one of the 98 official municipality codes (listed below)"
        parts.append(values if "municipality" in values else f"one of {values}")
    if col.minimum is not None and col.maximum is not None:
        parts.append(f"{col.minimum} ≤ value ≤ {col.maximum}")
    elif col.minimum is not None:
        parts.append(f"≥ {col.minimum}")
    elif col.maximum is not None:
        parts.append(f"≤ {col.maximum}")
    if col.maximum_is_as_of:
        parts.append("≤ as_of")
    return "; ".join(parts)


def _benefit_groups() -> str:
    from ips_data.metrics.adjusted import BENEFIT_GROUPS, GROUP_ORDER

    parts = []
    for group in GROUP_ORDER:
        members = [f"`{b}`" for b, g in BENEFIT_GROUPS.items() if g == group]
        if group == "other":
            members.append("unknown (null)")
        parts.append(f"`{group}` = {', '.join(members)}")
    return "; ".join(parts)


_ADJUSTED = """## Adjusted comparisons (contract v1.1, section 4b)

Registry data are not a randomised trial: who got IPS differs from who did not. Two
figures compare like with like, on the same **strata**: start year (of `start_date`) ×
`age_band` × sex (`F`, `M`, unknown) × benefit group, where {groups}.

**Adjusted difference at horizon h** (ips − comparison; the ATT by exact stratification,
i.e. the comparison group standardised to the IPS group's strata). Population: the
selection's participants of the arms `ips` and `comparison` with an outcome row at h.
For each measure (`job_or_education_any`, `job_or_education_at_end`: y = 1/0;
`weeks_mean`: y = weeks):

- per stratum s and arm: n, mean ȳ, variance v (binary: ȳ(1 − ȳ); weeks: sample
  variance with n − 1; where an arm has n = 1 in a stratum, that arm's sample variance
  over the whole population at h is used instead);
- supported strata: n_ips,s > 0 and n_cmp,s > 0; `support_share` = Σ n_ips over
  supported strata ÷ Σ n_ips over all strata; `excluded` = the IPS persons in
  unsupported strata;
- w_s = n_ips,s ÷ Σ_supported n_ips; estimate = Σ w_s (ȳ_ips,s − ȳ_cmp,s); variance =
  Σ w_s² (v_ips,s / n_ips,s + v_cmp,s / n_cmp,s); ci95 = estimate ± 1.959964 · √variance;
- null when the supported IPS or comparison persons number fewer than the suppression
  threshold; `excluded` and `support_share` are null when the excluded or the supported
  IPS persons number 1 to threshold − 1 (either gives the other away).
- Balance: for every level of every stratum variable, its share among all IPS persons,
  among the comparison group, and among the comparison group weighted by
  n_ips,s / n_cmp,s (supported strata only); standardised difference
  d = (p₁ − p₀) / √((p₁(1 − p₁) + p₀(1 − p₀)) / 2), 0 when the denominator is 0;
  |d| ≥ 0.1 is marked. A row is suppressed when its smallest non-zero count is below the
  threshold (and one more level of the same variable when exactly one is).

**Municipality benchmark** ("faktisk og forventet", indirect standardisation; IPS, job
or education at any time within 18 months):

- reference population R = IPS participants with an 18-month outcome row under the
  selection's filters with the municipality and region filters removed (over the whole
  extract whatever the viewer's access scope: the rates name no municipality);
  p_c = k_c / n_c per stratum c of R (exact, never shown); p̄ = k_R / n_R;
- per municipality m of the selection: O_m = its IPS persons in job or education,
  n_m = its IPS persons with an 18-month row, E_m = Σ_c n_m,c · p_c; `oe_ratio` =
  O_m / E_m; `adjusted_share` = p̄ · O_m / E_m; O − E in persons;
- funnel: `adjusted_share` against n_m with the exact binomial limits of section 4
  around p̄, and overdispersion-adjusted limits p̄ ± z · √(p̄(1 − p̄)/n_m + τ²) for
  z = 1.959964 and 3.090232; over the I municipalities with n_m ≥ the threshold:
  z_m = (adjusted_share_m − p̄) / √(p̄(1 − p̄)/n_m), winsorised at their 10th and 90th
  percentiles (linear interpolation between order statistics); φ = mean of the squared
  winsorised z; w_m = n_m / (p̄(1 − p̄)); τ² = 0 when I·φ ≤ I − 1, else
  τ² = (I·φ − (I − 1)) / (Σw − Σw² / Σw) (DerSimonian–Laird, as NHS-R FunnelPlotR);
- a municipality with n_m below the threshold shows no n, O, E, O − E, O/E or adjusted
  share; secondary suppression applies to the table as to the municipality list.

## Summary JSON additions (contract v1.1, section 6b)

- `effect.<h>.adjusted_difference` = `{{"job_or_education_any": {{"estimate", "ci95"}},
  "job_or_education_at_end": {{…}}, "weeks_mean": {{…}}, "support_share": x,
  "excluded": n}}` (ips − comparison).
- each entry of `municipalities` adds `observed_18_ips`, `expected_18_ips`,
  `oe_ratio_18_ips`, `adjusted_share_18_ips` (null when suppressed).
- top level `benchmark_18` = `{{"pooled_share": p̄, "tau2": τ², "municipalities_shown":
  I}}`.
"""


def render_contract_markdown() -> str:
    """The whole contract as Markdown, from the models."""
    lines = [_INTRO, "## Tables", ""]
    for spec in TABLES.values():
        need = "required" if spec.required else "optional"
        lines += [f"### {spec.name} ({need})", "", spec.description, ""]
        lines += ["| column | type | req | rule | description |", "|---|---|---|---|---|"]
        for col in spec.columns:
            req = "yes" if col.required else "no"
            lines.append(f"| {col.name} | {col.type.value} | {req} | {_rule_text(col)} "
                         f"| {col.description} |")
        lines += ["", f"Key, unique across all accepted files: ({', '.join(spec.key)})."]
        if spec.references_participants:
            lines.append("Every person_id must exist in the accepted participants.")
        if spec.single_price_year:
            lines.append("price_year has one single value across all accepted cost files.")
        for rule in spec.row_rules:
            lines.append(f"Row rule `{rule.name}`: {rule.description}")
        lines.append("")
    lines += [_VALIDATION, PERTURBATION_TEXT, "## Fidelity bands (IPS-25)", ""]
    lines += [f"- {band}: {low}–{high}" for band, low, high in FIDELITY_BANDS]
    lines += ["", _ADJUSTED.format(groups=_benefit_groups()), "## Municipality codes", ""]
    for region_code, region in REGIONS.items():
        codes = [f"{m.code} {m.name}" for m in MUNICIPALITIES.values()
                 if m.region_code == region_code]
        lines.append(f"- {region_code} {region} ({len(codes)}): {', '.join(codes)}.")
    return "\n".join(lines) + "\n"


def render_schema_json() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_docs(folder: Path = DOCS_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    md, schema = folder / "contract.md", folder / "contract.schema.json"
    md.write_text(render_contract_markdown(), encoding="utf-8")
    schema.write_text(render_schema_json(), encoding="utf-8")
    return [md, schema]

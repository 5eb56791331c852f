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
  from the file's statistics); dates must be calendar dates (years 1–9999); integers must
  fit the type staging casts them to; text must be valid UTF-8.
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
`unknown_person`, `mixed_price_year`, `date_out_of_range`, `integer_out_of_range`,
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
    lines += [_VALIDATION, "## Fidelity bands (IPS-25)", ""]
    lines += [f"- {band}: {low}–{high}" for band, low, high in FIDELITY_BANDS]
    lines += ["", "## Municipality codes", ""]
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

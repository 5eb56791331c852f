"""The validation report as frames for the data page (not person-based: file row
counts and rule names, never person_id values)."""

from __future__ import annotations

import polars as pl

from ips_data.contract import TABLES
from ips_data.loading.messages import Lang, explain
from ips_data.loading.validation import ValidationReport


def tables(report: ValidationReport) -> pl.DataFrame:
    """Per contract table: required?, files accepted / rejected / ignored, accepted rows."""
    rows = []
    for name, spec in TABLES.items():
        files = [f for f in report.files if f.table == name]
        rows.append({
            "table": name, "required": spec.required,
            **{status: sum(f.status == status for f in files)
               for status in ("accepted", "rejected", "ignored")},
            "rows": report.accepted_rows(name),
        })
    stray = [f for f in report.files if f.table is None]
    if stray:
        rows.append({"table": None, "required": False, "accepted": 0, "rejected": 0,
                     "ignored": len(stray), "rows": 0})
    return pl.DataFrame(rows, schema={"table": pl.String, "required": pl.Boolean,
                                      "accepted": pl.Int64, "rejected": pl.Int64,
                                      "ignored": pl.Int64, "rows": pl.Int64})


def files(report: ValidationReport) -> pl.DataFrame:
    """Every file found: table, path, status, rows, size, modification time."""
    return pl.DataFrame(
        [{"table": f.table, "path": f.path, "status": f.status, "rows": f.rows,
          "size": f.size, "mtime": f.mtime_ns // 1_000_000_000, "problems": len(f.rejections)}
         for f in report.files],
        schema={"table": pl.String, "path": pl.String, "status": pl.String, "rows": pl.Int64,
                "size": pl.Int64, "mtime": pl.Int64, "problems": pl.Int64},
    ).with_columns(pl.from_epoch("mtime").alias("mtime"))


def rejections(report: ValidationReport, lang: Lang = "da") -> pl.DataFrame:
    """One row per broken rule in a rejected file, explained in plain words (what is
    wrong, where, what to do; `ips_data.loading.messages`)."""
    return pl.DataFrame(
        [{"path": f.path, "rule": r.rule, "column": r.column, "rows": r.rows,
          "row_numbers": ", ".join(map(str, r.row_numbers)) or None,
          "message": explain(r, lang)}
         for f in report.files for r in f.rejections],
        schema={"path": pl.String, "rule": pl.String, "column": pl.String, "rows": pl.Int64,
                "row_numbers": pl.String, "message": pl.String},
    )

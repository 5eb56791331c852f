"""When building the models fails although every file passed validation: find the file
responsible, reject it with the engine's reason in plain words, and load the rest.

Validation reads every value and checks staging's casts and unions (`file_checks`,
`validation`), so this is the safety net for what it still misses. The search works like
validation's acceptance: table by table, each table's accepted files oldest first, the
staging model is read in full over the files kept so far plus the next one; a file
that makes it fail is rejected. The extract is then validated again with those files
rejected (so the cross-file rules see them absent, e.g. outcomes of a rejected
participants file) and built. Should the build still fail (a mart over several
tables), the files are left out one at a time, newest table first, until it builds.
A file that fails even alone is remembered as rejected for its current state, so a
reload does not search again.
"""

from __future__ import annotations

import re

import duckdb

from ips_data.contract import TABLE_ORDER, TABLES
from ips_data.loading.discovery import Discovery
from ips_data.loading.file_checks import VERDICTS, FileReport, Rejection, unreadable
from ips_data.loading.sql_catalog import models
from ips_data.loading.sqlsafe import LOAD_THREADS, connect, ident
from ips_data.loading.validation import ValidationReport, validate, verdict_key

_COLUMN = re.compile(r'column "([a-z_0-9]+)"', re.IGNORECASE)
_FILE = re.compile(r'file "([^"]+)"')
STAGING = tuple(name for name in models() if name.startswith("stg_"))
FILE_VARIABLES = tuple("files_" + t for t in TABLE_ORDER)


class LoadError(RuntimeError):
    """The extract cannot be loaded even without the files found responsible."""


def _rejection(exc: duckdb.Error, table: str) -> Rejection:
    found = _COLUMN.search(str(exc))
    column = found.group(1) if found and found.group(1) in TABLES[table].column_names else None
    return unreadable(exc, column, rule="load_failed")


def _probe(con: duckdb.DuckDBPyConnection, table: str, files: list[str]) -> duckdb.Error | None:
    """Read the staging model of `table` in full over the template and `files`; the
    engine's error, or None when every value loads."""
    from ips_data.loading.database import template_file

    con.execute("set variable " + ident("files_" + table, FILE_VARIABLES) + " = ?",
                [[str(template_file(table)), *files]])
    view = ident("stg_" + table, STAGING)
    try:
        con.sql("create or replace temp view " + view + " as " + models()["stg_" + table])
        con.sql("select count(*), bit_xor(hash(columns(*))) from " + view).fetchall()
    except duckdb.Error as exc:
        return exc
    return None


def _by_age(report: ValidationReport, table: str) -> list[FileReport]:
    return sorted((f for f in report.files if f.table == table and f.status == "accepted"),
                  key=lambda f: (f.mtime_ns, f.path))


def find_culprits(report: ValidationReport, listing: Discovery) -> dict[str, Rejection]:
    """Accepted files whose staging read fails (path relative to the folder → rejection)."""
    root = listing.data_dir
    stats = {s.relpath: s for s in listing.parquet}
    found: dict[str, Rejection] = {}
    con = connect(threads=LOAD_THREADS)
    con.sql("set disabled_optimizers = 'statistics_propagation'")
    try:
        for table in TABLE_ORDER:
            kept: dict[str, FileReport] = {}
            for f in _by_age(report, table):
                path = str(root / f.path)
                while (error := _probe(con, table, [*kept, path])) is not None:
                    named = _FILE.search(str(error))
                    older = kept.get(named.group(1)) if named else None
                    if older is None or _probe(con, table, [path]) is not None:
                        break
                    # the engine names an older file's value (e.g. a DATE this file's
                    # TIMESTAMP cannot hold): that file goes, this one is tried again
                    found[older.path] = _rejection(error, table)
                    del kept[named.group(1)]
                if error is None:
                    kept[path] = f
                    continue
                found[f.path] = _rejection(error, table)
                if f.path in stats and _probe(con, table, [path]) is not None:
                    _remember(listing, stats[f.path], report, table, f, found[f.path])
    finally:
        con.close()
    return found


def _remember(listing: Discovery, stat, report: ValidationReport, table: str,
              f: FileReport, rejection: Rejection) -> None:
    """Remember a file that cannot be loaded even alone as rejected for its state."""
    rejected = f.model_copy(update={"status": "rejected", "rejections": [rejection]})
    VERDICTS.put(verdict_key(listing, stat, report.as_of, table), rejected, None)


def load_without_culprits(report: ValidationReport, listing: Discovery, error: duckdb.Error,
                          *, threads: int, secret: str | None = None,
                          ) -> tuple[ValidationReport, duckdb.DuckDBPyConnection]:
    """(report with the responsible files rejected, built database of the rest; `secret`
    is the perturbation secret the database is built with)."""
    from ips_data.loading.database import build_database

    culprits = find_culprits(report, listing)
    report = validate(listing.data_dir, as_of=report.as_of, discovery=listing,
                      rejected_at_load=culprits)
    try:
        return report, build_database(report, threads=threads, secret=secret)
    except duckdb.Error as exc:
        error = exc
    # a mart over several tables: leave out one file at a time, newest table first
    for f in [f for table in reversed(TABLE_ORDER) for f in reversed(_by_age(report, table))]:
        trial = validate(listing.data_dir, as_of=report.as_of, discovery=listing,
                         rejected_at_load={**culprits, f.path: _rejection(error, f.table)})
        try:
            return trial, build_database(trial, threads=threads, secret=secret)
        except duckdb.Error:
            continue
    raise LoadError(f"the extract in {listing.data_dir} cannot be loaded: "
                    f"{unreadable(error).message}")

"""The rules one Parquet file must meet on its own (contract section 3), and a memory of
verdicts so that a file is checked again only when its path, size or mtime changes.

Each file is read once: one aggregate query over `read_parquet` reads every contract
column (so corrupt pages anywhere are caught) and counts the rows that break each rule;
row numbers are looked up only for rules that some row breaks. The same scan records
what the cross-file checks need (smallest and largest key, price years), so a file
whose verdict is remembered is not read again for those either.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, Literal

import duckdb
from pydantic import BaseModel, Field

from ips_data.contract import (
    CANONICAL_SQL_TYPE,
    CPR_PATTERN,
    ColumnType,
    TableSpec,
    accepts_physical,
)
from ips_data.loading import messages
from ips_data.loading.sql_catalog import models
from ips_data.loading.sqlsafe import ident, ident_list

MAX_ROW_NUMBERS = 5
MAX_REMEMBERED = 4096


class Rejection(BaseModel):
    """One broken rule in one file."""

    rule: str = Field(description="Rule name, e.g. value_not_allowed, duplicate_key.")
    column: str | None = Field(None, description="Column the rule is about, if one.")
    rows: int = Field(0, description="How many rows break it (0 for whole-file rules).")
    row_numbers: list[int] = Field(
        default_factory=list, description="Up to five 1-based row numbers within the file."
    )
    message: str = Field(description="The rule in words; never contains person_id values.")
    params: dict[str, Any] = Field(
        default_factory=dict, description="What the plain-language texts need (allowed "
        "values, bounds, types; for an unreadable file its kind and the engine's own text).")


class FileReport(BaseModel):
    """The verdict on one file of the data directory."""

    table: str | None = Field(description="Contract table (folder), None for stray files.")
    path: str = Field(description="Path relative to the data directory.")
    size: int
    mtime_ns: int
    status: Literal["accepted", "rejected", "ignored"]
    rows: int | None = Field(None, description="Rows in the file, when readable.")
    rejections: list[Rejection] = Field(default_factory=list)


@dataclass(frozen=True)
class FileFacts:
    """What the cross-file checks need from a file that passed its own checks."""

    key_min: tuple | None  # smallest first key column (canonical type), as a 1-tuple;
    key_max: tuple | None  # None for an empty file
    price_years: tuple[int | None, int | None] | None  # (min, max) for cost files
    types: tuple[tuple[str, str], ...] = ()  # (contract column, DuckDB type) in the file


class _Check(BaseModel):
    rule: str
    column: str | None
    violation: str  # SQL predicate over the file's columns, true for a broken row
    params: dict[str, object] = Field(default_factory=dict)
    message: str
    explain: dict[str, Any] = Field(default_factory=dict)  # Rejection.params


#: Dates every type the load may use holds (DATE, TIMESTAMP, TIMESTAMP WITH TIME ZONE):
#: a value outside is a damaged file, never a real date of the extract.
FIRST_DATE = date(1, 1, 1)
LAST_DATE = date(9999, 12, 31)
_STAGING_CAST = re.compile(r"cast\(\s*([a-z_0-9]+)\s+as\s+([a-z]+)\s*\)", re.IGNORECASE)
_STAGING_LIST = re.compile(r"cast\(\s*\[([^\]]*)\]\s+as\s+([a-z]+)\[\]\s*\)", re.IGNORECASE)
_INTEGER_TARGETS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT")
#: Largest magnitude of a number column (amounts, hours, FTE): beyond it a value is a
#: damaged file, and sums of squares in the intervals would overflow a double.
NUMBER_LIMIT = 1e15


@cache
def staging_types() -> dict[str, dict[str, str]]:
    """The type each staging model casts each contract column to (table → column →
    upper-case type), read from sql/staging: what validation must make sure will work."""
    out: dict[str, dict[str, str]] = {}
    for name, sql in models().items():
        if not name.startswith("stg_"):
            continue
        casts = {col: typ.upper() for col, typ in _STAGING_CAST.findall(sql)}
        for cols, typ in _STAGING_LIST.findall(sql):
            casts.update({c.strip(): typ.upper() for c in cols.split(",") if c.strip()})
        out[name.removeprefix("stg_")] = casts
    return out


def _load_checks(spec: TableSpec, present: set[str]) -> Iterator[_Check]:
    """Values loading or the figures would fail on: dates that are no calendar dates,
    numbers that are not finite or beyond NUMBER_LIMIT, integers wider than the staging
    type (columns whose own bounds already exclude them are left out, so a value is not
    reported twice)."""
    targets = staging_types().get(spec.name, {})
    for col in spec.columns:
        if col.name not in present:
            continue
        c = ident(col.name, spec.column_names)
        bounded = col.minimum is not None and (col.maximum is not None or col.maximum_is_as_of)
        if col.type is ColumnType.date and not bounded:
            yield _Check(rule="date_out_of_range", column=col.name,
                         violation="cast(" + c + " as date) not between $first_date and "
                         "$last_date", params={"first_date": FIRST_DATE, "last_date": LAST_DATE},
                         message=messages.english("date_out_of_range", col.name, {}))
        if col.type is ColumnType.number:
            yield _Check(rule="number_out_of_range", column=col.name,
                         violation="not isfinite(cast(" + c + " as double)) or abs(cast(" + c
                         + " as double)) > $number_limit",
                         params={"number_limit": NUMBER_LIMIT}, explain={"limit": "10^15"},
                         message=messages.english("number_out_of_range", col.name,
                                                  {"limit": "10^15"}))
        target = targets.get(col.name)
        if col.type is ColumnType.integer and target in _INTEGER_TARGETS and not bounded \
                and col.allowed is None:
            yield _Check(rule="integer_out_of_range", column=col.name,
                         violation=c + " is not null and try_cast(" + c + " as "
                         + target + ") is null", explain={"target": target},
                         message=messages.english("integer_out_of_range", col.name,
                                                  {"target": target}))


def _column_checks(spec: TableSpec, present: set[str], as_of: date) -> Iterator[_Check]:
    for i, col in enumerate(spec.columns):
        if col.name not in present:
            continue
        c = ident(col.name, spec.column_names)
        value = "cast(" + c + " as date)" if col.type is ColumnType.date else c
        if col.required:
            yield _Check(rule="missing_value", column=col.name, violation=c + " is null",
                         message=f"{col.name} is required but empty")
        if col.non_empty:
            # a value starting with an ASCII letter or digit is never blank: only the
            # others are trimmed (a CASE runs trim on those rows alone)
            yield _Check(rule="empty_string", column=col.name,
                         violation="case when ascii(" + c + ") between 48 and 57 or ascii("
                         + c + ") between 65 and 90 or ascii(" + c + ") between 97 and 122 "
                         "then false else trim(" + c + ") = '' end",
                         message=f"{col.name} must not be blank")
        if col.not_cpr:
            # the pattern needs 10 or 11 characters, the first an ASCII digit: only such
            # values are tried (a CASE spares the others; an AND would run it on all rows)
            yield _Check(rule="cpr_like_id", column=col.name,
                         violation="case when length(" + c + ") between 10 and 11 and ascii("
                         + c + ") between 48 and 57 then regexp_matches(" + c + ", $cpr) "
                         "else false end", params={"cpr": CPR_PATTERN},
                         message=f"{col.name} looks like a CPR number: the file is not anonymised")
        if col.allowed is not None:
            # a semi join on the allowed values: list_contains compared each row with
            # every value in turn (98 municipality codes: ~8x slower); no value is null
            yield _Check(rule="value_not_allowed", column=col.name,
                         violation=c + " is not null and " + c + " not in (select unnest("
                         + f"$allowed{i}))",
                         params={f"allowed{i}": list(col.allowed)},
                         explain={"allowed": list(col.allowed)},
                         message=f"{col.name} must be one of {', '.join(map(str, col.allowed))}")
        if col.minimum is not None:
            yield _Check(rule="below_minimum", column=col.name,
                         violation=value + f" < $min{i}", params={f"min{i}": col.minimum},
                         explain={"minimum": str(col.minimum)},
                         message=f"{col.name} must be ≥ {col.minimum}")
        if col.maximum is not None:
            yield _Check(rule="above_maximum", column=col.name,
                         violation=value + f" > $max{i}", params={f"max{i}": col.maximum},
                         explain={"maximum": str(col.maximum)},
                         message=f"{col.name} must be ≤ {col.maximum}")
        if col.maximum_is_as_of:
            yield _Check(rule="after_as_of", column=col.name,
                         violation=value + " > $as_of", params={"as_of": as_of},
                         explain={"as_of": as_of.isoformat()},
                         message=f"{col.name} must be on or before the extract's as_of {as_of}")
    for rule in spec.row_rules:
        if set(rule.columns) <= present:
            yield _Check(rule=rule.name, column=None,
                         violation="not coalesce((" + rule.check + "), true)",
                         message=rule.description)


def canonical_key(spec: TableSpec, columns: tuple[str, ...] | None = None) -> str:
    """The key (or some of its columns) as contract-typed values, comparable across files."""
    types = {c.name: CANONICAL_SQL_TYPE[c.type] for c in spec.columns}
    return "(" + ", ".join("cast(" + ident(k, spec.column_names) + " as " + types[k] + ")"
                           for k in columns or spec.key) + ")"


def _as_tuple(value) -> tuple | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return tuple(value.values())
    return value if isinstance(value, tuple) else (value,)


def engine_text(exc: BaseException) -> str:
    """The first line of an engine error, without the temporary folder's path."""
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else type(exc).__name__
    # a quoted absolute path becomes its file name (the report names the file already)
    return re.sub(r'"(/[^"]*/)([^"/]+)"', r'"\2"', text)


def unreadable(exc: BaseException, column: str | None = None,
               rule: str = "unreadable_parquet") -> Rejection:
    """A rejection for a file (or one of its columns) the engine cannot read."""
    text = engine_text(exc)
    params = {"kind": messages.engine_kind(text), "engine": text}
    return Rejection(rule=rule, column=column, params=params,
                     message=messages.english(rule, column, params))


def _schema_rejections(spec: TableSpec, types: dict[str, str]) -> list[Rejection]:
    out = []
    for col in spec.columns:
        if col.name not in types:
            if col.required:
                out.append(Rejection(rule="missing_column", column=col.name,
                                     message=f"required column {col.name} is missing"))
        elif not accepts_physical(col.type, types[col.name]):
            out.append(Rejection(
                rule="wrong_type", column=col.name,
                params={"found": types[col.name], "expected": col.type.value},
                message=f"{col.name} has type {types[col.name]}, expected {col.type.value}"))
    return out


class FileChecker:
    """Runs a table's own rules on one file at a time over a DuckDB connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection, as_of: date) -> None:
        self.con = con
        self.as_of = as_of

    def _rows(self, sql: str, params: dict) -> list[tuple]:
        return self.con.sql(sql, params=params).fetchall()

    def offenders(self, path: str, where: str, params: dict,
                  prune: bool = True) -> tuple[int, list[int]]:
        """How many rows of the file match `where`, and the first five row numbers.

        With `prune` the condition is pushed into the scan, which skips row groups whose
        footer statistics rule it out; without, every row is read (a damaged page can hold
        values its statistics do not admit)."""
        if prune:
            sql = ("select count(*), list(file_row_number + 1 order by file_row_number)"
                   f"[1:{MAX_ROW_NUMBERS}] from read_parquet($path, file_row_number = true) "
                   "where " + where)
        else:
            sql = ("select count(*) filter (where " + where + "), list(file_row_number + 1 "
                   "order by file_row_number) filter (where " + where + f")[1:{MAX_ROW_NUMBERS}]"
                   " from read_parquet($path, file_row_number = true)")
        count, numbers = self._rows(sql, {**params, "path": path})[0]
        return int(count), list(numbers or [])

    def check(self, spec: TableSpec, path: str, report: FileReport) -> FileFacts | None:
        """Record the file's own rejections in `report`; its facts when it passes."""
        try:
            types = {r[0]: r[1] for r in self._rows(
                "describe select * from read_parquet($path)", {"path": path})}
        except duckdb.Error as exc:
            report.rejections.append(unreadable(exc))
            return None
        report.rejections = _schema_rejections(spec, types)
        if report.rejections:
            return None
        present = [c for c in spec.column_names if c in types]
        checks = list(_column_checks(spec, set(present), self.as_of))
        checks += _load_checks(spec, set(present))
        params: dict[str, object] = {"path": path}
        for c in checks:
            params.update(c.params)
        first_key = canonical_key(spec, spec.key[:1])
        aggregates = ["count(*)", "min(" + first_key + ")", "max(" + first_key + ")"]
        # count() of every contract column makes DuckDB read and decode (so verify) all their
        # pages, text as UTF-8 included: the validation connection does not let the footer's
        # statistics answer a count or a rule's count in place of the data (a damaged page
        # can hold values they do not admit), see `validation`
        aggregates += ["count(" + ident(c, spec.column_names) + ")" for c in present]
        aggregates += ["count_if(" + c.violation + ")" for c in checks]
        # a 64-bit hash per key, counted in the same scan: fewer distinct hashes than rows
        # means a repeated key or (rarely) a collision, which the exact query then sorts out
        aggregates.append("count(distinct hash(" + ident_list(spec.key, spec.column_names)
                          + "))")
        if spec.single_price_year:
            aggregates += ["min(price_year)", "max(price_year)"]
        try:
            row = self._rows("select " + ", ".join(aggregates)
                             + " from read_parquet($path)", params)[0]
        except duckdb.Error as exc:  # corrupt pages further into the file
            report.rejections.append(unreadable(exc, self._unreadable_column(spec, path,
                                                                             present)))
            return None
        report.rows = int(row[0])
        first = 3 + len(present)
        for check, n in zip(checks, row[first:first + len(checks)], strict=True):
            if n:
                count, numbers = self.offenders(path, check.violation, check.params,
                                                prune=False)
                report.rejections.append(Rejection(
                    rule=check.rule, column=check.column, rows=max(count, int(n)),
                    row_numbers=numbers, message=check.message, params=check.explain))
        if row[first + len(checks)] < report.rows:
            self._duplicates(spec, path, report)
        if report.rejections:
            return None
        years = (row[-2], row[-1]) if spec.single_price_year else None
        return FileFacts(key_min=_as_tuple(row[1]), key_max=_as_tuple(row[2]),
                         price_years=years, types=tuple((c, types[c]) for c in present))

    def _unreadable_column(self, spec: TableSpec, path: str, present: list[str]) -> str | None:
        """The first contract column that cannot be read on its own (None if each can)."""
        for column in present:
            try:
                self._rows("select bit_xor(hash(" + ident(column, spec.column_names)
                           + ")) from read_parquet($path)", {"path": path})
            except duckdb.Error:
                return column
        return None

    def _duplicates(self, spec: TableSpec, path: str, report: FileReport) -> None:
        keys = ident_list(spec.key, spec.column_names)
        count, numbers = self.offenders(
            path, "(" + keys + ") in (select (" + keys + ") from read_parquet($path) "
            "group by all having count(*) > 1)", {})
        if count:
            report.rejections.append(Rejection(
                rule="duplicate_key", column=", ".join(spec.key), rows=count,
                row_numbers=numbers, message=f"({', '.join(spec.key)}) must be unique"))


class VerdictMemory:
    """Own-rule verdicts per (file path, size, mtime, as_of): an unchanged file is not
    read again. Thread-safe; returns copies, so callers may complete the reports."""

    def __init__(self, size: int = MAX_REMEMBERED) -> None:
        self.size = size
        self._items: OrderedDict[tuple, tuple[FileReport, FileFacts | None]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[FileReport, FileFacts | None] | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
        return found[0].model_copy(deep=True), found[1]

    def known(self, key: tuple) -> bool:
        """True when a verdict is remembered under `key` (no copy is made)."""
        with self._lock:
            return key in self._items

    def put(self, key: tuple, report: FileReport, facts: FileFacts | None) -> None:
        with self._lock:
            self._items[key] = (report.model_copy(deep=True), facts)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


VERDICTS = VerdictMemory()

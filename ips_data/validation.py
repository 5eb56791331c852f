"""Validating an extract against contract v1 with DuckDB (contract section 3).

Each Parquet file is read fully (so mid-file corruption is caught), checked
against its table's rules, then against the files accepted before it (older
modification time first): duplicate keys, references to participants and the
single price year. A rejected file is excluded whole; files are only read.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from typing import Literal

import duckdb
from pydantic import BaseModel, Field

from ips_data.contract import (
    CPR_PATTERN,
    TABLE_ORDER,
    TABLES,
    ColumnType,
    TableSpec,
    accepts_physical,
)
from ips_data.discovery import Discovery, FileStat, as_of_date, discover
from ips_data.sqlsafe import connect, ident, ident_list

MAX_ROW_NUMBERS = 5


class Rejection(BaseModel):
    """One broken rule in one file."""

    rule: str = Field(description="Rule name, e.g. value_not_allowed, duplicate_key.")
    column: str | None = Field(None, description="Column the rule is about, if one.")
    rows: int = Field(0, description="How many rows break it (0 for whole-file rules).")
    row_numbers: list[int] = Field(
        default_factory=list, description="Up to five 1-based row numbers within the file."
    )
    message: str = Field(description="The rule in words; never contains person_id values.")


class FileReport(BaseModel):
    """The verdict on one file of the data directory."""

    table: str | None = Field(description="Contract table (folder), None for stray files.")
    path: str = Field(description="Path relative to the data directory.")
    size: int
    mtime_ns: int
    status: Literal["accepted", "rejected", "ignored"]
    rows: int | None = Field(None, description="Rows in the file, when readable.")
    rejections: list[Rejection] = Field(default_factory=list)


class ValidationReport(BaseModel):
    """Verdicts on every file plus extract-level problems."""

    data_dir: str
    as_of: date
    extract_date: date | None
    fingerprint: str = Field(description="Changes whenever any file's path/size/mtime does.")
    files: list[FileReport]
    problems: list[str] = Field(default_factory=list, description="Extract-level problems.")
    seconds: float = 0.0

    def accepted(self, table: str) -> list[str]:
        return [f.path for f in self.files if f.table == table and f.status == "accepted"]

    def rejected(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "rejected"]

    def accepted_rows(self, table: str) -> int:
        return sum(f.rows or 0 for f in self.files if f.table == table and f.status == "accepted")

    @property
    def ok(self) -> bool:
        return not self.problems and not self.rejected()


class _Check(BaseModel):
    rule: str
    column: str | None
    violation: str  # SQL predicate over table file_under_test, true for a broken row
    params: dict[str, object] = Field(default_factory=dict)
    message: str


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
            yield _Check(rule="empty_string", column=col.name,
                         violation="trim(" + c + ") = ''",
                         message=f"{col.name} must not be blank")
        if col.not_cpr:
            yield _Check(rule="cpr_like_id", column=col.name,
                         violation="regexp_matches(" + c + ", $cpr)", params={"cpr": CPR_PATTERN},
                         message=f"{col.name} looks like a CPR number: the file is not anonymised")
        if col.allowed is not None:
            yield _Check(rule="value_not_allowed", column=col.name,
                         violation=c + " is not null and not list_contains("
                         + f"$allowed{i}, " + c + ")",
                         params={f"allowed{i}": list(col.allowed)},
                         message=f"{col.name} must be one of {', '.join(map(str, col.allowed))}")
        if col.minimum is not None:
            yield _Check(rule="below_minimum", column=col.name,
                         violation=value + f" < $min{i}", params={f"min{i}": col.minimum},
                         message=f"{col.name} must be ≥ {col.minimum}")
        if col.maximum is not None:
            yield _Check(rule="above_maximum", column=col.name,
                         violation=value + f" > $max{i}", params={f"max{i}": col.maximum},
                         message=f"{col.name} must be ≤ {col.maximum}")
        if col.maximum_is_as_of:
            yield _Check(rule="after_as_of", column=col.name,
                         violation=value + " > $as_of", params={"as_of": as_of},
                         message=f"{col.name} must be on or before the extract's as_of {as_of}")
    for rule in spec.row_rules:
        if set(rule.columns) <= present:
            yield _Check(rule=rule.name, column=None,
                         violation="not coalesce((" + rule.check + "), true)",
                         message=rule.description)


class _Validator:
    """Holds the accepted state while files are checked one by one."""

    def __init__(self, discovery: Discovery, as_of: date) -> None:
        self.discovery = discovery
        self.as_of = as_of
        self.con = connect(threads=2)
        self.price_year: int | None = None
        self.has_keys: set[str] = set()

    def _scalar_rows(self, sql: str, params: dict | None = None) -> list[tuple]:
        return self.con.sql(sql, params=params or None).fetchall()

    def _offenders(self, where: str, params: dict) -> tuple[int, list[int]]:
        rows = self._scalar_rows(
            "select count(*), list(file_row_number + 1 order by file_row_number)[1:5] "
            "from file_under_test where " + where,
            params,
        )
        count, numbers = rows[0]
        return int(count), list(numbers or [])

    def _failing(self, checks: list[_Check]) -> list[_Check]:
        """The checks some row breaks, found in one scan of the file."""
        if not checks:
            return []
        counts = ", ".join("count_if(" + c.violation + ")" for c in checks)
        params: dict[str, object] = {}
        for c in checks:
            params.update(c.params)
        row = self._scalar_rows("select " + counts + " from file_under_test", params)[0]
        return [c for c, n in zip(checks, row, strict=True) if n]

    def check_file(self, spec: TableSpec, stat: FileStat) -> FileReport:
        report = FileReport(table=spec.name, path=stat.relpath, size=stat.size,
                            mtime_ns=stat.mtime_ns, status="rejected")
        path = str(self.discovery.absolute(stat))
        try:
            self.con.sql(
                "create or replace temp table file_under_test as "
                "select * from read_parquet($path, file_row_number = true)",
                params={"path": path},
            )
        except duckdb.Error as exc:
            msg = str(exc).strip().splitlines()[0]
            report.rejections.append(Rejection(rule="unreadable_parquet", message=msg))
            return report
        report.rows = self._scalar_rows("select count(*) from file_under_test")[0][0]
        report.rejections = self._rejections(spec, stat)
        if not report.rejections:
            report.status = "accepted"
            self._remember(spec)
        return report

    def _rejections(self, spec: TableSpec, stat: FileStat) -> list[Rejection]:
        types = {r[0]: r[1] for r in self._scalar_rows("describe file_under_test")}
        out: list[Rejection] = []
        for col in spec.columns:
            if col.name not in types:
                if col.required:
                    out.append(Rejection(rule="missing_column", column=col.name,
                                         message=f"required column {col.name} is missing"))
            elif not accepts_physical(col.type, types[col.name]):
                out.append(Rejection(
                    rule="wrong_type", column=col.name,
                    message=f"{col.name} has type {types[col.name]}, expected {col.type.value}"))
        if out:
            return out
        present = set(types) & set(spec.column_names)
        checks = list(_column_checks(spec, present, self.as_of))
        for check in self._failing(checks):
            count, numbers = self._offenders(check.violation, check.params)
            out.append(Rejection(rule=check.rule, column=check.column, rows=count,
                                 row_numbers=numbers, message=check.message))
        keys = ident_list(spec.key, spec.column_names)
        count, numbers = self._offenders(
            "(" + keys + ") in (select (" + keys + ") from file_under_test "
            "group by all having count(*) > 1)", {})
        if count:
            out.append(Rejection(rule="duplicate_key", column=", ".join(spec.key), rows=count,
                                 row_numbers=numbers,
                                 message=f"({', '.join(spec.key)}) must be unique"))
        if out:
            return out
        return self._cross_file(spec)

    def _cross_file(self, spec: TableSpec) -> list[Rejection]:
        out: list[Rejection] = []
        keys = ident_list(spec.key, spec.column_names)
        if spec.name in self.has_keys:
            count, numbers = self._offenders(
                "(" + keys + ") in (select (" + keys + ") from " + _keys_table(spec) + ")", {})
            if count:
                out.append(Rejection(
                    rule="duplicate_key_across_files", column=", ".join(spec.key), rows=count,
                    row_numbers=numbers,
                    message=f"({', '.join(spec.key)}) already present in an older accepted "
                    "file; the newer file is rejected"))
        if spec.references_participants:
            known = "participants" in self.has_keys
            where = "true" if not known else (
                "person_id not in (select person_id from " + _keys_table(TABLES["participants"])
                + ")")
            count, numbers = self._offenders(where, {})
            if count:
                out.append(Rejection(
                    rule="unknown_person", column="person_id", rows=count, row_numbers=numbers,
                    message="person_id not found in the accepted participants"))
        if spec.single_price_year:
            years = [r[0] for r in self._scalar_rows(
                "select distinct price_year from file_under_test order by 1")]
            if len(years) > 1 or (self.price_year is not None and years
                                  and years[0] != self.price_year):
                expected = self.price_year if self.price_year is not None else years[0]
                count, numbers = self._offenders("price_year <> $py", {"py": expected})
                out.append(Rejection(
                    rule="mixed_price_year", column="price_year", rows=count,
                    row_numbers=numbers,
                    message=f"price_year must be one single value across all cost files "
                    f"(established: {expected})"))
        return out

    def _remember(self, spec: TableSpec) -> None:
        keys = ident_list(spec.key, spec.column_names)
        table = _keys_table(spec)
        if spec.name not in self.has_keys:
            self.con.sql("create temp table " + table + " as select " + keys
                         + " from file_under_test")
            self.has_keys.add(spec.name)
        else:
            self.con.sql("insert into " + table + " select " + keys + " from file_under_test")
        if spec.single_price_year and self.price_year is None:
            rows = self._scalar_rows("select min(price_year) from file_under_test")
            self.price_year = rows[0][0]


def _keys_table(spec: TableSpec) -> str:
    return ident("accepted_keys_" + spec.name, tuple("accepted_keys_" + t for t in TABLES))


def validate(
    data_dir, as_of: date | None = None, discovery: Discovery | None = None
) -> ValidationReport:
    """Validate every file of the data directory; never modifies a file."""
    started = time.perf_counter()
    disc = discovery or discover(data_dir)
    as_of = as_of_date(disc, as_of)
    validator = _Validator(disc, as_of)
    files: list[FileReport] = []
    problems: list[str] = [disc.manifest_error] if disc.manifest_error else []
    try:
        for name in TABLE_ORDER:
            spec = TABLES[name]
            stats = sorted(disc.files_of(name), key=lambda s: (s.mtime_ns, s.relpath))
            for stat in stats:
                files.append(validator.check_file(spec, stat))
            if spec.required and not any(
                f.status == "accepted" for f in files if f.table == name
            ):
                problems.append(f"required table {name} has no accepted file "
                                f"(expected {name}/*.parquet)")
    finally:
        validator.con.close()
    for stat in disc.ignored:
        table = stat.table if stat.table in TABLES else None
        files.append(FileReport(table=table, path=stat.relpath, size=stat.size,
                                mtime_ns=stat.mtime_ns, status="ignored"))
    files.sort(key=lambda f: (TABLE_ORDER.index(f.table) if f.table else 99, f.path))
    return ValidationReport(
        data_dir=str(disc.data_dir), as_of=as_of, extract_date=disc.manifest.extract_date,
        fingerprint=disc.fingerprint + ":" + as_of.isoformat(), files=files,
        problems=problems, seconds=round(time.perf_counter() - started, 3),
    )

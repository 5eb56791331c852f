"""Validating an extract against contract v1 with DuckDB (contract section 3).

Every Parquet file is first checked on its own (`file_checks`: read fully, schema,
types, values, row rules, in-file keys); that verdict is remembered per path, size and
mtime, so after a change only new or changed files are read. Then, per table and in
order of modification time (older first), the files that passed are checked against
the files accepted before them: duplicate keys, references to participants and the
single price year. A rejected file is excluded whole; files are only ever read.

Whether any outcome or cost row names an unknown person may be answered by a build that
read the same files meanwhile (`UnknownPeople`, the first load's speculative build);
the rows are then looked for, file by file, only when it says there are some.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from datetime import date
from itertools import pairwise
from pathlib import Path

import duckdb
from pydantic import BaseModel, Field

from ips_data.contract import CANONICAL_SQL_TYPE, TABLE_ORDER, TABLES, TableSpec
from ips_data.loading import messages
from ips_data.loading.discovery import Discovery, FileStat, as_of_date, discover
from ips_data.loading.file_checks import (
    MAX_ROW_NUMBERS,
    VERDICTS,
    FileChecker,
    FileFacts,
    FileReport,
    Rejection,
    canonical_key,
    unreadable,
)
from ips_data.loading.sqlsafe import LOAD_THREADS, connect, ident

__all__ = ["FileReport", "Rejection", "ValidationReport", "validate"]

#: (table, participant files, the table's files; paths relative to the folder) → how
#: many of those files' rows name a person in none of those participant files, or None
#: when the answerer cannot tell (`speculative.SpeculativeBuild.unknown_people`).
UnknownPeople = Callable[[str, list[str], list[str]], "int | None"]


class ValidationReport(BaseModel):
    """Verdicts on every file plus extract-level problems."""

    data_dir: str
    as_of: date
    extract_date: date | None
    fingerprint: str = Field(description="Changes whenever any file's path/size/mtime does.")
    files: list[FileReport]
    problems: list[str] = Field(default_factory=list, description="Extract-level problems.")
    seconds: float = 0.0
    reused_files: int = Field(
        0, description="Files whose own-rule verdict was remembered from an earlier "
        "validation (same path, size, mtime, ctime and as_of), so they were not read again.")

    def accepted(self, table: str) -> list[str]:
        return [f.path for f in self.files if f.table == table and f.status == "accepted"]

    def rejected(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "rejected"]

    def accepted_rows(self, table: str) -> int:
        return sum(f.rows or 0 for f in self.files if f.table == table and f.status == "accepted")

    @property
    def ok(self) -> bool:
        return not self.problems and not self.rejected()

    @property
    def accepted_key(self) -> str:
        """Hash of what the numbers depend on: the data directory, every accepted file's
        path, size and mtime, and as_of. A rejected or ignored file does not change it."""
        h = hashlib.sha256(f"{self.data_dir}\0{self.as_of.isoformat()}\n".encode())
        for f in sorted((f for f in self.files if f.status == "accepted"),
                        key=lambda f: f.path):
            h.update(f"{f.path}\0{f.size}\0{f.mtime_ns}\n".encode())
        return h.hexdigest()[:16]

    def seen_now(self, discovery: Discovery) -> ValidationReport:
        """This report with the ignored files and fingerprint of a newer listing whose
        Parquet files and manifest are the same (ignored files never change a verdict)."""
        files = _in_order([f for f in self.files if f.status != "ignored"]
                          + _ignored(discovery))
        return self.model_copy(update={
            "files": files, "fingerprint": discovery.fingerprint + ":" + self.as_of.isoformat()})




def _ignored(discovery: Discovery) -> list[FileReport]:
    """Reports for the files validation does not read (stray files, other folders)."""
    return [FileReport(table=s.table if s.table in TABLES else None, path=s.relpath,
                       size=s.size, mtime_ns=s.mtime_ns, status="ignored")
            for s in discovery.ignored]


def _in_order(files: list[FileReport]) -> list[FileReport]:
    """Table by table in contract order, stray files last, then by path."""
    return sorted(files, key=lambda f: (TABLE_ORDER.index(f.table) if f.table else 99,
                                        f.path))


def _may_share_keys(facts: list[FileFacts]) -> bool:
    """False when the files' ranges of the first key column are disjoint, so no key can be
    in two files."""
    ranges = sorted((f.key_min, f.key_max) for f in facts if f.key_min is not None)
    # sorted by smallest key, any overlap shows up between neighbours
    return any(low <= high for (_, high), (low, _) in pairwise(ranges))


#: The column types a union of Parquet files can have (as DESCRIBE prints them): only
#: these are ever spliced into a cast.
_UNION_TYPE = re.compile(
    r"^(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|"
    r"UBIGINT|UHUGEINT|FLOAT|DOUBLE|VARCHAR|DATE|TIMESTAMP|TIMESTAMP_S|TIMESTAMP_MS|"
    r"TIMESTAMP_NS|TIMESTAMP WITH TIME ZONE|DECIMAL\(\d{1,2},\d{1,2}\))$")


#: Integer types as DESCRIBE prints them: (signed, bits).
_INTEGERS = {"TINYINT": (True, 8), "SMALLINT": (True, 16), "INTEGER": (True, 32),
             "BIGINT": (True, 64), "HUGEINT": (True, 128), "UTINYINT": (False, 8),
             "USMALLINT": (False, 16), "UINTEGER": (False, 32), "UBIGINT": (False, 64),
             "UHUGEINT": (False, 128)}


def never_fails(own: str, union: str) -> bool:
    """True when every value of type `own` casts to `union` (the same type or a widening:
    a wider integer of the same sign, a signed one with more bits than an unsigned one,
    any integer or FLOAT to DOUBLE), so no row needs to be tried."""
    if own == union or (union == "DOUBLE" and (own == "FLOAT" or own in _INTEGERS)):
        return True
    if own in _INTEGERS and union in _INTEGERS:
        (signed, bits), (to_signed, to_bits) = _INTEGERS[own], _INTEGERS[union]
        return (signed == to_signed and to_bits >= bits) or (not signed and to_signed
                                                             and to_bits > bits)
    return False


def _template(table: str) -> str:
    from ips_data.loading.database import template_file  # the loader's typed empty file

    return str(template_file(table))


class _CrossFile:
    """The accepted state while each table's files are checked against older ones."""

    def __init__(self, checker: FileChecker, root, known: UnknownPeople | None = None) -> None:
        self.checker = checker
        self.root = root
        self.known = known
        self.accepted: dict[str, list[tuple[str, FileFacts]]] = {name: [] for name in TABLES}
        self.price_year: int | None = None
        # per table: each contract column's type in the union staging reads (the typed
        # template plus the accepted files), as DESCRIBE prints it
        self.union: dict[str, dict[str, str]] = {
            name: {c.name: CANONICAL_SQL_TYPE[c.type] for c in spec.columns}
            for name, spec in TABLES.items()}
        self._next_union: dict[str, str] | None = None

    def _paths(self, table: str) -> list[str]:
        return [path for path, _ in self.accepted[table]]

    def _relative(self, path: str) -> str:
        """An accepted file's path relative to the folder, as the reports name it."""
        return Path(path).relative_to(self.root).as_posix()

    def _unknown_people_possible(self, table: str, paths: list[str]) -> bool:
        people = self._paths("participants")
        if not people:
            return True
        count = None if self.known is None else self.known(
            table, [self._relative(p) for p in people], [self._relative(p) for p in paths])
        return (count if count is not None else self._unknown_rows(paths, people)) > 0

    def _unknown_rows(self, paths: list[str], people: list[str]) -> int:
        """Rows of the files `paths` whose person_id is in none of the files `people`."""
        rows = self.checker.con.sql(
            "select count(*) from read_parquet($paths, union_by_name = true) "
            "anti join (select person_id from read_parquet($people, union_by_name = true)) "
            "using (person_id)", params={"paths": paths, "people": people}).fetchall()
        return int(rows[0][0])

    def settle(self, spec: TableSpec, candidates: list[tuple[FileReport, FileFacts]]) -> None:
        """Accept or reject the table's files that passed their own rules, oldest first."""
        paths = [str(self.root / report.path) for report, _ in candidates]
        shared_keys = _may_share_keys([facts for _, facts in candidates])
        try:
            unknown = bool(paths) and spec.references_participants and \
                self._unknown_people_possible(spec.name, paths)
        except duckdb.Error:  # a damaged file: each is then checked (and blamed) alone
            unknown = spec.references_participants
        for (report, facts), path in zip(candidates, paths, strict=True):
            try:
                report.rejections = self._rejections(spec, path, facts, shared_keys, unknown)
            except duckdb.Error as exc:  # e.g. damaged statistics a pushed-down filter read
                report.rejections = [unreadable(exc)]
            if report.rejections:
                continue
            report.status = "accepted"
            self.accepted[spec.name].append((path, facts))
            if self._next_union is not None:
                self.union[spec.name] = self._next_union
            if spec.single_price_year and self.price_year is None:
                self.price_year = facts.price_years[0]

    def _shared_keys(self, spec: TableSpec, path: str, facts: FileFacts) -> tuple[int, list[int]]:
        """Rows whose key an older accepted file holds. Only older files whose range of the
        first key column overlaps this file's are read, and only within the overlap."""
        key = canonical_key(spec)
        first = canonical_key(spec, spec.key[:1])
        count, numbers = 0, []
        for older, theirs in self.accepted[spec.name]:
            if facts.key_min is None or theirs.key_min is None or \
                    theirs.key_max < facts.key_min or facts.key_max < theirs.key_min:
                continue
            within = first + " between $lo and $hi"
            n, rows = self.checker.offenders(
                path, within + " and " + key + " in (select " + key
                + " from read_parquet($older) where " + within + ")",
                {"older": older, "lo": max(facts.key_min[0], theirs.key_min[0]),
                 "hi": min(facts.key_max[0], theirs.key_max[0])})
            count += n  # the older files share no key, so no row is counted twice
            numbers = sorted(numbers + rows)[:MAX_ROW_NUMBERS]
        return count, numbers

    def _failing_casts(self, spec: TableSpec, path: str, column: str,
                       to: str) -> tuple[int, list[int]]:
        c = ident(column, spec.column_names)
        return self.checker.offenders(
            path, c + " is not null and try_cast(" + c + " as " + to + ") is null", {})

    def _type_conflicts(self, spec: TableSpec, path: str, facts: FileFacts) -> list[Rejection]:
        """What loading the file together with the accepted ones would do: read_parquet's
        union by name gives each column one type (DATE with TIMESTAMP_NS becomes
        TIMESTAMP_NS, BIGINT with UBIGINT HUGEINT, ...), and a value that cannot be cast to
        it fails the whole load. A file whose values, or whose older files' values, would
        not survive that cast is rejected (the older files stay)."""
        before = self.union[spec.name]
        self._next_union = None
        if all(before.get(c) == t for c, t in facts.types):
            return []
        files = [_template(spec.name), *self._paths(spec.name), path]
        now = {name: typ for name, typ, *_ in self.checker.con.sql(
            "describe select * from read_parquet($files, union_by_name = true)",
            params={"files": files}).fetchall() if name in before}
        out = []
        for column, own in facts.types:
            union = now.get(column, own)
            if not _UNION_TYPE.match(union):
                continue
            count, numbers = (0, []) if never_fails(own, union) else \
                self._failing_casts(spec, path, column, union)
            other = ", ".join(self._relative(p) for p in self._paths(spec.name))
            if not count and union != before.get(column):
                for older, theirs in self.accepted[spec.name]:
                    if not never_fails(dict(theirs.types).get(column, union), union) and \
                            self._failing_casts(spec, older, column, union)[0]:
                        other = self._relative(older)
                        count = -1
                        break
            if count:
                params = {"found": own, "union": union, "other": other or "?"}
                out.append(Rejection(
                    rule="type_conflict", column=column, rows=max(count, 0),
                    row_numbers=numbers, params=params,
                    message=messages.english("type_conflict", column, params)))
        self._next_union = {**before, **now}  # taken when the file is accepted
        return out

    def _rejections(self, spec: TableSpec, path: str, facts: FileFacts, shared_keys: bool,
                    unknown: bool) -> list[Rejection]:
        out: list[Rejection] = self._type_conflicts(spec, path, facts)
        if shared_keys:
            count, numbers = self._shared_keys(spec, path, facts)
            if count:
                out.append(Rejection(
                    rule="duplicate_key_across_files", column=", ".join(spec.key), rows=count,
                    row_numbers=numbers,
                    message=f"({', '.join(spec.key)}) already present in an older accepted "
                    "file; the newer file is rejected"))
        if unknown:
            people = self._paths("participants")
            where, params = ("person_id not in (select person_id from read_parquet($people, "
                             "union_by_name = true))", {"people": people}) if people else (
                "true", {})
            count, numbers = self.checker.offenders(path, where, params)
            if count:
                out.append(Rejection(
                    rule="unknown_person", column="person_id", rows=count, row_numbers=numbers,
                    message="person_id not found in the accepted participants"))
        if spec.single_price_year and facts.price_years and facts.price_years[0] is not None:
            low, high = facts.price_years
            if low != high or (self.price_year is not None and low != self.price_year):
                expected = self.price_year if self.price_year is not None else low
                count, numbers = self.checker.offenders(path, "price_year <> $py",
                                                        {"py": expected})
                out.append(Rejection(
                    rule="mixed_price_year", column="price_year", rows=count,
                    row_numbers=numbers, params={"expected": expected},
                    message=f"price_year must be one single value across all cost files "
                    f"(established: {expected})"))
        return out


def verdict_key(disc: Discovery, stat: FileStat, as_of: date, table: str) -> tuple:
    """The key a file's own verdict is remembered under (path, size, mtime, ctime, as_of)."""
    path = disc.absolute(stat)
    return (str(path.resolve()), stat.size, stat.mtime_ns, stat.ctime_ns, as_of, table)


def _own_verdict(checker: FileChecker, disc: Discovery, spec: TableSpec, stat: FileStat,
                 as_of: date) -> tuple[FileReport, FileFacts | None, bool]:
    """The file's own-rule verdict, remembered or freshly checked; True when remembered."""
    path = disc.absolute(stat)
    key = verdict_key(disc, stat, as_of, spec.name)
    remembered = VERDICTS.get(key)
    if remembered is not None:
        return remembered[0], remembered[1], True
    report = FileReport(table=spec.name, path=stat.relpath, size=stat.size,
                        mtime_ns=stat.mtime_ns, status="rejected")
    facts = checker.check(spec, str(path), report)
    VERDICTS.put(key, report, facts)
    return report, facts, False


def validate(
    data_dir, as_of: date | None = None, discovery: Discovery | None = None,
    rejected_at_load: dict[str, Rejection] | None = None,
    unknown_people: UnknownPeople | None = None,
) -> ValidationReport:
    """Validate every file of the data directory; never modifies a file.

    `rejected_at_load` (path relative to the folder → rejection): files the loader could
    not load although they passed; they are rejected with that reason, and the cross-file
    rules are applied to the rest as if they were absent. `unknown_people`: see
    `UnknownPeople`; every file's own checks run before the first cross-file check, so
    that waiting for its answer never holds them up."""
    rejected_at_load = rejected_at_load or {}
    started = time.perf_counter()
    disc = discovery or discover(data_dir)
    as_of = as_of_date(disc, as_of)
    files: list[FileReport] = []
    problems: list[str] = [disc.manifest_error] if disc.manifest_error else []
    reused = 0
    con = connect(threads=LOAD_THREADS)
    # every value is read: footer statistics (which a damaged file may contradict) must not
    # answer a rule's count in place of the data the load will read
    con.sql("set disabled_optimizers = 'statistics_propagation'")
    try:
        checker = FileChecker(con, as_of)
        cross = _CrossFile(checker, disc.data_dir, unknown_people)
        passed: dict[str, list[tuple[FileReport, FileFacts]]] = {}
        for name in TABLE_ORDER:
            spec = TABLES[name]
            passed[name] = []
            for stat in sorted(disc.files_of(name), key=lambda s: (s.mtime_ns, s.relpath)):
                report, facts, remembered = _own_verdict(checker, disc, spec, stat, as_of)
                reused += remembered
                if stat.relpath in rejected_at_load:
                    report.rejections = [rejected_at_load[stat.relpath]]
                    facts = None
                files.append(report)
                if facts is not None:
                    passed[name].append((report, facts))
        for name in TABLE_ORDER:
            cross.settle(TABLES[name], passed[name])
            if TABLES[name].required and not cross.accepted[name]:
                problems.append(f"required table {name} has no accepted file "
                                f"(expected {name}/*.parquet)")
    except duckdb.Error as exc:
        raise RuntimeError(f"validation of {disc.data_dir} failed: {exc}") from exc
    finally:
        con.close()
    return ValidationReport(
        data_dir=str(disc.data_dir), as_of=as_of, extract_date=disc.manifest.extract_date,
        fingerprint=disc.fingerprint + ":" + as_of.isoformat(),
        files=_in_order(files + _ignored(disc)),
        problems=problems, seconds=round(time.perf_counter() - started, 3),
        reused_files=reused,
    )

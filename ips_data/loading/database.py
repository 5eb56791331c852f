"""Building the DuckDB database of one validated extract and querying it.

`load_dataset` validates the data directory, then builds the SQL models of `sql/`
in dependency order in a fresh in-memory database over the accepted files only:
staging models are views over the Parquet files (read while the marts are built; not
kept in the stored copy), marts are tables. A `Dataset` is immutable once built: a new
extract gives a new Dataset, so a viewer sees old numbers or new ones, never a mix.
Queries run on their own cursor and are fetched fully.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

import duckdb

from ips_data.contract import CANONICAL_SQL_TYPE, COST_CATEGORIES, TABLE_ORDER, TABLES
from ips_data.loading import fallback, speculative, store
from ips_data.loading.discovery import Discovery, discover
from ips_data.loading.flight import SingleFlight
from ips_data.loading.sql_catalog import data_tests, macros, models, queries, query_params
from ips_data.loading.sqlsafe import LOAD_THREADS, connect, ident
from ips_data.loading.validation import ValidationReport, validate
from ips_data.municipalities import MUNICIPALITIES
from ips_data.protection.scopes import Scope
from ips_data.protection.secret import perturbation_secret, secret_digest

T = TypeVar("T")

if TYPE_CHECKING:
    import polars as pl
    import pyarrow as pa

#: pyarrow type constructors by SQL type (pyarrow is imported only when the typed
#: templates are first written: a process that opens a stored database, or builds one
#: while the templates are in place, never needs it)
_ARROW_TYPES = {"BIGINT": "int64", "VARCHAR": "string", "DATE": "date32",
                "BOOLEAN": "bool_", "DOUBLE": "float64"}
#: Participant attributes stored as ENUM types (`enum_<column>`, values from the
#: contract, in alphabetical order so sorting is unchanged): grouping and filtering on
#: them is about 2.5x faster than on strings.
ENUM_COLUMNS = ("arm", "age_band", "sex", "benefit_at_start", "treatment_unit")
MAX_LOAD_ATTEMPTS = 5
MEMO_SIZE = 256


@cache
def _template_columns() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """Each table's (column, pyarrow type constructor) pairs, from the contract."""
    return tuple((name, tuple((c.name, _ARROW_TYPES[CANONICAL_SQL_TYPE[c.type]])
                              for c in spec.columns))
                 for name, spec in TABLES.items())


@cache
def _template_digest() -> str:
    """A digest of the typed schemas (names the shared folder), made without pyarrow: a
    process that finds the templates in place never imports it (~0.1 s)."""
    return hashlib.sha256(repr(sorted(_template_columns())).encode()).hexdigest()[:16]


def _template_schemas() -> dict[str, pa.Schema]:
    """Each table's typed schema (only needed to write the templates)."""
    import pyarrow as pa

    return {name: pa.schema([(column, getattr(pa, arrow_type)()) for column, arrow_type in cols])
            for name, cols in _template_columns()}


def _template_dir() -> Path:
    """Empty, typed Parquet files per table: they give staging every contract column.

    One folder per contract schema, shared by every process of the user (named by a
    digest of the schemas, written once under a temporary name and renamed into place),
    so starts do not leave a folder behind each; recreated if a cleaner removed it)."""
    names = [name for name, _ in _template_columns()]
    folder = Path(tempfile.gettempdir()) / f"ips-templates-{_template_digest()}"
    if all((folder / f"{name}.parquet").is_file() for name in names):
        return folder
    import pyarrow.parquet as pq

    schemas = _template_schemas()
    scratch = Path(tempfile.mkdtemp(prefix="ips-templates-new-"))
    for name, schema in schemas.items():
        pq.write_table(schema.empty_table(), scratch / f"{name}.parquet")
    try:
        scratch.rename(folder)
    except OSError:  # another process put it in place first (or something else is there)
        if all((folder / f"{name}.parquet").is_file() for name in names):
            shutil.rmtree(scratch, ignore_errors=True)
            return folder
        return scratch  # a private copy for this process
    return folder


def template_file(table: str) -> Path:
    """The typed, empty Parquet file staging reads with `table`'s files."""
    return _template_dir() / f"{table}.parquet"


@dataclass(frozen=True)
class Dataset:
    """One validated extract loaded into its own DuckDB database (immutable: the last
    MEMO_SIZE query results are remembered per parameter set, and identical queries
    running at the same time run once)."""

    report: ValidationReport
    con: duckdb.DuckDBPyConnection
    #: digest of the perturbation secret the record keys were built with (section 5b)
    key_digest: str = ""
    saving: store.BackgroundSave | store.PendingSave | None = field(
        default=None, repr=False, compare=False)
    _memo: SingleFlight[pl.DataFrame] = field(
        default_factory=lambda: SingleFlight(keep=MEMO_SIZE), repr=False, compare=False)
    _derived: SingleFlight[object] = field(
        default_factory=lambda: SingleFlight(keep=MEMO_SIZE), repr=False, compare=False)

    @property
    def fingerprint(self) -> str:
        return self.report.fingerprint

    @property
    def accepted_key(self) -> str:
        """Changes only when the accepted files (or as_of) or the perturbation secret do:
        the key for cached figures."""
        return self.report.accepted_key + ":" + self.key_digest

    @property
    def as_of(self) -> date:
        return self.report.as_of

    def query(self, name: str, params: dict[str, object]) -> pl.DataFrame:
        """Run a whitelisted query from sql/queries with bound parameters."""
        if name not in queries():
            raise KeyError(f"unknown query {name!r}")
        needed = query_params(name)
        missing = [p for p in needed if p not in params]
        if missing:
            raise KeyError(f"query {name} needs parameters {missing}")
        bound = {p: params[p] for p in needed}
        key = (name, repr(sorted(bound.items())))
        # the data never change, so a result is reused as it is (each caller gets a copy)
        return self._memo.run(key, lambda: self._run(name, bound)).clone()

    def _run(self, name: str, bound: dict[str, object]) -> pl.DataFrame:
        import polars as pl  # not before the first query: a load never needs it (~0.1 s)

        cursor = self.con.cursor()
        try:
            # through the Arrow stream interface: no pyarrow (nor numpy) import needed
            frame = pl.DataFrame(cursor.sql(queries()[name], params=bound))
        finally:
            cursor.close()
        # ENUM columns arrive as categoricals: callers get plain strings
        return frame.with_columns(pl.col(pl.Categorical, pl.Enum).cast(pl.String))

    def start_year_range(self, scope: Scope) -> tuple[int, int] | None:
        """(first, last) start year among the participants inside `scope` (required:
        deny by default); None when there are none."""
        codes = None if scope.municipalities is None else sorted(scope.municipalities)
        first, last = self.query("start_year_range", {"municipalities": codes}).row(0)
        return None if first is None else (int(first), int(last))

    def remember(self, key: Hashable, make: Callable[[], T]) -> T:
        """A result derived from this extract's data, made once per key and shared (by
        `ips_data.metrics.memo.remembered`: a page and the summary ask for the same
        figures); the data never change, so it stays valid. Callers never change it."""
        return self._derived.run(key, make)  # type: ignore[return-value]

    def forget_results(self) -> None:
        """Drop remembered query results and derived figures (benchmarks measure
        uncached work)."""
        self._memo.clear()
        self._derived.clear()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor on which the staging views work too (their file lists are bound)."""
        cursor = self.con.cursor()
        bind_files(cursor, self.report)
        return cursor

    def table(self, model: str) -> pl.DataFrame:
        """A whole model table (for tests and exports of non-person data). Unscoped:
        never called by the pages (tests/test_scope_enforcement.py checks)."""
        cursor = self._cursor()
        try:
            return cursor.sql("select * from " + ident(model, models())).pl()
        finally:
            cursor.close()

    def rows(self, model: str) -> int:
        cursor = self._cursor()
        try:
            return cursor.sql("select count(*) from " + ident(model, models())).fetchall()[0][0]
        finally:
            cursor.close()

    def failing_data_tests(self) -> dict[str, int]:
        """Run every sql/tests invariant; returns {test: violating rows} for failures.
        Needs the staging views, i.e. a freshly built Dataset, not a stored one."""
        cursor = self._cursor()
        try:
            counts = {name: len(cursor.sql(sql).fetchall()) for name, sql in data_tests().items()}
        finally:
            cursor.close()
        return {name: n for name, n in counts.items() if n}

    def close(self) -> None:
        """Close the database (after its stored copy, if one is being written, is done)."""
        if self.saving is not None:
            self.saving.join()
        self.con.close()


def _reference_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The municipalities and cost categories as tables, from bound lists (no Arrow
    frames: building a database does not import pyarrow)."""
    ms = list(MUNICIPALITIES.values())
    con.execute(
        "create table ref_municipalities as select "
        "unnest($code::integer[]) as municipality_code, "
        "unnest($name::varchar[]) as municipality_name, "
        "unnest($region_code::integer[]) as region_code, "
        "unnest($region_name::varchar[]) as region_name, "
        "unnest($lat::double[]) as lat, unnest($lon::double[]) as lon",
        {"code": [m.code for m in ms], "name": [m.name for m in ms],
         "region_code": [m.region_code for m in ms],
         "region_name": [m.region_name for m in ms],
         "lat": [m.lat for m in ms], "lon": [m.lon for m in ms]})
    con.execute("create table ref_cost_categories as select "
                "unnest($category::varchar[]) as category",
                {"category": list(COST_CATEGORIES)})


#: A mart's closing `order by`: it lays the stored rows out in horizon and area order, so
#: that each query's filter skips whole row groups; the rows themselves do not change.
_STORED_ORDER = re.compile(r"^select \* from final order by [a-z_0-9, ]+\s*\Z", re.MULTILINE)


def unordered(sql: str) -> str:
    """A model without its closing stored-order clause: for a database built for one
    process's few queries and never stored (`load_dataset(one_use=True)`), where sorting
    a million rows (~0.5 CPU-s on the national extract) would cost more than it saves."""
    return _STORED_ORDER.sub("select * from final\n", sql)


class FileSet(Protocol):
    """What a build reads: a folder and the files taken from each table (a validation
    report's accepted files, or the speculative build's every file)."""

    data_dir: str

    def accepted(self, table: str) -> list[str]: ...


def bind_files(con: duckdb.DuckDBPyConnection, report: FileSet) -> None:
    """Set the (connection-local) variables the staging views read: the typed template
    plus the accepted files of each table."""
    root = Path(report.data_dir)
    templates = _template_dir()
    for table in TABLE_ORDER:
        files = [str(templates / f"{table}.parquet")]
        files += [str(root / rel) for rel in report.accepted(table)]
        con.execute("set variable " + ident("files_" + table,
                                            ["files_" + t for t in TABLE_ORDER]) + " = ?",
                    [files])


def _enum_types(con: duckdb.DuckDBPyConnection) -> None:
    columns = {c.name: c for c in TABLES["participants"].columns}
    names = ["enum_" + c for c in ENUM_COLUMNS]
    for column in ENUM_COLUMNS:
        con.execute("create type " + ident("enum_" + column, names)
                    + " as enum (select unnest(?::varchar[]))",
                    [sorted(columns[column].allowed)])


def build_database(report: FileSet, *, threads: int = 2, secret: str | None = None,
                   ordered: bool = True) -> duckdb.DuckDBPyConnection:
    """Build every model over the report's accepted files: staging as views, marts (and
    references) as tables. Built with LOAD_THREADS; queries then use `threads`.

    `secret` (default: `perturbation_secret()`) makes the record keys of the cell key
    method; it is bound as a connection variable while the tables are built and unset
    afterwards (a stored copy never holds it). `ordered=False`: see `unordered`."""
    con = connect(threads=LOAD_THREADS)
    try:
        return build_into(con, report, threads=threads, secret=secret, ordered=ordered)
    except BaseException:
        con.close()
        raise


def build_into(con: duckdb.DuckDBPyConnection, report: FileSet, *, threads: int = 2,
               secret: str | None = None, ordered: bool = True) -> duckdb.DuckDBPyConnection:
    """`build_database`'s work on a fresh connection (one made with LOAD_THREADS): the
    speculative build (`speculative`) keeps its connection to interrupt it."""
    bind_files(con, report)
    con.execute("set variable perturbation_secret = ?",
                [perturbation_secret() if secret is None else secret])
    _reference_tables(con)
    _enum_types(con)
    for name, sql in models().items():
        kind = "view " if name.startswith("stg_") else "table "
        con.sql("create " + kind + ident(name, models()) + " as "
                + (sql if ordered else unordered(sql)))
    for sql in macros().values():
        con.sql(sql)
    con.sql("reset variable perturbation_secret")
    con.execute("set threads = ?", [threads])
    return con


def _unchanged(report: ValidationReport, now: Discovery) -> bool:
    before = {(f.path, f.size, f.mtime_ns) for f in report.files if f.status == "accepted"}
    after = {(f.relpath, f.size, f.mtime_ns) for f in now.parquet}
    return before <= after


_LOADS: SingleFlight[Dataset] = SingleFlight()


def load_dataset(data_dir, as_of: date | None = None, *, threads: int = 2,
                 cache_dir: Path | None = None, secret: str | None = None,
                 cache: bool = True, one_use: bool = False) -> Dataset:
    """Validate and load an extract; retried while accepted files change under it.

    With a cache directory (argument or $IPS_CACHE_DIR, see `store`) an unchanged folder
    opens its stored read-only database without validating; after a change only new
    files are validated, and an accepted set that is already stored is opened instead of
    built. A newly built database is stored in the background (the Dataset serves
    queries meanwhile).

    The record keys of the cell key method are built from `secret` (default:
    $IPS_PERTURBATION_KEY, else the secret kept in the app's cache folder, see
    `ips_data.protection.secret`); its digest is part of the stored database's key.

    Single flight: a call made while an identical one (same folder state, as_of, cache,
    threads and secret) runs in another thread waits for it and gets the same Dataset,
    so a load started early (`ui.serve`) is not done twice. `cache=False`: no stored
    file is read or written, whatever $IPS_CACHE_DIR says.

    `one_use=True` (the command line's summary): a database that is built is meant for
    this process's few queries only: its marts are not sorted into the stored layout
    (`unordered`) and this process never stores it; its `saving` is a `PendingSave`
    whose `cancel` hands the stored copy to another process (`detached`), which builds
    it in the stored layout. A stored database is opened as usual.
    """
    cache_dir = (cache_dir or store.default_cache_dir()) if cache else None
    secret = perturbation_secret() if secret is None else secret
    digest = secret_digest(secret)
    listing = discover(data_dir)
    key = (str(Path(data_dir).resolve()), listing.fingerprint, as_of, str(cache_dir), threads,
           digest, one_use)
    return _LOADS.run(key, lambda: _load_dataset(data_dir, as_of, threads, cache_dir, listing,
                                                 secret, one_use))


def _load_dataset(data_dir, as_of: date | None, threads: int, cache_dir: Path | None,
                  listing: Discovery, secret: str, one_use: bool = False) -> Dataset:
    digest = secret_digest(secret)
    last_error: Exception | None = None
    for attempt in range(MAX_LOAD_ATTEMPTS):
        if attempt:  # the folder changed while it was loaded: list it again
            listing = discover(data_dir)
        key = store.cache_key(listing, as_of) if cache_dir else None
        cached = (store.open_cached(cache_dir, key, listing, threads=threads, digest=digest)
                  if key else None)
        if cached is not None:
            return Dataset(report=cached[0], con=cached[1], key_digest=digest)
        # replicas sharing the cache folder: one builds this listing, the others wait
        # for its stored copy and open it (the lock is held until the copy is stored)
        lock = store.BuildLock(cache_dir, key) if key else None
        try:
            cached = (store.open_cached(cache_dir, key, listing, threads=threads, digest=digest)
                      if key else None)
            if cached is not None:  # stored by another replica while this one waited
                _release(lock)
                return Dataset(report=cached[0], con=cached[1], key_digest=digest)
            loaded = _validate_and_build(data_dir, as_of, threads, cache_dir, key, listing, lock,
                                         secret, one_use)
        except BaseException:
            _release(lock)
            raise
        if isinstance(loaded, Dataset):
            return loaded
        last_error = loaded or last_error
    raise RuntimeError(
        f"the extract in {data_dir} kept changing while it was loaded "
        f"({MAX_LOAD_ATTEMPTS} attempts); last error: {last_error}"
    )


def _validate_and_build(data_dir, as_of: date | None, threads: int, cache_dir: Path | None,
                        key: str | None, listing: Discovery,
                        lock: store.BuildLock | None, secret: str,
                        one_use: bool = False) -> Dataset | Exception | None:
    """One load attempt: the Dataset, or the error / None when the folder changed under
    it. The lock is released here, or handed to the background save that releases it."""
    digest = secret_digest(secret)
    # a listing validated before (by another process) whose database is not (yet) stored
    report = store.stored_report(cache_dir, key, listing) if key else None
    guess = None  # a first load: the build starts while validation runs
    if report is None:
        if speculative.first_load(listing, as_of):
            guess = speculative.SpeculativeBuild(listing, threads=threads, secret=secret,
                                                 ordered=not one_use)
        try:
            report = validate(data_dir, as_of=as_of, discovery=listing,
                              unknown_people=guess.unknown_people if guess else None)
        except BaseException:
            if guess is not None:
                guess.drop()
            raise
    stored = (store.open_database(cache_dir, report, threads=threads, digest=digest)
              if key else None)
    if stored is not None:
        if guess is not None:
            guess.drop()
        store.remember_listing(cache_dir, key, report)
        _release(lock)
        return Dataset(report=report, con=stored, key_digest=digest)
    try:
        con = guess.take(report) if guess is not None else None
        if con is None:
            con = build_database(report, threads=threads, secret=secret,
                                 ordered=not one_use)
    except duckdb.Error as exc:
        if not _unchanged(report, discover(data_dir)):
            _release(lock)  # an accepted file changed or vanished meanwhile
            return exc
        # a file that passed validation still cannot be loaded: reject it, load the rest
        try:
            report, con = fallback.load_without_culprits(report, listing, exc,
                                                         threads=threads, secret=secret)
        except BaseException:
            _release(lock)
            raise
    now = discover(data_dir)
    if _unchanged(report, now):
        saving = None
        if key and store.cache_key(now, as_of) == key:
            saving = (store.PendingSave(cache_dir, key, report, lock=lock) if one_use else
                      store.BackgroundSave(cache_dir, key, report, con, lock=lock,
                                           digest=digest))
        else:
            _release(lock)
        return Dataset(report=report, con=con, key_digest=digest, saving=saving)
    con.close()
    _release(lock)
    return None


def _release(lock: store.BuildLock | None) -> None:
    if lock is not None:
        lock.release()

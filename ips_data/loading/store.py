"""Persisted, read-only DuckDB files of loaded extracts, for fast starts and reloads.

Two kinds of file in the cache directory (nothing else is ever written; the extract is
never touched):

- `<database key>.duckdb`: the built tables of one *accepted file set* — keyed by the
  accepted files (path, size, mtime), as_of, the code that built them (SQL models,
  contract, loader) and a digest of the perturbation secret (the record keys stored in
  it are made from the secret, so a new secret builds them again). Written in the
  background a few seconds after a build (so it does not slow the first page),
  atomically.
- `<listing key>.json`: the validation report of one *listing* of the folder — keyed by
  every Parquet file's path, size, mtime and ctime, the manifest, as_of and the code.
  Ignored files (notes, stray CSVs) are not part of it.

A start on an unchanged folder reads the listing's report and opens its database
without validating. After a change, only the new files are validated (see
`validation`); when the accepted set is the same as one already stored — a rejected
file was dropped in, a stray file changed — its database is opened instead of built.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import sys
import threading
from datetime import date
from functools import cache
from pathlib import Path

import duckdb

from ips_data.contract import CONTRACT_VERSION
from ips_data.loading.discovery import Discovery, as_of_date
from ips_data.loading.sqlsafe import ident
from ips_data.loading.validation import ValidationReport

CACHE_ENV = "IPS_CACHE_DIR"
#: The dashboard's cache folder when $IPS_CACHE_DIR is not set (the CLI keeps none).
APP_CACHE_DIR = Path.home() / ".cache" / "ips-dashboard"
KEEP = 3  # databases
KEEP_LISTINGS = 50  # small JSON reports
_SUFFIX = ".duckdb"
_PACKAGE = Path(__file__).resolve().parents[1]
_CODE = ("contract.py", "loading/database.py", "loading/sql_catalog.py",
         "loading/validation.py", "loading/file_checks.py", "loading/fallback.py",
         "loading/messages.py", "protection/perturbation.py")


def default_cache_dir() -> Path | None:
    """$IPS_CACHE_DIR, or None (no persisted cache) when it is not set."""
    value = os.environ.get(CACHE_ENV)
    return Path(value) if value else None


def app_cache_dir() -> Path:
    """The dashboard's cache folder: $IPS_CACHE_DIR, else APP_CACHE_DIR."""
    return default_cache_dir() or APP_CACHE_DIR


@cache
def code_version() -> str:
    """Hash of everything that shapes a verdict or the database: SQL files, contract
    version and the contract, validation, SQL catalogue and loader modules."""
    sql_dir = _PACKAGE.parent / "sql"
    h = hashlib.sha256(f"contract-v{CONTRACT_VERSION}".encode())
    for path in sorted(sql_dir.rglob("*.sql")):
        h.update(path.relative_to(sql_dir).as_posix().encode())
        h.update(path.read_bytes())
    for name in _CODE:
        h.update((_PACKAGE / name).read_bytes())
    return h.hexdigest()[:12]


def _hash(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:24]


def cache_key(discovery: Discovery, as_of: date | None) -> str:
    """The listing key: Parquet files, manifest, as_of and code version."""
    return _hash(discovery.data_dir.resolve(), discovery.parquet_fingerprint,
                 as_of_date(discovery, as_of), code_version())


def database_key(report: ValidationReport, digest: str = "") -> str:
    """The database key: the accepted file set (with as_of), code version and the
    perturbation secret's digest."""
    return _hash(report.accepted_key, code_version(), digest)


def open_database(cache_dir: Path, report: ValidationReport, *, threads: int = 2,
                  digest: str = ""):
    """A read-only connection to the stored database of the report's accepted set (built
    with the secret of `digest`)."""
    db = cache_dir / (database_key(report, digest) + _SUFFIX)
    if not db.exists():
        return None
    try:
        return duckdb.connect(str(db), read_only=True, config={"threads": threads})
    except (OSError, duckdb.Error) as exc:  # damaged or half-pruned: built again
        print(f"ips-data: stored database {db} not used: {exc}", file=sys.stderr)
        return None


def stored_report(cache_dir: Path, key: str, discovery: Discovery) -> ValidationReport | None:
    """The stored validation report of a listing (seen with `discovery`'s ignored files),
    or None. A report is valid without its database: the listing key covers every
    Parquet file's path, size, mtime and ctime, the manifest, as_of and the code."""
    meta = cache_dir / (key + ".json")
    if not meta.exists():
        return None
    try:
        report = ValidationReport.model_validate_json(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"ips-data: stored report {meta} not used: {exc}", file=sys.stderr)
        return None
    return report.seen_now(discovery)


def open_cached(cache_dir: Path, key: str, discovery: Discovery, *, threads: int = 2,
                digest: str = ""):
    """(report, read-only connection) for a stored listing and its database, or None."""
    report = stored_report(cache_dir, key, discovery)
    if report is None:
        return None
    con = open_database(cache_dir, report, threads=threads, digest=digest)
    return None if con is None else (report, con)


def remember_listing(cache_dir: Path, key: str, report: ValidationReport) -> None:
    """Store a listing's report (atomically), so the next start skips validation."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    meta = cache_dir / (key + ".json")
    partial = cache_dir / f".{key}.{os.getpid()}.{threading.get_ident()}.json.partial"
    partial.write_text(report.model_dump_json(), encoding="utf-8")
    os.replace(partial, meta)


def save(cache_dir: Path, key: str, report: ValidationReport,
         con: duckdb.DuckDBPyConnection, digest: str = "") -> Path:
    """Copy an in-memory database's tables (views over Parquet files are left out) to the
    cache directory, atomically (readers see the whole file or none), and remember the
    listing's report."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(cache_dir)
    name = database_key(report, digest)
    final = cache_dir / (name + _SUFFIX)
    if not final.exists():
        partial = cache_dir / f".{name}.{os.getpid()}.{threading.get_ident()}.partial"
        partial.unlink(missing_ok=True)
        con.execute("attach ? as ips_store", [str(partial)])
        try:
            con.sql("copy from database memory to ips_store")
            views = con.sql("select schema_name, view_name from duckdb_views() "
                            "where database_name = 'ips_store' and not internal").fetchall()
            names = [name for row in views for name in row]  # from the catalog itself
            for schema, view in views:
                con.sql("drop view ips_store." + ident(schema, names) + "." + ident(view, names))
        finally:
            con.sql("detach ips_store")
        os.replace(partial, final)
    remember_listing(cache_dir, key, report)
    _prune(cache_dir)
    return final


#: Seconds between a build and writing its stored copy: the copy takes about as long as
#: the build and would otherwise slow the first page (first rendered overview on a new
#: national extract ~0.5 s later). `BackgroundSave.join` writes it at once.
SAVE_DELAY_S = 5.0


class BuildLock:
    """An exclusive lock (fcntl.flock) on building one listing of a folder: replicas
    sharing a cache folder build a new file set once — the first holds the lock until
    its database is stored, the others wait and then open that database. Released
    automatically when the holding process dies."""

    def __init__(self, cache_dir: Path, key: str) -> None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        self.path = cache_dir / f".{key}.lock"
        self._file = open(self.path, "a")  # noqa: SIM115 (held until release)
        fcntl.flock(self._file, fcntl.LOCK_EX)

    def release(self) -> None:
        if not self._file.closed:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()


_SAVE_THREAD = "ips-store-"  # name prefix of the threads writing stored copies


def saving_now() -> bool:
    """True while a stored copy waits to be written or is being written in this process
    (a `BackgroundSave` thread is alive): the process must then not end abruptly."""
    return any(t.name.startswith(_SAVE_THREAD) and t.is_alive() for t in threading.enumerate())


class BackgroundSave:
    """`save` on a cursor of a connection, in a thread, SAVE_DELAY_S after it is started
    (the caller serves at once); releases the build lock, if given, when done. A failure
    is reported on stderr (the next start simply builds again)."""

    def __init__(self, cache_dir: Path, key: str, report: ValidationReport,
                 con: duckdb.DuckDBPyConnection, lock: BuildLock | None = None,
                 digest: str = "") -> None:
        self.key, self.report, self.cache_dir, self.digest = key, report, cache_dir, digest
        self._now = threading.Event()
        self._lock = threading.Lock()
        self._state = "waiting"  # → "writing" or "cancelled"
        cursor = con.cursor()

        def run() -> None:
            try:
                self._now.wait(SAVE_DELAY_S)
                with self._lock:
                    if self._state == "cancelled":
                        return
                    self._state = "writing"
                save(cache_dir, key, report, cursor, digest)
            except (OSError, duckdb.Error) as exc:
                print(f"ips-data: could not store the loaded extract in {cache_dir}: {exc}",
                      file=sys.stderr)
            finally:
                cursor.close()
                if lock is not None:
                    lock.release()

        # not a daemon: the interpreter waits for a pending copy at exit instead of killing
        # the thread inside DuckDB (which aborts the process: "exception not rethrown")
        self.thread = threading.Thread(target=run, name=_SAVE_THREAD + key, daemon=False)
        self.thread.start()

    def join(self) -> None:
        """Write the copy now (no more waiting) and return when it is done."""
        self._now.set()
        self.thread.join()

    def cancel(self) -> bool:
        """Give up writing the copy if it has not started yet (the caller stores it some
        other way); True when it was cancelled, False when it is written or being written."""
        with self._lock:
            if self._state == "writing":
                return False
            self._state = "cancelled"
        self._now.set()
        self.thread.join()
        return True

    def is_alive(self) -> bool:
        return self.thread.is_alive()


class PendingSave:
    """The stored copy of a database built for one use (`load_dataset(one_use=True)`),
    which this process never writes: it holds the build lock until `cancel` (the caller
    then has another process write the copy, see `detached`) or `join` (nothing stored)."""

    def __init__(self, cache_dir: Path, key: str, report: ValidationReport,
                 lock: BuildLock | None = None) -> None:
        self.key, self.report, self.cache_dir = key, report, cache_dir
        self._lock = lock

    def cancel(self) -> bool:
        """Release the build lock; always True (nothing is being written here)."""
        if self._lock is not None:
            self._lock.release()
        return True

    def join(self) -> None:
        self.cancel()

    def is_alive(self) -> bool:
        return False


def _remove_abandoned(cache_dir: Path) -> None:
    """Partial files of processes that no longer run (e.g. stopped mid-copy)."""
    for partial in cache_dir.glob(".*.partial"):
        try:
            pid = int(partial.name.split(".")[2])
            os.kill(pid, 0)
        except (ValueError, IndexError, ProcessLookupError):
            partial.unlink(missing_ok=True)
        except PermissionError:  # another user's live process
            continue


def _prune(cache_dir: Path) -> None:
    """Keep the newest KEEP databases and KEEP_LISTINGS reports (only files this module
    wrote; a report whose database is pruned simply misses and is validated again)."""
    for pattern, keep in (("*" + _SUFFIX, KEEP), ("*.json", KEEP_LISTINGS),
                          (".*.lock", KEEP_LISTINGS)):
        stored = sorted(cache_dir.glob(pattern), key=lambda p: p.stat().st_mtime_ns)
        for old in stored[:-keep]:
            try:
                old.unlink()
            except OSError as exc:  # e.g. removed by another process meanwhile
                print(f"ips-data: could not prune cache file {old}: {exc}", file=sys.stderr)

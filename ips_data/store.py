"""A persisted, read-only DuckDB file per loaded extract, for fast starts.

After an extract has been validated and its models materialised, the database is
copied to `<cache dir>/<key>.duckdb` with the validation report beside it. The key
hashes every file's path, size and mtime, the as_of date and the code that built it
(SQL models, contract version), so any change to the extract or the code builds a
new file. Only the cache directory is ever written; the extract is never touched.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from datetime import date
from functools import cache
from pathlib import Path

import duckdb

from ips_data.contract import CONTRACT_VERSION
from ips_data.discovery import Discovery, as_of_date
from ips_data.validation import ValidationReport

CACHE_ENV = "IPS_CACHE_DIR"
KEEP = 3
_SUFFIX = ".duckdb"


def default_cache_dir() -> Path | None:
    """$IPS_CACHE_DIR, or None (no persisted cache) when it is not set."""
    value = os.environ.get(CACHE_ENV)
    return Path(value) if value else None


@cache
def code_version() -> str:
    """Hash of everything that shapes the database: SQL files and contract version."""
    sql_dir = Path(__file__).resolve().parent.parent / "sql"
    h = hashlib.sha256(f"contract-v{CONTRACT_VERSION}".encode())
    for path in sorted(sql_dir.rglob("*.sql")):
        h.update(path.relative_to(sql_dir).as_posix().encode())
        h.update(path.read_bytes())
    h.update(Path(__file__).with_name("contract.py").read_bytes())
    return h.hexdigest()[:12]


def cache_key(discovery: Discovery, as_of: date | None) -> str:
    """The file name stem for an extract state, as_of and code version."""
    resolved = as_of_date(discovery, as_of)
    raw = f"{discovery.data_dir.resolve()}|{discovery.fingerprint}|{resolved}|{code_version()}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def open_cached(cache_dir: Path, key: str, *, threads: int = 2):
    """(report, read-only connection) for a stored database, or None."""
    db, meta = cache_dir / (key + _SUFFIX), cache_dir / (key + ".json")
    if not (db.exists() and meta.exists()):
        return None
    try:
        report = ValidationReport.model_validate_json(meta.read_text(encoding="utf-8"))
        con = duckdb.connect(str(db), read_only=True, config={"threads": threads})
    except (OSError, ValueError, duckdb.Error):
        return None  # a damaged cache entry is simply rebuilt
    return report, con


def save(cache_dir: Path, key: str, report: ValidationReport,
         con: duckdb.DuckDBPyConnection) -> Path:
    """Copy an in-memory database's tables (views over Parquet files are left out) to the
    cache directory, atomically: readers see the whole file or none."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(cache_dir)
    final = cache_dir / (key + _SUFFIX)
    partial = cache_dir / f".{key}.{os.getpid()}.{threading.get_ident()}.partial"
    partial.unlink(missing_ok=True)
    con.execute("attach ? as ips_store", [str(partial)])
    try:
        con.sql("copy from database memory to ips_store")
        views = con.sql("select schema_name, view_name from duckdb_views() "
                        "where database_name = 'ips_store' and not internal").fetchall()
        for schema, view in views:
            con.sql("drop view ips_store." + _quoted(schema) + "." + _quoted(view))
    finally:
        con.sql("detach ips_store")
    meta = cache_dir / (key + ".json")
    meta.write_text(report.model_dump_json(), encoding="utf-8")
    os.replace(partial, final)
    _prune(cache_dir)
    return final


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def save_in_background(cache_dir: Path, key: str, report: ValidationReport,
                       con: duckdb.DuckDBPyConnection) -> threading.Thread:
    """`save` on a cursor of `con` in a thread, so the caller can serve at once. A failure
    is reported on stderr (the next start simply builds again)."""
    cursor = con.cursor()

    def run() -> None:
        try:
            save(cache_dir, key, report, cursor)
        except (OSError, duckdb.Error) as exc:
            print(f"ips-data: could not store the loaded extract in {cache_dir}: {exc}",
                  file=sys.stderr)
        finally:
            cursor.close()

    thread = threading.Thread(target=run, name=f"ips-store-{key}", daemon=True)
    thread.start()
    return thread


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
    """Keep the newest KEEP databases (only files this module wrote)."""
    stored = sorted(cache_dir.glob("*" + _SUFFIX), key=lambda p: p.stat().st_mtime_ns)
    for old in stored[:-KEEP]:
        for path in (old, old.with_suffix(".json")):
            try:
                path.unlink()
            except OSError as exc:  # open by another process: try again next time
                print(f"ips-data: could not prune cache file {path}: {exc}")

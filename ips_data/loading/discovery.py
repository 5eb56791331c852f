"""Finding an extract's files: table folders, ignored files, manifest, fingerprint.

Reads directory listings and file stats only; never opens, moves or writes an
analyst's file.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from ips_data.contract import TABLE_ORDER, Manifest

DATA_DIR_ENV = "IPS_DATA_DIR"
DEFAULT_DATA_DIR = Path("sample_data")


@dataclass(frozen=True, order=True)
class FileStat:
    """A file as found: path relative to the data dir, size, mtime and ctime (the
    status-change time, which also moves when a file is replaced by one with the same
    size and mtime, e.g. by `cp -p`)."""

    relpath: str
    size: int
    mtime_ns: int
    ctime_ns: int = 0

    @property
    def table(self) -> str:
        return self.relpath.split("/", 1)[0]


@dataclass(frozen=True)
class Discovery:
    """Everything found in a data directory, in a deterministic order."""

    data_dir: Path
    parquet: tuple[FileStat, ...]
    ignored: tuple[FileStat, ...]
    manifest: Manifest
    manifest_error: str | None

    def files_of(self, table: str) -> tuple[FileStat, ...]:
        return tuple(f for f in self.parquet if f.table == table)

    @property
    def fingerprint(self) -> str:
        """Hash of every file's path, size, mtime and ctime (changes when any file does)."""
        h = hashlib.sha256()
        for f in (*self.parquet, *self.ignored):
            h.update(f"{f.relpath}\0{f.size}\0{f.mtime_ns}\0{f.ctime_ns}\n".encode())
        h.update(self.manifest.model_dump_json().encode())
        return h.hexdigest()[:16]

    @property
    def parquet_fingerprint(self) -> str:
        """The same over the Parquet files and the manifest only (what validation reads)."""
        h = hashlib.sha256()
        for f in self.parquet:
            h.update(f"{f.relpath}\0{f.size}\0{f.mtime_ns}\0{f.ctime_ns}\n".encode())
        h.update(self.manifest.model_dump_json().encode())
        return h.hexdigest()[:16]

    def absolute(self, stat: FileStat) -> Path:
        return self.data_dir / stat.relpath


def resolve_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """The data directory: argument, else $IPS_DATA_DIR, else sample_data/."""
    if data_dir is not None:
        return Path(data_dir)
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env) if env else DEFAULT_DATA_DIR


def _stat(root: Path, path: Path) -> FileStat | None:
    try:
        st = path.stat()
    except FileNotFoundError:  # removed between listing and stat: simply not there
        return None
    return FileStat(path.relative_to(root).as_posix(), st.st_size, st.st_mtime_ns,
                    st.st_ctime_ns)


def read_manifest(data_dir: Path) -> tuple[Manifest, str | None]:
    """The manifest, or an empty one plus the reason it could not be used."""
    path = data_dir / "manifest.json"
    if not path.exists():
        return Manifest(), None
    try:
        return Manifest.model_validate(json.loads(path.read_text(encoding="utf-8"))), None
    except (OSError, ValueError, ValidationError) as exc:
        first = str(exc).splitlines()[0]
        return Manifest(), f"manifest.json is not valid and was not used: {first}"


def discover(data_dir: str | os.PathLike) -> Discovery:
    """List the extract's Parquet files per table and everything ignored."""
    root = Path(data_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"data directory not found: {root}")
    parquet: list[FileStat] = []
    ignored: list[FileStat] = []
    for entry in sorted(root.rglob("*")):
        if not entry.is_file():
            continue
        rel = entry.relative_to(root)
        stat = _stat(root, entry)
        if stat is None or rel.as_posix() == "manifest.json":
            continue
        in_table = len(rel.parts) == 2 and rel.parts[0] in TABLE_ORDER
        if in_table and entry.suffix == ".parquet" and not entry.name.startswith("."):
            parquet.append(stat)
        else:
            ignored.append(stat)
    manifest, error = read_manifest(root)
    return Discovery(root, tuple(parquet), tuple(ignored), manifest, error)


def as_of_date(discovery: Discovery, override: date | None = None) -> date:
    """as_of = override, else the manifest's extract_date, else today."""
    if override is not None:
        return override
    return discovery.manifest.extract_date or date.today()

"""Writing a generated extract: out-dir checks, Parquet parts and manifest.json.

The Parquet writer options are fixed and no timestamps are written, so the same tables
always give byte-identical files.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ips_data.sample.values import MANIFEST_MARKER

ROW_GROUP_SIZE = 128 * 1024


def check_out_dir(out_dir: Path) -> bool:
    """Raise unless out_dir is absent, empty or holds a manifest; True if it is ours."""
    if out_dir.exists() and not out_dir.is_dir():
        raise FileExistsError(f"{out_dir} exists and is not a directory")
    if not out_dir.exists() or not any(out_dir.iterdir()):
        return False
    manifest = out_dir / "manifest.json"
    if not manifest.is_file():
        raise FileExistsError(
            f"{out_dir} is not empty and has no manifest.json; refusing to write a sample "
            "into a directory that may hold someone's extract"
        )
    try:
        desc = json.loads(manifest.read_text(encoding="utf-8")).get("description", "")
    except (ValueError, AttributeError, OSError):
        return False
    return isinstance(desc, str) and desc.startswith(MANIFEST_MARKER)


def write_tables(
    out_dir: Path, tables: dict[str, pa.Table], files: int, ours: bool
) -> dict[str, int]:
    """Write each table into ``out_dir/<name>/``; return rows per table.

    If the directory is ``ours`` (written earlier by this package), stale
    ``<name>-part-N.parquet`` files are removed; nothing else there is touched.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for name, table in tables.items():
        folder = out_dir / name
        written = set(_write_table(table, folder, name, files))
        if ours:  # drop stale parts of an earlier generated sample, nothing else
            for stale in folder.glob(f"{name}-part-*.parquet"):
                if stale not in written:
                    stale.unlink()
        counts[name] = table.num_rows
    return counts


def write_manifest(out_dir: Path, extract_date: date, scale: str, n: int, seed: int,
                   true_att: float | None = None) -> None:
    """Write manifest.json, whose description starts with MANIFEST_MARKER and states the
    effect built in (true ATT, job or education within 18 months) when there is one."""
    truth = ("" if true_att is None else
             f" True effect built in (ATT, job or education within 18 months): "
             f"{true_att * 100:+.1f} percentage points.")
    manifest = {
        "extract_date": extract_date.isoformat(),
        "description": (
            f"{MANIFEST_MARKER} (scale={scale}, persons={n}, seed={seed}). Not real data; "
            f"calibrated to Projekt Inklusion / STAR published figures.{truth}"
        ),
    }
    (out_dir / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def _write_table(table: pa.Table, folder: Path, name: str, files: int) -> list[Path]:
    """Write ``table`` as ``files`` parts of about equal size (one if it is empty)."""
    folder.mkdir(parents=True, exist_ok=True)
    n = table.num_rows
    files = max(1, min(files, n)) if n else 1
    bounds = np.linspace(0, n, files + 1).round().astype(np.int64)
    written = []
    for i in range(files):
        path = folder / f"{name}-part-{i + 1}.parquet"
        part = table.slice(int(bounds[i]), int(bounds[i + 1] - bounds[i]))
        pq.write_table(
            part,
            path,
            row_group_size=ROW_GROUP_SIZE,
            compression="zstd",
            compression_level=3,
            use_dictionary=True,
            write_statistics=True,
            version="2.6",
            data_page_version="1.0",
            store_schema=True,
        )
        written.append(path)
    return written

"""DuckDB connections and the only way identifiers enter SQL text.

User values always travel as bound parameters. Identifiers (column and table
names) are spliced into SQL only through `ident`, which accepts nothing but a
member of an explicit whitelist taken from the contract or the model files.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import duckdb

#: Threads for loading (validation and building): twice the cores. The scans over
#: Parquet wait on decoding as well as compute, so on 2 cores 4 threads load the
#: national extract about 20 % faster than 2; queries keep 2 threads per connection.
LOAD_THREADS = 2 * (os.cpu_count() or 1)


class UnsafeIdentifier(ValueError):
    """An identifier that is not in the whitelist."""


def ident(name: str, whitelist: Iterable[str]) -> str:
    """`name` double-quoted, if and only if it is in the whitelist."""
    allowed = set(whitelist)
    if name not in allowed:
        raise UnsafeIdentifier(f"identifier {name!r} is not allowed here")
    return '"' + name.replace('"', '""') + '"'


def ident_list(names: Iterable[str], whitelist: Iterable[str]) -> str:
    """Comma-separated quoted identifiers, each checked by `ident`."""
    allowed = tuple(whitelist)
    return ", ".join(ident(n, allowed) for n in names)


def connect(*, threads: int = 2, memory_limit: str = "4GB", database: str = ":memory:"):
    """A DuckDB connection with bounded threads and memory.

    Timestamps with time zone are cast to dates in UTC (no ICU extension here).
    """
    con = duckdb.connect(
        database,
        config={"threads": threads, "memory_limit": memory_limit},
    )
    con.sql("set enable_progress_bar = false")
    return con

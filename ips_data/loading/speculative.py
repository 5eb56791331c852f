"""Building a new extract's database while it is validated.

A first load validates every file (DuckDB reads them all) and then builds the models over
the accepted ones (DuckDB reads them again). Neither half keeps both cores busy all the
time (validation goes file by file, many of its queries are small; the build waits on its
largest join and sort), so on a first load the build starts at once, in a thread of its
own, over every Parquet file of the listing as if all were accepted. When validation then
accepts exactly those files, that build is the database the loader would have built over
the accepted files (same folder, same files in the same order, same secret), and it is
used. Otherwise it is interrupted and dropped, and the loader builds over the accepted
files: the rows of a rejected file never reach a database that is used.

Only a first load speculates: when this process remembers a verdict on one of the files
(a reload after a change, see `file_checks.VERDICTS`), the accepted set may well be stored
already or lack a file, and a speculative build would only take cores from validation.

The build also answers one of validation's questions: whether any outcome or cost row
names a person who is not among the participants (`unknown_people`). It joins every
such row to its person anyway, so the rows its tables lack are those without one;
validation's own anti join (reading the files once more, ≈ 0.4 CPU-s on the national
extract) is then needed only when the build read other files than validation weighs,
or when the answer is "some" and the rows must be found and numbered.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from datetime import date

import duckdb

from ips_data.contract import TABLE_ORDER, TABLES
from ips_data.loading.discovery import Discovery, as_of_date
from ips_data.loading.file_checks import VERDICTS
from ips_data.loading.sqlsafe import connect
from ips_data.loading.validation import ValidationReport, verdict_key


@dataclass(frozen=True)
class EveryFile:
    """The file set of a listing with every Parquet file taken, in the order a validation
    report lists accepted files (by path within each table)."""

    data_dir: str
    files: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, listing: Discovery) -> EveryFile:
        return cls(str(listing.data_dir),
                   {t: sorted(s.relpath for s in listing.files_of(t)) for t in TABLE_ORDER})

    def accepted(self, table: str) -> list[str]:
        return list(self.files.get(table, []))

    def matches(self, report: ValidationReport) -> bool:
        """True when the report accepted exactly these files of this folder."""
        return report.data_dir == self.data_dir and all(
            report.accepted(t) == self.accepted(t) for t in TABLE_ORDER)


def first_load(listing: Discovery, as_of: date | None) -> bool:
    """True when no file of the listing has a remembered verdict in this process."""
    day = as_of_date(listing, as_of)
    return bool(listing.parquet) and not any(
        VERDICTS.known(verdict_key(listing, stat, day, stat.table))
        for stat in listing.parquet if stat.table in TABLES)


#: Per table whose rows name a person: the SQL for how many of the table's rows (all its
#: files, as staging reads them) the build's tables hold. Every such row is joined to
#: its person (inner joins; participants are unique whenever validation accepts every
#: participant file), so the difference is the rows without a participant.
#: fct_cost_totals holds one row per person and horizon; cost_rows counts its rows.
_JOINED_ROWS = {
    "outcomes": ("select (select count(*) from stg_outcomes)"
                 " - (select count(*) from fct_outcomes)"),
    "costs": ("select (select count(*) from stg_costs)"
              " - (select coalesce(sum(cost_rows), 0) from fct_cost_totals)"),
}

#: Threads of the build that runs beside validation.
BUILD_THREADS = os.cpu_count() or 1
#: Seconds between interrupts while a dropped build winds down.
INTERRUPT_POLL_S = 0.02


class SpeculativeBuild:
    """The build of every file of a listing, running in a thread from construction."""

    def __init__(self, listing: Discovery, *, threads: int, secret: str,
                 ordered: bool = True) -> None:
        from ips_data.loading import database

        self.files = EveryFile.of(listing)
        # one thread per core (not LOAD_THREADS): validation runs on the same cores
        # meanwhile (~0.15 CPU-s less on the national extract, the same wall time)
        self._con = connect(threads=BUILD_THREADS)
        self._built: duckdb.DuckDBPyConnection | None = None
        self._orphans: dict[str, int] = {}

        def run() -> None:
            try:
                built = database.build_into(self._con, self.files, threads=threads,
                                            secret=secret, ordered=ordered)
                self._orphans = {table: int(built.sql(sql).fetchall()[0][0])
                                 for table, sql in _JOINED_ROWS.items()}
                self._built = built
            except duckdb.Error:  # interrupted, or e.g. a damaged file validation rejects
                self._built = None

        # not a daemon: the interpreter waits for it at exit rather than killing a thread
        # inside DuckDB (which aborts the process)
        self._thread = threading.Thread(target=run, name="ips-speculative-build")
        self._thread.start()

    def take(self, report: ValidationReport) -> duckdb.DuckDBPyConnection | None:
        """The built database when `report` accepted exactly the files built over (waits
        for the build); otherwise None, after interrupting and closing it."""
        if not self.files.matches(report):
            self.drop()
            return None
        self._thread.join()
        if self._built is None:  # the build failed: the loader's own build reports it
            self._con.close()
            return None
        return self._built

    def unknown_people(self, table: str, people: list[str], rows: list[str]) -> int | None:
        """How many rows of `table`'s files `rows` name a person who is in none of the
        participant files `people` (paths relative to the folder), when the build read
        exactly those files of both tables (it waits for the build); None when it read
        others or failed: then the build cannot tell."""
        if table not in _JOINED_ROWS or sorted(people) != self.files.accepted(
                "participants") or sorted(rows) != self.files.accepted(table):
            return None
        self._thread.join()
        return self._orphans.get(table) if self._built is not None else None

    def drop(self) -> None:
        """Interrupt the build (if it still runs) and close its database."""
        # an interrupt only stops the statement running at that moment: repeated until
        # the build gives up (between two statements it would go on with the next)
        while self._thread.is_alive():
            self._con.interrupt()
            self._thread.join(INTERRUPT_POLL_S)
        self._con.close()

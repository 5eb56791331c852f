"""Loading an extract into DuckDB: model invariants (sql/tests), the query whitelist,
the stored copies, ENUM types, threads and single-flight loading."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import polars as pl
import pytest
from fixtures import tiny_extract

from ips_data.loading.database import load_dataset
from ips_data.loading.sql_catalog import data_tests
from ips_data.loading.sqlsafe import UnsafeIdentifier
from ips_data.protection.scopes import Scope
from ips_data.sample import generate_sample

ALL = Scope.everything()  # the whole extract (no access restriction)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("sample")
    generate_sample(root, persons=1500, seed=5)
    ds = load_dataset(root)
    yield ds
    ds.close()


@pytest.mark.parametrize("name", sorted(data_tests()))
def test_invariant_holds_on_generated_extract(sample, name):
    assert name not in sample.failing_data_tests()


@pytest.mark.parametrize(("change", "invariant"), [
    ("insert into dim_participants select * from dim_participants limit 1",
     "dim_participants_person_id_unique_not_null"),
    ("update fct_cost_totals set cost_rows = cost_rows + 1 where person_id = 'I1'",
     "fct_cost_totals_cost_rows_add_up"),
])
def test_invariants_can_fail(tmp_path, change, invariant):
    ds = load_dataset(tiny_extract(tmp_path), cache=False)
    try:
        assert ds.failing_data_tests() == {}
        ds.con.sql(change)
        assert invariant in ds.failing_data_tests()
    finally:
        ds.close()


def test_unknown_query_and_missing_parameter_are_refused(sample):
    with pytest.raises(KeyError):
        sample.query("drop_everything", {})
    with pytest.raises(KeyError, match="needs parameters"):
        sample.query("effect_by_arm", {})
    with pytest.raises(UnsafeIdentifier):
        sample.table("stg_participants; drop table x")


def test_hostile_filter_values_stay_values(sample):
    from ips_data.metrics.effect import arm_effects
    from ips_data.metrics.filters import Filters
    from ips_data.protection.disclosure import DisclosurePolicy

    hostile = Filters.model_construct(
        scope=Scope.everything(), age_bands=("18-24'); drop table dim_participants; --",))
    frame = arm_effects(sample, hostile, DisclosurePolicy())
    assert frame.height == 0
    assert sample.rows("dim_participants") == 1500


def test_persisted_cache_reopens_unchanged_extract_and_rebuilds_on_change(tmp_path):
    from fixtures import participant, write_table

    from ips_data.metrics.effect import arm_effects
    from ips_data.metrics.filters import Filters
    from ips_data.protection.disclosure import DisclosurePolicy

    root, cache = tiny_extract(tmp_path / "x"), tmp_path / "cache"
    cache.mkdir()
    abandoned = cache / ".0123.999999999.1.partial"  # left by a process that is gone
    abandoned.write_bytes(b"half a database")
    first = load_dataset(root, cache_dir=cache)
    expected = arm_effects(first, Filters(scope=ALL), DisclosurePolicy(threshold=3))
    assert first.saving is not None  # stored in the background while it serves
    first.close()  # waits for the stored copy
    assert len(list(cache.glob("*.duckdb"))) == 1
    assert not abandoned.exists() and not list(cache.glob(".*.partial"))
    again = load_dataset(root, cache_dir=cache)
    try:
        assert again.saving is None
        views = again.con.sql("select view_name from duckdb_views() where not internal")
        assert views.fetchall() == []  # staging views read Parquet: never stored
        policy = DisclosurePolicy(threshold=3)
        assert arm_effects(again, Filters(scope=ALL), policy).equals(expected)
        assert again.report.ok
        with pytest.raises(Exception, match="read-only"):
            again.con.sql("create table x as select 1")
    finally:
        again.close()
    write_table(root, "participants", [participant("NEW1")], name="more.parquet")
    changed = load_dataset(root, cache_dir=cache)
    try:
        assert changed.rows("dim_participants") == 15
    finally:
        changed.close()
    assert len(list(cache.glob("*.duckdb"))) == 2


def test_query_results_are_remembered_but_never_shared_mutably(sample):
    from ips_data.metrics.filters import Filters

    params = Filters(scope=ALL, region=1084).params()
    first = sample.query("participants_by_arm", params)
    first.insert_column(0, first["n"].alias("changed_by_caller"))  # a caller mutating
    second = sample.query("participants_by_arm", params)
    assert "changed_by_caller" not in second.columns
    other = sample.query("participants_by_arm", Filters(scope=ALL, region=1081).params())
    assert other["n"].sum() <= second["n"].sum()


def test_coded_attributes_are_enums_inside_and_strings_outside(sample):
    from ips_data.contract import ARMS
    from ips_data.metrics.filters import Filters

    types = dict(sample.con.sql("select column_name, data_type from duckdb_columns() "
                                "where table_name = 'fct_outcomes'").fetchall())
    assert types["arm"].startswith("ENUM") and types["age_band"].startswith("ENUM")
    frame = sample.query("participants_by_arm", Filters(scope=ALL, arms=("ips",)).params())
    assert frame.schema["arm"] == pl.String
    assert frame["arm"].to_list() == ["ips"]
    assert set(sample.query("participants_by_arm", Filters(scope=ALL).params())["arm"]) <= set(ARMS)


def _counting_builds(monkeypatch) -> list[int]:
    from ips_data.loading import database

    builds: list[int] = []
    real = database.build_into  # every build, the speculative one of a first load too

    def counted(con, report, **kwargs):
        builds.append(1)
        return real(con, report, **kwargs)

    monkeypatch.setattr(database, "build_into", counted)
    return builds


@pytest.mark.parametrize("change", ["stray_file", "rejected_file", "valid_file"])
def test_a_stored_accepted_set_is_reopened_not_rebuilt(tmp_path, monkeypatch, change):
    """A stray or a rejected file changes the listing but not the accepted set: the
    stored database is opened (no build) and the report shows the new file; a valid
    file changes the set and builds."""
    from fixtures import outcome, participant, write_table

    root, cache = tiny_extract(tmp_path / "x"), tmp_path / "cache"
    builds = _counting_builds(monkeypatch)
    load_dataset(root, cache_dir=cache).close()
    assert builds == [1]
    if change == "stray_file":
        (root / "participants" / "notes.txt").write_text("hej", encoding="utf-8")
        path, status = "participants/notes.txt", "ignored"
    elif change == "rejected_file":
        write_table(root, "outcomes", [outcome("ghost")], name="late.parquet")
        path, status = "outcomes/late.parquet", "rejected"
    else:
        write_table(root, "participants", [participant("NEW1")], name="more.parquet")
        path, status = "participants/more.parquet", "accepted"
    before = load_dataset(root, cache_dir=tmp_path / "other")  # a fresh load, no store
    again = load_dataset(root, cache_dir=cache)
    try:
        assert {f.path: f.status for f in again.report.files}[path] == status
        assert again.report.fingerprint == before.report.fingerprint
        assert (again.accepted_key == before.accepted_key)
        assert again.rows("dim_participants") == (15 if status == "accepted" else 14)
        assert len(builds) == (3 if status == "accepted" else 2)  # +1 for `before`
    finally:
        again.close()
        before.close()


def test_accepted_key_ignores_rejected_and_stray_files(tmp_path):
    from fixtures import outcome, participant, write_table

    from ips_data.loading.validation import validate

    root = tiny_extract(tmp_path)
    first = validate(root).accepted_key
    write_table(root, "outcomes", [outcome("ghost")], name="late.parquet")
    (root / "readme.txt").write_text("x", encoding="utf-8")
    assert validate(root).accepted_key == first
    write_table(root, "participants", [participant("NEW1")], name="more.parquet")
    assert validate(root).accepted_key != first


def test_queries_run_with_the_requested_threads_after_a_faster_build(tmp_path):
    from ips_data.loading.sqlsafe import LOAD_THREADS

    ds = load_dataset(tiny_extract(tmp_path), threads=1)
    try:
        threads = ds.con.sql("select current_setting('threads')").fetchall()[0][0]
        assert (threads, LOAD_THREADS >= 2) == (1, True)
    finally:
        ds.close()


def test_concurrent_identical_loads_share_one_build(tmp_path, monkeypatch):
    """Single flight: the early load of `ui.serve` and the first session's load of the
    same folder state build once and return the same Dataset."""
    import threading

    from ips_data.loading import database, flight

    root = tiny_extract(tmp_path)
    started, release = threading.Event(), threading.Event()
    builds: list[int] = []
    real = database.build_into

    def slow_build(con, report, **kwargs):
        builds.append(1)
        started.set()
        release.wait(30)
        return real(con, report, **kwargs)

    waiting = threading.Event()

    class Watched(flight.Future):
        def result(self, timeout=None):
            waiting.set()  # the second caller is about to wait for the first load
            return super().result(timeout)

    monkeypatch.setattr(database, "build_into", slow_build)
    monkeypatch.setattr(flight, "Future", Watched)
    results: list = []
    first = threading.Thread(target=lambda: results.append(load_dataset(root)))
    first.start()
    assert started.wait(30)
    second = threading.Thread(target=lambda: results.append(load_dataset(root)))
    second.start()
    assert waiting.wait(30)
    release.set()
    first.join(30)
    second.join(30)
    try:
        assert len(results) == 2 and results[0] is results[1]
        assert builds == [1]
        again = load_dataset(root)  # after the flight: a new load
        assert again is not results[0] and builds == [1, 1]
        again.close()
    finally:
        results[0].close()


def test_template_files_are_shared_and_recreated_not_left_per_start(tmp_path, monkeypatch):
    """Every load uses one template folder per schema (earlier, each process left a new
    temporary folder behind); a folder removed by a temp cleaner is written again."""
    import tempfile

    from ips_data.loading import database

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    first = database._template_dir()
    assert database._template_dir() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == [first.name]
    for child in first.iterdir():
        child.unlink()
    first.rmdir()
    again = database._template_dir()
    assert again == first and sorted(p.name for p in again.iterdir()) == sorted(
        f"{t}.parquet" for t in database.TABLES)


def test_stored_copy_waits_for_the_first_page_unless_closed(tmp_path, monkeypatch):
    """The copy is written SAVE_DELAY_S after the build (not while the first page is
    computed); closing the Dataset writes it at once."""
    from ips_data.loading import store

    root, cache = tiny_extract(tmp_path / "x"), tmp_path / "cache"
    monkeypatch.setattr(store, "SAVE_DELAY_S", 3600.0)
    ds = load_dataset(root, cache_dir=cache)
    assert ds.saving is not None and ds.saving.is_alive()
    assert not list(cache.glob("*.duckdb"))  # still waiting: nothing written yet
    ds.close()  # no hour's wait: written now
    assert len(list(cache.glob("*.duckdb"))) == 1
    ds = load_dataset(root, cache_dir=cache)
    assert ds.saving is None  # reopened from the copy
    ds.close()


class _CountingConnection:
    """Stands in for a Dataset's connection: counts executed queries, and holds each one
    until `parties` are running at once (or a second has passed)."""

    def __init__(self, con, parties: int) -> None:
        self.con, self.executed = con, 0
        self.barrier = threading.Barrier(parties, timeout=1)
        self.lock = threading.Lock()

    def cursor(self):
        outer, cursor = self, self.con.cursor()

        class Cursor:
            def sql(self, query, params=None):
                with outer.lock:
                    outer.executed += 1
                # a broken barrier: only one is running, which single flight should give
                with contextlib.suppress(threading.BrokenBarrierError):
                    outer.barrier.wait()
                return cursor.sql(query, params=params)

            def close(self):
                cursor.close()

        return Cursor()


@pytest.mark.parametrize("callers", [2, 6])
def test_identical_queries_at_the_same_time_run_once(tmp_path, callers):
    """Sessions that rerun on a new extract ask the same questions at once: each query
    runs once, every caller gets the same figures (and its own copy)."""
    from concurrent.futures import ThreadPoolExecutor

    from ips_data.metrics.filters import Filters

    ds = load_dataset(tiny_extract(tmp_path))
    try:
        counting = _CountingConnection(ds.con, callers)
        object.__setattr__(ds, "con", counting)
        params = Filters(scope=ALL).params()
        with ThreadPoolExecutor(callers) as pool:
            frames = list(pool.map(lambda _: ds.query("participants_by_arm", params),
                                   range(callers)))
        assert counting.executed == 1
        assert all(f.equals(frames[0]) for f in frames) and frames[0].height > 0
        assert len({id(f) for f in frames}) == callers
    finally:
        object.__setattr__(ds, "con", counting.con)
        ds.close()


def test_a_failed_query_is_not_remembered(tmp_path, monkeypatch):
    import duckdb

    from ips_data.loading import database
    from ips_data.metrics.filters import Filters

    ds = load_dataset(tiny_extract(tmp_path))
    try:
        real = database.queries()
        monkeypatch.setattr(database, "queries",
                            lambda: {**real, "participants_by_arm": "select * from nowhere"})
        with pytest.raises(duckdb.Error):
            ds.query("participants_by_arm", Filters(scope=ALL).params())
        monkeypatch.setattr(database, "queries", lambda: real)
        assert ds.query("participants_by_arm", Filters(scope=ALL).params()).height > 0
    finally:
        ds.close()

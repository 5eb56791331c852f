"""The build that runs while a new extract is validated (`ips_data.loading.speculative`):
used only when validation accepts exactly the files it read, never holding a rejected
file's rows, the same database as a build over the report, and not tried on reloads."""

from __future__ import annotations

import threading

import pytest
from fixtures import cost, outcome, participant, tiny_extract, write_table

from ips_data.loading import database, speculative
from ips_data.loading.database import build_database, load_dataset
from ips_data.loading.discovery import discover
from ips_data.loading.sql_catalog import models

SECRET = "test-secret"
MARTS = [name for name in models() if not name.startswith("stg_")]


def _content(con) -> dict[str, list[tuple]]:
    """Every mart's rows (sorted: row order within ties is the engine's) and columns."""
    out = {}
    for name in MARTS:
        rel = con.sql("select * from " + database.ident(name, MARTS))
        out[name] = [tuple(rel.columns), tuple(map(str, rel.types)),
                     *sorted(rel.fetchall(), key=repr)]
    return out


def _same_as_a_plain_build(ds) -> None:
    plain = build_database(ds.report, secret=SECRET)
    try:
        assert _content(ds.con) == _content(plain)
    finally:
        plain.close()


@pytest.fixture
def builds(monkeypatch) -> dict[str, int]:
    """Counts every build (`build_into`) and the loader's own builds (`build_database`)."""
    counts = {"any": 0, "loader": 0}
    into, whole = database.build_into, database.build_database

    def counted_into(con, report, **kwargs):
        counts["any"] += 1
        return into(con, report, **kwargs)

    def counted_whole(report, **kwargs):
        counts["loader"] += 1
        return whole(report, **kwargs)

    monkeypatch.setattr(database, "build_into", counted_into)
    monkeypatch.setattr(database, "build_database", counted_whole)
    return counts


def test_a_first_load_uses_the_build_made_while_validating(tmp_path, builds):
    ds = load_dataset(tiny_extract(tmp_path), cache=False, secret=SECRET)
    try:
        assert ds.report.ok
        assert builds == {"any": 1, "loader": 0}  # only the speculative build ran
        _same_as_a_plain_build(ds)
    finally:
        ds.close()


def _unknown_person(root):
    write_table(root, "outcomes", [outcome("GHOST1", 18), outcome("GHOST2", 30)],
                name="late.parquet")
    return "outcomes/late.parquet", "fct_outcomes", "GHOST1"


def _repeated_person(root):
    write_table(root, "participants", [participant("DUP1"), participant("DUP1")],
                name="twice.parquet")
    return "participants/twice.parquet", "dim_participants", "DUP1"


def _unknown_category(root):
    write_table(root, "participants", [participant("CAT1")], name="cat.parquet")
    write_table(root, "costs", [cost("CAT1", 18, "primary_care", 10.0),
                                cost("CAT1", 18, "lottery", 99.0)], name="cat.parquet")
    return "costs/cat.parquet", "fct_cost_totals", "CAT1"


@pytest.mark.parametrize("make", [_unknown_person, _repeated_person, _unknown_category])
def test_a_rejected_file_never_reaches_the_database(tmp_path, builds, make):
    """The speculative build read the file; validation rejects it: that build is dropped
    and the database holds none of the file's rows."""
    root = tiny_extract(tmp_path)
    path, model, person = make(root)
    ds = load_dataset(root, cache=False, secret=SECRET)
    try:
        status = {f.path: f.status for f in ds.report.files}
        assert status[path] == "rejected"
        assert builds == {"any": 2, "loader": 1}  # the speculative one was dropped
        found = ds.con.sql("select count(*) from " + database.ident(model, MARTS)
                           + " where person_id = ?", params=[person]).fetchall()[0][0]
        assert found == 0
        _same_as_a_plain_build(ds)
    finally:
        ds.close()


def test_a_reload_after_a_change_does_not_speculate(tmp_path, builds, monkeypatch):
    root = tiny_extract(tmp_path)
    load_dataset(root, cache=False, secret=SECRET).close()
    started: list[int] = []
    real = speculative.SpeculativeBuild
    monkeypatch.setattr(speculative, "SpeculativeBuild",
                        lambda *a, **k: started.append(1) or real(*a, **k))
    write_table(root, "participants", [participant("NEW1")], name="more.parquet")
    ds = load_dataset(root, cache=False, secret=SECRET)
    try:
        assert started == [] and builds == {"any": 2, "loader": 1}
        assert ds.rows("dim_participants") == 15
    finally:
        ds.close()


def test_a_failed_validation_drops_the_speculative_build(tmp_path, monkeypatch):
    dropped: list[int] = []
    real_drop = speculative.SpeculativeBuild.drop

    def drop(self):
        dropped.append(1)
        real_drop(self)

    def broken(*args, **kwargs):
        raise RuntimeError("validation failed")

    monkeypatch.setattr(speculative.SpeculativeBuild, "drop", drop)
    monkeypatch.setattr(database, "validate", broken)
    with pytest.raises(RuntimeError, match="validation failed"):
        load_dataset(tiny_extract(tmp_path), cache=False, secret=SECRET)
    assert dropped == [1]


def test_drop_interrupts_a_build_that_is_still_running(tmp_path, monkeypatch):
    """A dropped build stops at once (a statement that would run for many minutes is
    interrupted) and its database is closed."""
    running = threading.Event()

    def endless(con, report, **kwargs):
        running.set()
        con.sql("select count(*) from range(1000000000000) t(i) "
                "where hash(i) % 1000003 = 7").fetchall()
        return con

    monkeypatch.setattr(database, "build_into", endless)
    guess = speculative.SpeculativeBuild(discover(tiny_extract(tmp_path)), threads=1,
                                         secret=SECRET)
    assert running.wait(60)
    guess.drop()
    assert not guess._thread.is_alive()
    with pytest.raises(database.duckdb.ConnectionException):
        guess._con.sql("select 1")

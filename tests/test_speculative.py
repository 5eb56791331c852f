"""The build that runs while a new extract is validated (`ips_data.loading.speculative`):
used only when validation accepts exactly the files it read, never holding a rejected
file's rows, the same database as a build over the report, and not tried on reloads; and
its answer to validation's unknown-person question, counted by hand and the same report
as validation's own anti join gives."""

from __future__ import annotations

import threading

import pytest
from fixtures import cost, outcome, participant, tiny_extract, write_table

from ips_data.loading import database, speculative, validation
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


def _unknown_cost_person(root):
    write_table(root, "costs", [cost("GHOST3", 18, "primary_care", 10.0),
                                cost("I1", 30, "primary_care", 5.0)], name="late.parquet")
    return "costs/late.parquet", "fct_cost_totals", "GHOST3"


def _unknown_category(root):
    write_table(root, "participants", [participant("CAT1")], name="cat.parquet")
    write_table(root, "costs", [cost("CAT1", 18, "primary_care", 10.0),
                                cost("CAT1", 18, "lottery", 99.0)], name="cat.parquet")
    return "costs/cat.parquet", "fct_cost_totals", "CAT1"


@pytest.mark.parametrize("make", [_unknown_person, _unknown_cost_person, _repeated_person,
                                  _unknown_category])
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


@pytest.fixture
def anti_joins(monkeypatch) -> list[str]:
    """The files of every unknown-person anti join validation runs itself."""
    calls: list[str] = []
    real = validation._CrossFile._unknown_rows

    def counted(self, paths, people):
        calls.extend(paths)
        return real(self, paths, people)

    monkeypatch.setattr(validation._CrossFile, "_unknown_rows", counted)
    return calls


def _orphans(root) -> None:
    """Two outcome rows and three cost rows (two persons, one with two categories) whose
    persons are not participants; one cost row of a participant at a new horizon."""
    write_table(root, "outcomes", [outcome("GHOST1", 18), outcome("GHOST2", 30)],
                name="late.parquet")
    write_table(root, "costs", [cost("GHOST1", 18, "primary_care", 1.0),
                                cost("GHOST1", 18, "ips_service", 2.0),
                                cost("GHOST2", 30, "primary_care", 3.0),
                                cost("I1", 30, "primary_care", 4.0)], name="late.parquet")


def test_the_build_counts_rows_without_a_participant(tmp_path):
    root = tiny_extract(tmp_path)
    _orphans(root)
    guess = speculative.SpeculativeBuild(discover(root), threads=1, secret=SECRET)
    try:
        people = ["participants/part-1.parquet"]
        outcomes = ["outcomes/late.parquet", "outcomes/part-1.parquet"]
        costs = ["costs/late.parquet", "costs/part-1.parquet"]
        assert guess.unknown_people("outcomes", people, outcomes) == 2
        assert guess.unknown_people("costs", people, costs) == 3
        assert guess.unknown_people("costs", people, costs[::-1]) == 3  # any order
        # files it did not read as asked: it cannot tell
        assert guess.unknown_people("costs", people, costs[1:]) is None
        assert guess.unknown_people("costs", [], costs) is None
        assert guess.unknown_people("rollout", people, ["rollout/part-1.parquet"]) is None
    finally:
        guess.drop()


def test_a_clean_first_load_asks_the_build_not_the_files(tmp_path, anti_joins):
    root = tiny_extract(tmp_path)
    ds = load_dataset(root, cache=False, secret=SECRET)
    try:
        assert ds.report.ok and anti_joins == []
        assert _verdicts(ds.report) == _verdicts(validation.validate(root))
    finally:
        ds.close()
    assert anti_joins  # validation on its own joins the files (outcomes and costs)


def _verdicts(report) -> list[tuple]:
    return [(f.path, f.status, [r.model_dump() for r in f.rejections]) for f in report.files]


@pytest.mark.parametrize("orphans", [True, False])
@pytest.mark.parametrize("bad_participants", [True, False])
def test_the_same_report_with_and_without_the_build(tmp_path, anti_joins, orphans,
                                                     bad_participants):
    """Rows without a participant are found and numbered file by file whichever answers;
    when validation rejects a participant file the build read, the build's answer is not
    asked for and validation joins the files itself."""
    root = tiny_extract(tmp_path)
    if orphans:
        _orphans(root)
    if bad_participants:
        _repeated_person(root)
    ds = load_dataset(root, cache=False, secret=SECRET)
    try:
        seen = _verdicts(ds.report)
    finally:
        ds.close()
    # the build's answer replaced both anti joins unless it read a rejected file
    assert bool(anti_joins) == bad_participants
    assert seen == _verdicts(validation.validate(root))
    status = {path: state for path, state, _ in seen}
    assert (status.get("costs/late.parquet") == "rejected") == orphans
    assert (status.get("outcomes/late.parquet") == "rejected") == orphans

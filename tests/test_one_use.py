"""A database built for one process's queries (`load_dataset(one_use=True)`, the command
line's summary): the same rows without the stored layout's sort, never stored by that
process, and the stored copy the detached writer makes afterwards in the stored order."""

from __future__ import annotations

import fcntl
import json
import threading

import pytest
from fixtures import cost, outcome, participant, tiny_extract, write_table

from ips_data.cli import main
from ips_data.loading import database, detached, store
from ips_data.loading.database import load_dataset, unordered
from ips_data.loading.sql_catalog import models

SECRET = "test-secret"
SORTED = ("fct_outcomes", "fct_cost_totals")
STORED_ORDER = "horizon_months, region_code, municipality_code"
MARTS = [name for name in models() if not name.startswith("stg_")]


def _rows(con, model: str) -> list[tuple]:
    return sorted(con.sql("select * from " + database.ident(model, MARTS)).fetchall(), key=repr)


def test_unordered_drops_only_the_stored_order_clause():
    for name, sql in models().items():
        if name in SORTED:
            assert sql.rstrip().endswith("select * from final order by " + STORED_ORDER)
            assert unordered(sql).rstrip().endswith("select * from final")
            assert unordered(sql).count("order by") == sql.count("order by") - 1
        else:  # e.g. fct_rollout_periods' window keeps its order by
            assert unordered(sql) == sql


def _spread(root):
    """More persons in several municipalities and regions, so that order matters."""
    people = [participant(f"S{i:03d}", arm="ips" if i % 2 else "comparison",
                          municipality=[101, 851, 461, 751][i % 4]) for i in range(40)]
    write_table(root, "participants", people, name="spread.parquet")
    write_table(root, "costs", [cost(p["person_id"], h, "primary_care", 100.0 + i)
                                for i, p in enumerate(people) for h in (30, 18)],
                name="spread.parquet")
    write_table(root, "outcomes", [outcome(p["person_id"], h, any_=i % 3 == 0)
                                   for i, p in enumerate(people) for h in (30, 18)],
                name="spread.parquet")
    return root


def test_a_one_use_load_has_the_same_rows_and_stores_nothing(tmp_path):
    root = _spread(tiny_extract(tmp_path / "x"))
    cache = tmp_path / "cache"
    plain = load_dataset(root, cache=False, secret=SECRET)
    once = load_dataset(root, cache_dir=cache, secret=SECRET, one_use=True)
    try:
        assert once is not plain and once.report.ok
        assert all(_rows(once.con, m) == _rows(plain.con, m) for m in MARTS)
        assert isinstance(once.saving, store.PendingSave)
        key = once.saving.key
        assert once.saving.cancel()
        with (cache / f".{key}.lock").open("a") as held:  # the build lock is free again
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(held, fcntl.LOCK_UN)
    finally:
        once.close()
        plain.close()
    assert not list(cache.glob("*.duckdb"))


def _in_stored_order(con, model: str) -> bool:
    rows = con.sql("select " + STORED_ORDER + " from " + database.ident(model, MARTS)).fetchall()
    keys = [tuple((v is None, v or 0) for v in row) for row in rows]  # nulls last
    return len(keys) > 40 and keys == sorted(keys)


@pytest.mark.parametrize("by", [None, "municipality"])
def test_the_first_calls_stored_copy_is_in_the_stored_order(tmp_path, monkeypatch, capsys, by):
    """The summary's own database is built unsorted (one use); the copy the detached
    writer stores is sorted, as the app's; `--by municipality` builds sorted itself."""
    root = _spread(tiny_extract(tmp_path / "x"))
    cache = tmp_path / "cache"
    monkeypatch.setenv("IPS_CACHE_DIR", str(cache))
    monkeypatch.setenv("IPS_PERTURBATION_KEY", SECRET)
    uses: list[bool] = []
    real_load = database.load_dataset

    def watched(*args, **kwargs):
        uses.append(kwargs.get("one_use", False))
        return real_load(*args, **kwargs)

    spawned = []
    real_spawn = detached.spawn_save
    monkeypatch.setattr(database, "load_dataset", watched)
    monkeypatch.setattr(detached, "spawn_save",
                        lambda *a, **k: spawned.append(real_spawn(*a, **k)) or spawned[-1])
    argv = ["summary", "--json", "--data-dir", str(root)] + (["--by", by] if by else [])
    assert main(argv) == 0
    json.loads(capsys.readouterr().out)
    assert uses == [by is None]
    # one use: always by the detached writer; --by municipality: by it too, unless this
    # process's background save had begun before the summary was done
    assert len(spawned) == 1 or by is not None
    assert all(p.wait(timeout=120) == 0 for p in spawned)
    pause, waited = threading.Event(), 0.0
    while not list(cache.glob("*.duckdb")) and waited < 120:
        pause.wait(0.1)
        waited += 0.1
    (stored,) = cache.glob("*.duckdb")
    con = database.duckdb.connect(str(stored), read_only=True)
    try:
        assert all(_in_stored_order(con, m) for m in SORTED)
    finally:
        con.close()

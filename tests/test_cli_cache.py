"""`ips-data summary` uses the stored databases like the app: the first call on a new
extract prints its result and leaves the stored copy to a detached process, the next
call opens it (no validation, no build) and prints the same numbers; `--no-cache`
reads and writes nothing; `--by municipality` prints every municipality's summary."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from fixtures import tiny_extract

from ips_data.cli import main
from ips_data.loading import database, detached
from ips_data.municipalities import MUNICIPALITIES


def _summary(capsys, *argv: str) -> dict:
    assert main(["summary", "--json", "--threshold", "3", *argv]) == 0
    return json.loads(capsys.readouterr().out)


def _wait_for(path_glob, cache: Path, timeout: float = 120.0) -> list[Path]:
    """Poll (without sleeping the test thread blindly) until the detached writer's file
    appears."""
    pause = threading.Event()
    waited = 0.0
    while not (found := list(cache.glob(path_glob))) and waited < timeout:
        pause.wait(0.1)
        waited += 0.1
    return found


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("IPS_CACHE_DIR", str(folder))
    return folder


def test_first_call_stores_the_database_and_the_next_opens_it(tmp_path, cache, capsys,
                                                               monkeypatch):
    root = tiny_extract(tmp_path)
    spawned = []
    real_spawn = detached.spawn_save
    monkeypatch.setattr(detached, "spawn_save",
                        lambda *a, **k: spawned.append(real_spawn(*a, **k)) or spawned[-1])
    first = _summary(capsys, "--data-dir", str(root))
    assert len(spawned) == 1  # the copy is written after the command has returned
    assert spawned[0].wait(timeout=120) == 0, (cache / detached.LOG).read_text()
    assert len(_wait_for("*.duckdb", cache)) == 1

    def no_validation(*args, **kwargs):
        raise AssertionError("validated again although the database is stored")

    monkeypatch.setattr(database, "validate", no_validation)
    monkeypatch.setattr(database, "build_database", no_validation)
    spawned.clear()
    second = _summary(capsys, "--data-dir", str(root))
    assert second == first and spawned == []


def test_no_cache_reads_and_writes_nothing(tmp_path, cache, capsys, monkeypatch):
    root = tiny_extract(tmp_path)
    monkeypatch.setattr(detached, "spawn_save", lambda *a, **k: pytest.fail("spawned"))
    doc = _summary(capsys, "--data-dir", str(root), "--no-cache", "--exact")
    assert doc["effect"]["18"]["ips"]["n"] == 6
    assert not cache.exists() or list(cache.iterdir()) == []


def test_a_stored_report_without_its_database_is_not_validated_again(tmp_path, cache):
    """What the detached writer relies on: the listing's report is stored at once, so it
    builds without validating a second time."""
    root = tiny_extract(tmp_path)
    ds = database.load_dataset(root, cache_dir=cache)
    assert ds.saving is not None and ds.saving.cancel()  # nothing written yet
    ds.close()
    assert not list(cache.glob("*.duckdb"))
    from ips_data.loading import store

    store.remember_listing(cache, ds.saving.key, ds.report)
    calls = []
    real = database.validate
    try:
        database.validate = lambda *a, **k: calls.append(1) or real(*a, **k)
        again = database.load_dataset(root, cache_dir=cache)
        again.close()  # writes the copy now
    finally:
        database.validate = real
    assert calls == [] and len(list(cache.glob("*.duckdb"))) == 1
    assert again.report.accepted_key == ds.report.accepted_key


@pytest.mark.parametrize("extra, expected", [
    ((), sorted(MUNICIPALITIES)),
    (("--region", "1084"), sorted(c for c, m in MUNICIPALITIES.items()
                                  if m.region_code == 1084)),
    (("--municipality", "147", "--municipality", "101"), [101, 147]),
    (("--municipality", "101", "--region", "1085"), []),
])
def test_by_municipality_is_each_municipalitys_own_summary(tmp_path, capsys, extra, expected):
    root = tiny_extract(tmp_path)
    doc = _summary(capsys, "--data-dir", str(root), "--by", "municipality", *extra)
    assert doc["by"] == "municipality"
    assert [int(c) for c in doc["summaries"]] == expected
    region = list(extra[extra.index("--region"):][:2]) if "--region" in extra else []
    for code in expected[:2]:
        alone = _summary(capsys, "--data-dir", str(root), "--municipality", str(code),
                         *region)
        assert doc["summaries"][str(code)] == alone

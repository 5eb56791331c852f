"""Shared test settings: the command line keeps stored databases in a cache folder by
default (`ips_data.loading.store.app_cache_dir`); no test writes into the user's
own cache folder, every test process uses one under pytest's base temporary folder
(a test that needs its own sets IPS_CACHE_DIR itself)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_cache_dir(monkeypatch: pytest.MonkeyPatch,
                   tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.setenv("IPS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "ips-cache"))

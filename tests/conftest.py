"""Shared test settings: the command line and the app keep stored databases in
`ips_data.loading.store.app_cache_dir()` ($IPS_CACHE_DIR, else the user's
~/.cache/ips-dashboard). No test writes into the user's folder: the fallback points
under pytest's base temporary folder (a test that needs its own sets IPS_CACHE_DIR)."""

from __future__ import annotations

import pytest

from ips_data.loading import store


@pytest.fixture(autouse=True)
def _no_user_cache_dir(monkeypatch: pytest.MonkeyPatch,
                       tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.setattr(store, "APP_CACHE_DIR", tmp_path_factory.getbasetemp() / "app-cache")

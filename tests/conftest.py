"""Test-session settings shared by every test module."""

from __future__ import annotations

import os

import pytest

from ips_data.loading import store

#: A fixed perturbation secret (contract section 5b) for the whole test session, so no
#: test writes a generated secret into the user's cache folder and published numbers
#: are the same in every run (subprocesses inherit it). Tests of the secret itself
#: unset it with monkeypatch.
TEST_SECRET = "ips-test-secret"
os.environ.setdefault("IPS_PERTURBATION_KEY", TEST_SECRET)


@pytest.fixture(autouse=True)
def _no_user_cache_dir(monkeypatch: pytest.MonkeyPatch,
                       tmp_path_factory: pytest.TempPathFactory) -> None:
    """The command line and the app keep stored databases in `store.app_cache_dir()`
    ($IPS_CACHE_DIR, else ~/.cache/ips-dashboard): no test writes into the user's
    folder, the fallback points under pytest's base temporary folder (a test that needs
    its own sets IPS_CACHE_DIR)."""
    monkeypatch.setattr(store, "APP_CACHE_DIR", tmp_path_factory.getbasetemp() / "app-cache")

"""Test-session settings shared by every test module."""

from __future__ import annotations

import os

#: A fixed perturbation secret (contract section 5b) for the whole test session, so no
#: test writes a generated secret into the user's cache folder and published numbers
#: are the same in every run (subprocesses inherit it). Tests of the secret itself
#: unset it with monkeypatch.
TEST_SECRET = "ips-test-secret"
os.environ.setdefault("IPS_PERTURBATION_KEY", TEST_SECRET)

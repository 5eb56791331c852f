"""A real OpenID Connect provider for the login tests (`oidc-provider-mock`, started on a
free localhost port), the secrets and scopes files the app is started with, and a login
through the provider's authorize page in Chromium (one button per predefined user)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_support import settle
from playwright.sync_api import Page, expect

from ips_data.bench.browser import free_port, stop
from ui.i18n import t

START_TIMEOUT_S = 30.0
#: sub -> (e-mail, scope entries or None for no entry in the scopes file)
USERS = {
    "carol": ("carol@star.dk", ["all"]),
    "anna": ("anna@regionh.dk", ["region:1084"]),
    "bo": ("bo@kk.dk", ["municipality:101", "municipality:147"]),
    "eve": ("eve@example.com", None),
}
COOKIE_SECRET = "0123456789abcdef" * 4
LOGIN_SETTLE_MS = 120_000


@dataclass
class Provider:
    url: str
    proc: subprocess.Popen

    @property
    def metadata(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"


def _mock_command() -> list[str]:
    script = shutil.which("oidc-provider-mock", path=str(Path(sys.executable).parent))
    if script is None:
        # a test dependency (pyproject [test]): its absence is a broken setup, not a skip
        raise RuntimeError("oidc-provider-mock is not installed (pip install -e '.[test]')")
    return [script]


@contextmanager
def oidc_provider(log: Path) -> Iterator[Provider]:
    """oidc-provider-mock on a free port with USERS predefined; stopped on exit."""
    port = free_port()
    command = [*_mock_command(), "--host", "127.0.0.1", "--port", str(port)]
    for sub, (email, _) in USERS.items():
        command += ["--user-claims", json.dumps({"sub": sub, "email": email, "name": sub})]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    provider = Provider(url=f"http://127.0.0.1:{port}", proc=proc)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        pause = threading.Event()
        while True:
            try:
                with urllib.request.urlopen(provider.metadata, timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the OIDC provider did not start: {log.read_text()[-2000:]}",
                            pytrace=False)
            pause.wait(0.1)
        yield provider
    finally:
        stop(proc, timeout=10)


def write_secrets(folder: Path, app_url: str, provider: Provider) -> Path:
    """A secrets file with [auth] for the app at `app_url` (the address the browser uses:
    the websocket's Origin must equal the redirect URI's)."""
    path = folder / "secrets.toml"
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "{app_url}/oauth2callback"\n'
        f'cookie_secret = "{COOKIE_SECRET}"\n'
        'client_id = "ips-dashboard"\n'
        'client_secret = "test-secret"\n'
        f'server_metadata_url = "{provider.metadata}"\n', encoding="utf-8")
    return path


def write_scopes(folder: Path) -> Path:
    path = folder / "scopes.toml"
    lines = ['claim = "email"', "[scopes]"]
    lines += [f'"{email}" = {json.dumps(entries)}' for email, entries in USERS.values()
              if entries is not None]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def login(page: Page, app_url: str, sub: str, path: str = "/") -> None:
    """Open the app, press "Log ind", choose the user at the provider, back on the app."""
    page.goto(app_url + path)
    settle(page)
    page.get_by_role("button", name=t("login", "da")).click()
    page.get_by_role("button", name=sub, exact=True).click()
    page.wait_for_url(app_url + "/**")
    settle(page, LOGIN_SETTLE_MS)  # the user's first page: their scope's figures, cold
    expect(page.get_by_text(t("logged_in_as", "da", user=USERS[sub][0]))).to_be_visible()

"""The deployment end to end (README "Drift"): nginx (Debian's package, run as a child of
the test with its own prefix and configuration in a temporary folder) with
`deploy/nginx-ips.conf` in front of two replicas started by `deploy/run-replicas.sh` on one
extract folder and one cache folder; a real OIDC provider; Chromium. A login through the
proxy; a file dropped into the extract shows on both replicas; the replica serving a user
is stopped and the user's next reload is served, still logged in, by the other."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_support import CHROMIUM, ROOT, chromium, new_context, settle
from fixtures import tiny_extract
from oidc_support import Provider, login, oidc_provider, write_scopes, write_secrets
from playwright.sync_api import Browser, BrowserContext, Page, expect

from ips_data.bench.browser import free_port, healthy
from ui.i18n import t

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
START_TIMEOUT_S = 90.0

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
    pytest.mark.skipif(not Path(NGINX).exists(),
                       reason="Debian's nginx is not installed (make test installs it)"),
]


def _wait(condition, what: str, timeout: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {timeout:.0f} s", pytrace=False)
        pause.wait(0.2)


def _two_free_ports() -> int:
    """A port p with p and p+1 free (run-replicas.sh uses consecutive ports)."""
    for _ in range(50):
        base = free_port()
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", base + 1))
            except OSError:
                continue
        return base
    raise RuntimeError("no two consecutive free ports")


@dataclass
class Site:
    url: str
    replicas: dict[str, int]  # "127.0.0.1:port" -> pid
    nginx_log: Path
    data_dir: Path
    script: subprocess.Popen


def nginx_config(folder: Path, port: int, upstreams: list[int]) -> Path:
    """deploy/nginx-ips.conf with this test's ports, inside a main configuration whose
    every path lies in `folder` (nginx runs in the foreground, as the test's child)."""
    site = (ROOT / "deploy" / "nginx-ips.conf").read_text(encoding="utf-8")
    site, listens = re.subn(r"listen 80;", f"listen 127.0.0.1:{port};", site)
    servers = iter(upstreams)
    site, n = re.subn(r"server 127\.0\.0\.1:850\d", lambda _: f"server 127.0.0.1:{next(servers)}",
                      site)
    assert listens == 1 and n == len(upstreams), "deploy/nginx-ips.conf changed shape"
    (folder / "ips.conf").write_text(site, encoding="utf-8")
    main = folder / "nginx.conf"
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main.write_text(f"""
worker_processes 1;
daemon off;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} info;
events {{ worker_connections 256; }}
http {{
    log_format upstream '$upstream_addr "$request_uri" $cookie__streamlit_xsrf';
    access_log {folder / 'access.log'} upstream;
{temp}
    include {folder / 'ips.conf'};
}}
""", encoding="utf-8")
    return main


@pytest.fixture(scope="module")
def provider(tmp_path_factory) -> Iterator[Provider]:
    with oidc_provider(tmp_path_factory.mktemp("oidc") / "provider.log") as running:
        yield running


@pytest.fixture(scope="module")
def site(tmp_path_factory, provider: Provider) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("deploy")
    data = tiny_extract(folder / "extract")
    proxy_port, base = free_port(), _two_free_ports()
    url = f"http://127.0.0.1:{proxy_port}"
    env = {**os.environ, "PYTHON": sys.executable, "PYTHONUNBUFFERED": "1",
           "IPS_DATA_DIR": str(data), "IPS_CACHE_DIR": str(folder / "cache"),
           "IPS_SCOPES_FILE": str(write_scopes(folder)),
           "IPS_ACCESS_LOG": str(folder / "access.log"),
           "IPS_SECRETS_FILE": str(write_secrets(folder, url, provider))}
    env.pop("IPS_SUPPRESSION_THRESHOLD", None)
    out = (folder / "replicas.log").open("wb")
    script = subprocess.Popen(["bash", str(ROOT / "deploy" / "run-replicas.sh"), "2", str(base)],
                              cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                              start_new_session=True)
    conf = nginx_config(folder, proxy_port, [base, base + 1])
    nginx = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(conf), "-e",
                              str(folder / "error.log")], stdout=subprocess.DEVNULL,
                             stderr=(folder / "nginx.out").open("wb"), start_new_session=True)
    try:
        for port in (base, base + 1):
            _wait(lambda p=port: healthy(f"http://127.0.0.1:{p}") or script.poll() is not None,
                  f"replica on port {port} healthy")
            assert script.poll() is None, (folder / "replicas.log").read_text()
        _wait(lambda: healthy(url) or nginx.poll() is not None, "nginx healthy")
        assert nginx.poll() is None, (folder / "nginx.out").read_text()
        pids = dict(re.findall(r"pid (\d+) on (127\.0\.0\.1:\d+)",
                               (folder / "replicas.log").read_text()))
        yield Site(url=url, replicas={addr: int(pid) for pid, addr in pids.items()},
                   nginx_log=folder / "access.log", data_dir=data, script=script)
    finally:
        nginx.terminate()
        script.send_signal(signal.SIGTERM)  # the script stops every replica
        for proc in (nginx, script):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        out.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as shared:
        yield shared


def replica_of(site: Site, page: Page) -> str:
    """The replica nginx sends this browser to: a request carrying its cookie (nginx logs
    a websocket only when it closes) and nginx's own log of where it went."""
    xsrf = next(c["value"] for c in page.context.cookies() if c["name"] == "_streamlit_xsrf")
    marker = f"whoami-{time.monotonic_ns()}"
    page.evaluate("url => fetch(url).then(r => r.text())", f"/_stcore/health?{marker}")
    served = []
    _wait(lambda: served.extend(
        line.split()[0] for line in site.nginx_log.read_text().splitlines()
        if marker in line and line.rstrip().endswith(xsrf)) or served, "nginx logging", 10)
    return served[-1]


def one_context_per_replica(site: Site, browser: Browser) -> dict[str, tuple[BrowserContext,
                                                                             Page]]:
    """Fresh browser contexts until each replica serves one (the proxy hashes a random
    cookie, so a few tries are needed)."""
    found: dict[str, tuple[BrowserContext, Page]] = {}
    for _ in range(16):
        ctx = new_context(browser)
        page = ctx.new_page()
        page.goto(site.url)
        settle(page)
        addr = replica_of(site, page)
        if addr in found:
            ctx.close()
            continue
        found[addr] = (ctx, page)
        if len(found) == len(site.replicas):
            return found
    pytest.fail(f"16 browsers all went to {list(found)}", pytrace=False)


def test_login_drop_and_failover_through_the_proxy(site: Site, browser: Browser):
    views = one_context_per_replica(site, browser)
    assert set(views) == set(site.replicas)
    for _ctx, page in views.values():
        login(page, site.url, "carol")
        expect(page.get_by_test_id("stMetric").first).to_be_visible()
        expect(page.get_by_text(t("ov_health_ok", "da"))).to_be_visible()
    # a file dropped into the shared extract shows on both replicas
    (site.data_dir / "participants" / "dropped.parquet").write_bytes(b"not parquet")
    for addr, (_ctx, page) in views.items():
        page.reload()
        settle(page)
        expect(page.get_by_text(t("ov_health_bad", "da", n=1))).to_be_visible()
        assert replica_of(site, page) == addr  # sticky: still the same replica
    # the replica serving the first user stops; the next reload is served by the other
    first, (ctx, page) = next(iter(views.items()))
    os.kill(site.replicas[first], signal.SIGTERM)
    _wait(lambda: not healthy(f"http://{first}"), f"replica {first} stopped", 30)
    page.reload()
    settle(page)
    expect(page.get_by_text(t("logged_in_as", "da", user="carol@star.dk"))).to_be_visible()
    expect(page.get_by_test_id("stMetric").first).to_be_visible()
    assert replica_of(site, page) != first
    for ctx, _ in views.values():
        ctx.close()
    # the health endpoint through the proxy still answers
    with urllib.request.urlopen(f"{site.url}/_stcore/health", timeout=5) as resp:
        assert resp.read().strip() == b"ok"

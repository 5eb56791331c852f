"""The scopes file (contract section 7), the login configuration and the access log:
good files give the right scope per user; every bad one names the file, the line and the
fix; `python -m ui.serve` refuses to start on bad configuration (exit code 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ips_data.metrics.filters import Filters
from ips_data.municipalities import MUNICIPALITIES
from ips_data.protection import access_log
from ips_data.protection.scopes import ScopesFileError, load_scopes_file
from ui.config_check import ConfigError, check, check_files, secrets_files

ROOT = Path(__file__).resolve().parents[1]
GOOD = """\
claim = "email"                    # the claim of st.user that names a user
[scopes]
"carol@star.dk" = ["all"]
"anna@regionh.dk" = ["region:1084"]
"bo@kk.dk" = ["municipality:101", "municipality:147"]
"nobody@kk.dk" = []
"""
HOVEDSTADEN = frozenset(c for c, m in MUNICIPALITIES.items() if m.region_code == 1084)
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 40, "client_id": "ips", "client_secret": "s",
    "server_metadata_url": "http://localhost:9400/.well-known/openid-configuration",
}


def write(tmp_path: Path, text: str, name: str = "scopes.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("user", "expected"), [
    ({"email": "carol@star.dk"}, None),
    ({"email": "Anna@RegionH.dk"}, HOVEDSTADEN),  # e-mail addresses: case-insensitive
    ({"email": "bo@kk.dk"}, frozenset({101, 147})),
    ({"email": "nobody@kk.dk"}, frozenset()),
    ({"email": "eve@example.com"}, frozenset()),  # no entry: deny by default
    ({"sub": "carol@star.dk"}, frozenset()),  # the claim is missing
    ({"email": ""}, frozenset()),
])
def test_scope_per_user(tmp_path, user, expected):
    scopes = load_scopes_file(write(tmp_path, GOOD))
    assert scopes.claim == "email"
    assert scopes.scope_for(user).municipalities == expected


BAD = [
    # (file text, line named, words of the message)
    ('claim = "email"\n[scopes]\n"a@b.dk" = [region:1084]\n', 3, "not valid TOML"),
    ('claim = "email"\n[scopes]\n"a@b.dk" = ["region:9999"]\n', 3, "unknown region 9999"),
    ('claim = "email"\n[scopes]\n\n"a@b.dk" = ["municipality:999"]\n', 4,
     "unknown municipality 999"),
    ('claim = "email"\n[scopes]\n"a@b.dk" = ["kommune:101"]\n', 3, "not one of"),
    ('claim = "email"\n[scopes]\n"a@b.dk" = "all"\n', 3, "must be a list of texts"),
    ('claim = "email"\n[scopes]\n"a@b.dk" = [101]\n', 3, "must be a list of texts"),
    ('claim = "email"\n[scopes]\n"a@b.dk" = ["all"]\n"A@B.dk" = ["all"]\n', 4, "twice"),
    ('claim = 3\n[scopes]\n', 1, "'claim' must be a non-empty text"),
    ('[scopes]\n"a@b.dk" = ["all"]\n', None, "'claim' must be a non-empty text"),
    ('claim = "email"\n', None, "no [scopes] table"),
    ('claim = "email"\nscope = 1\n[scopes]\n', 2, "unknown setting 'scope'"),
]


@pytest.mark.parametrize(("text", "line", "words"), BAD)
def test_bad_scopes_files_name_file_line_and_fix(tmp_path, text, line, words):
    path = write(tmp_path, text)
    with pytest.raises(ScopesFileError) as caught:
        load_scopes_file(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert words in message
    assert "fix:" in message
    if line is not None:
        assert f"line {line}" in message


def test_a_missing_scopes_file_is_named(tmp_path):
    with pytest.raises(ScopesFileError, match="cannot read"):
        load_scopes_file(tmp_path / "absent.toml")


@pytest.mark.parametrize(("auth", "scopes", "words"), [
    (None, None, None),  # the open demo
    (AUTH, "good", None),
    (AUTH, None, "IPS_SCOPES_FILE is not set"),
    (None, "good", "needs login"),
    ({k: v for k, v in AUTH.items() if k != "cookie_secret"}, "good", "no cookie_secret"),
    ({**AUTH, "cookie_secret": "short"}, "good", "shorter than 32"),
    ({k: v for k, v in AUTH.items() if k != "client_id"}, "good", "no client_id"),
    ({**AUTH, "redirect_uri": "http://localhost:8501/"}, "good", "/oauth2callback"),
    (AUTH, "bad", "unknown region"),
])
def test_configuration(tmp_path, auth, scopes, words):
    env = {}
    if scopes == "good":
        env["IPS_SCOPES_FILE"] = str(write(tmp_path, GOOD))
    elif scopes == "bad":
        env["IPS_SCOPES_FILE"] = str(write(tmp_path, 'claim="email"\n[scopes]\nx=["region:1"]'))
    secrets = {} if auth is None else {"auth": auth}
    if words is None:
        deployment = check(secrets, {"auth": "secrets.toml"}, env)
        assert deployment.login is (auth is not None)
        assert (deployment.scopes is None) is (scopes is None)
    else:
        with pytest.raises(ConfigError, match="fix:") as caught:
            check(secrets, {"auth": "secrets.toml"}, env)
        assert words in str(caught.value)


def test_secrets_file_lines_are_named(tmp_path):
    secrets = write(tmp_path, '[general]\nx = 1\n\n[auth]\nredirect_uri = "http://h/oauth2callback"\n'
                    'client_id = "a"\n', "secrets.toml")
    with pytest.raises(ConfigError) as caught:
        check_files([secrets], {"IPS_SCOPES_FILE": str(write(tmp_path, GOOD))})
    assert f"{secrets}, line 4: [auth] has no cookie_secret" in str(caught.value)
    broken = write(tmp_path, "[auth\n", "broken.toml")
    with pytest.raises(ConfigError, match=r"broken.toml, line 1: the secrets file is not"):
        check_files([broken], {})


def test_secrets_files_from_the_command_line():
    assert secrets_files(["--secrets.files=/a.toml", "--x=1"]) == ["/a.toml"]
    assert secrets_files(["--secrets.files", "/b.toml"]) == ["/b.toml"]
    assert any(p.endswith("secrets.toml") for p in secrets_files([]))


def test_serve_refuses_to_start_on_bad_configuration(tmp_path):
    """The real start command exits 2 before Streamlit starts and names file and line."""
    scopes = write(tmp_path, 'claim = "email"\n[scopes]\n"a@b.dk" = ["municipality:999"]\n')
    secrets = write(tmp_path, "[auth]\n" + "".join(f'{k} = "{v}"\n' for k, v in AUTH.items()),
                    "secrets.toml")
    env = {**os.environ, "IPS_SCOPES_FILE": str(scopes), "IPS_CACHE_DIR": str(tmp_path / "c"),
           "IPS_DATA_DIR": str(tmp_path / "absent")}
    done = subprocess.run([sys.executable, "-m", "ui.serve", f"--secrets.files={secrets}",
                           "--server.headless=true", "--server.port=1"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert f"{scopes}, line 3" in done.stderr and "unknown municipality 999" in done.stderr


# ------------------------------------------------------------------ the access log
def test_access_log_one_json_line_per_view_without_figures(tmp_path, monkeypatch):
    path = tmp_path / "logs" / "access.log"
    monkeypatch.setenv("IPS_ACCESS_LOG", str(path))
    scope_filters = Filters(scope=load_scopes_file(write(tmp_path, GOOD)).scope_for(
        {"email": "bo@kk.dk"}), municipalities=(101,), start_year_from=2019)
    for page in ("overview", "beskaeftigelse"):
        access_log.log_view(access_log.entry(user="bo@kk.dk", claim="email",
                                             filters=scope_filters, page=page))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert set(first) == {"time", "user", "claim", "scope", "page", "selection"}
    assert first["user"] == "bo@kk.dk" and first["page"] == "overview"
    assert first["scope"] == "municipality:101,municipality:147"
    assert first["selection"] == {"municipalities": [101], "start_year_from": 2019}


def test_access_log_default_is_in_the_cache_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("IPS_ACCESS_LOG", raising=False)
    monkeypatch.setenv("IPS_CACHE_DIR", str(tmp_path))
    assert access_log.access_log_path() == tmp_path / "access.log"


def test_access_log_rotates_by_size_across_processes(tmp_path, monkeypatch):
    """Two processes write 400 lines each into one small log: it rotates, and every line
    is whole and present exactly once across the files."""
    path = tmp_path / "access.log"
    script = (
        "import sys; from ips_data.protection import access_log as a\n"
        "a.ACCESS_LOG_MAX_BYTES = 4000; a.ACCESS_LOG_BACKUPS = 1000\n"
        "from pathlib import Path\n"
        "for i in range(400):\n"
        "    a.log_view({'who': sys.argv[1], 'i': i}, Path(sys.argv[2]))\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, who, str(path)], cwd=ROOT)
             for who in ("a", "b")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    files = sorted(tmp_path.glob("access.log*"))
    lines = [json.loads(line) for f in files if not f.name.endswith(".lock")
             for line in f.read_text(encoding="utf-8").splitlines()]
    assert len([f for f in files if not f.name.endswith(".lock")]) > 2  # it rotated
    assert sorted((r["who"], r["i"]) for r in lines) == sorted(
        (w, i) for w in ("a", "b") for i in range(400))
    assert all(f.stat().st_size <= 4000 for f in files if not f.name.endswith(".lock"))


def test_the_shipped_examples_are_valid(tmp_path):
    """deploy/scopes.example.toml loads; the secrets example has every key st.login needs
    and is refused only for its placeholders (named with their line)."""
    scopes = load_scopes_file(ROOT / "deploy" / "scopes.example.toml")
    assert scopes.scope_for({"email": "anna@regionh.dk"}).municipalities == HOVEDSTADEN
    example = ROOT / ".streamlit" / "secrets.example.toml"
    env = {"IPS_SCOPES_FILE": str(ROOT / "deploy" / "scopes.example.toml")}
    with pytest.raises(ConfigError, match=r"secrets.example.toml, line \d+: \[auth\] "
                       r"cookie_secret is still the example's placeholder"):
        check_files([example], env)
    filled = write(tmp_path, example.read_text(encoding="utf-8").replace(
        "REPLACE-WITH-64-RANDOM-HEX-CHARACTERS", "f" * 64).replace("REPLACE-WITH-", ""),
        "secrets.toml")
    deployment = check_files([filled], env)
    assert deployment.login and deployment.scopes is not None

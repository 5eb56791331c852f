"""`ips-data` as a whole process (issue 14): what a call imports and how it ends.

A repeated `ips-data summary` opens the stored database; its time goes mostly to
imports, so the modules on that path must not pull in what they do not need:
scipy.special only when a quantile is computed (and then in a thread of its own while
DuckDB works), pyarrow and pandas never (neither to open a stored database nor to build
one while the typed templates are in place). `summary` and `validate` end with
`os._exit` once their output is flushed: the output and the exit code must be exactly
those of `main`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from fixtures import outcome, tiny_extract, write_table

from ips_data.cli import main
from ips_data.loading import database, store

ROOT = Path(__file__).resolve().parent.parent
KEY = "test-process-secret"


def _env(cache: Path) -> dict[str, str]:
    return {**os.environ, "IPS_CACHE_DIR": str(cache), "IPS_PERTURBATION_KEY": KEY,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}


def _cli(cache: Path, *argv: str) -> subprocess.CompletedProcess:
    """`python -X importtime -m ips_data.cli ...` (the import log goes to stderr)."""
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "ips_data.cli", *argv],
                          cwd=ROOT, env=_env(cache), capture_output=True, text=True,
                          timeout=300)


def _imported(stderr: str) -> set[str]:
    """Module names an `-X importtime` log lists."""
    return {line.rsplit("|", 1)[1].strip() for line in stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


def _wait_for_database(cache: Path, timeout: float = 120.0) -> None:
    pause, waited = threading.Event(), 0.0
    while not list(cache.glob("*.duckdb")) and waited < timeout:
        pause.wait(0.1)
        waited += 0.1
    assert list(cache.glob("*.duckdb")), (cache / "detached-save.log").read_text()


def test_summary_imports_only_what_it_needs_and_prints_what_main_prints(
        tmp_path, capsys, monkeypatch):
    root = tiny_extract(tmp_path)
    cache = tmp_path / "cache"
    database.template_file("participants")  # the typed templates in place, as after any build
    first = _cli(cache, "summary", "--json", "--threshold", "3", "--data-dir", str(root))
    assert first.returncode == 0, first.stderr
    _wait_for_database(cache)  # written by the detached process
    repeated = _cli(cache, "summary", "--json", "--threshold", "3", "--data-dir", str(root))
    assert repeated.returncode == 0, repeated.stderr

    monkeypatch.setenv("IPS_CACHE_DIR", str(cache))
    monkeypatch.setenv("IPS_PERTURBATION_KEY", KEY)
    assert main(["summary", "--json", "--threshold", "3", "--data-dir", str(root)]) == 0
    in_process = capsys.readouterr().out
    assert first.stdout == repeated.stdout == in_process
    assert json.loads(in_process)["effect"]["18"]["ips"]["n"] is not None

    for call in (first, repeated):
        modules = _imported(call.stderr)
        assert "ips_data.metrics.summary" in modules
        assert "scipy.special._ufuncs" in modules  # the quantiles (in the import thread)
        assert not modules & {"pyarrow", "pandas"}, sorted(modules & {"pyarrow", "pandas"})


def test_importing_the_summary_path_does_not_import_scipy():
    """scipy.special (~0.1 s of imports) comes with the first quantile, not with the
    modules: `cmd_summary` can then import it while DuckDB works."""
    code = ("import sys; import ips_data.cli, ips_data.metrics.summary, "
            "ips_data.metrics.stats, ips_data.loading.database; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('scipy', 'pyarrow', 'pandas')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=120).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("argv, code, stream, text", [
    (("summary", "--data-dir", "{missing}"), 2, "stderr", "data directory not found"),
    (("validate", "--data-dir", "{root}"), 1, "stdout", "unknown_person"),
    (("validate", "--data-dir", "{root}", "--json"), 1, "stdout", '"unknown_person"'),
])
def test_quick_exit_keeps_exit_code_and_output(tmp_path, argv, code, stream, text):
    root = tiny_extract(tmp_path)
    write_table(root, "outcomes", [outcome("ghost")], name="late.parquet")
    args = [a.format(root=root, missing=tmp_path / "nope") for a in argv]
    done = subprocess.run([sys.executable, "-m", "ips_data.cli", *args], cwd=ROOT,
                          env=_env(tmp_path / "cache"), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == code, done.stderr
    assert text in getattr(done, stream)
    if "--json" in args:
        assert json.loads(done.stdout)["files"]  # the whole document was flushed


def test_saving_now_while_a_stored_copy_is_pending(tmp_path):
    """`run` ends the process abruptly only when no stored copy is pending."""
    root = tiny_extract(tmp_path)
    assert not store.saving_now()
    ds = database.load_dataset(root, cache_dir=tmp_path / "cache", secret=KEY)
    try:
        assert ds.saving is not None and store.saving_now()
        assert ds.saving.cancel()
        assert not store.saving_now()
    finally:
        ds.close()

"""Replicas sharing one cache folder (issue 12): a new file set is validated and built by
one process under a lock and stored atomically; the others wait and open that copy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fixtures import tiny_extract

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = """
import sys
from pathlib import Path
from ips_data.loading.database import load_dataset
ds = load_dataset(sys.argv[1], cache_dir=Path(sys.argv[2]))
print("built" if ds.saving is not None else "opened", ds.report.accepted_key, flush=True)
ds.close()
"""


def test_two_processes_build_a_new_file_set_once(tmp_path):
    data = tiny_extract(tmp_path / "extract")
    cache = tmp_path / "cache"
    procs = [subprocess.Popen([sys.executable, "-c", SCRIPT, str(data), str(cache)],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [p.communicate(timeout=300)[0].split() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0]
    assert sorted(o[0] for o in outputs) == ["built", "opened", "opened"]
    assert len({o[1] for o in outputs}) == 1  # the same accepted file set
    assert len(list(cache.glob("*.duckdb"))) == 1
    assert not list(cache.glob(".*.partial"))

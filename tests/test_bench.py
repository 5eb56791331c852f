"""`ips-data bench` runs end to end on a small extract, reports every figure the README
table lists, and never writes into the data folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ips_data.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ("validate_cold", "validate_after_drop", "reload_after_drop", "load_cold",
           "start_to_first_overview_cold", "start_to_first_overview_stored", "pages_cached")


def _snapshot(root: Path) -> dict:
    return {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in root.rglob("*") if p.is_file()}


def test_bench_reports_every_figure_and_leaves_the_extract_alone(tmp_path, capsys):
    data = shutil.copytree(ROOT / "sample_data", tmp_path / "data")
    before = _snapshot(data)
    assert main(["bench", "--data-dir", str(data), "--repeats", "1", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    for name in FIGURES:
        figure = result[name]
        assert figure["runs"] >= 1 and 0 < figure["min_ms"] <= figure["median_ms"] \
            <= figure["max_ms"], name
    assert set(result["pages_uncached"]) == {"overview", "effect", "costs", "rollout"}
    assert result["rows"]["participants"] > 0 and result["peak_rss_mb"] > 0
    assert all(v > 0 for v in result["ratios"].values())
    assert _snapshot(data) == before

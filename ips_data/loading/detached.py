"""Writing the stored database of a new extract after the command line has exited.

`ips-data summary` on a new extract validates and builds in memory, prints its result
and exits; copying the built database to the cache folder would keep the caller
waiting about as long again. Instead it stores the listing's validation report (a
small JSON file, at once) and starts `python -m ips_data.loading.detached`, a
separate process in its own session that outlives it: that process finds the
report (no second validation), builds the database and stores it, so the next call
opens it. Any failure there only means the next call builds again; its messages go to
`<cache dir>/detached-save.log`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from ips_data.loading import store
from ips_data.loading.validation import ValidationReport

_ROOT = Path(__file__).resolve().parents[2]  # the folder holding this ips_data package
LOG = "detached-save.log"


def spawn_save(report: ValidationReport, as_of: date | None, cache_dir: Path,
               key: str) -> subprocess.Popen:
    """Remember the report under the listing `key` and start the detached writer."""
    store.remember_listing(cache_dir, key, report)
    cmd = [sys.executable, "-m", "ips_data.loading.detached", str(report.data_dir),
           "--cache-dir", str(cache_dir)]
    if as_of is not None:
        cmd += ["--as-of", as_of.isoformat()]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    with (cache_dir / LOG).open("wb") as log:
        return subprocess.Popen(cmd, cwd=_ROOT, env=env, stdin=subprocess.DEVNULL,
                                stdout=log, stderr=log, start_new_session=True)


def main(argv: list[str] | None = None) -> int:
    from ips_data.loading.database import load_dataset

    parser = argparse.ArgumentParser(prog="python -m ips_data.loading.detached")
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--cache-dir", type=Path, required=True)
    parser.add_argument("--as-of", type=date.fromisoformat, default=None)
    args = parser.parse_args(argv)
    ds = load_dataset(args.data_dir, as_of=args.as_of, cache_dir=args.cache_dir)
    if ds.saving is not None:
        ds.saving.join()  # now, not after the app's delay
    ds.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

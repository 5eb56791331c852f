"""`python -m ui.serve [streamlit options]`: the dashboard as `make run` starts it.

Starts loading the extract (validation and build, or the stored database) in a thread,
then runs Streamlit on `app.py` in the same process. Streamlit runs no app code until
the first browser session arrives; the load overlaps the server's start and the page
load instead of following them. The first session's `state.dataset` then waits for
this same load (`load_dataset` is single-flight) rather than starting another.

Bad configuration (login, scopes file: `ui.config_check`) stops the start with the file,
the line and the fix, exit code 2, before Streamlit is started.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

# Everything the load imports, imported here in the main thread first: a package such as
# pandas (imported lazily by duckdb and streamlit) can fail with "partially initialized
# module" when two threads import it for the first time at once.
import pandas  # noqa: F401
import polars  # noqa: F401
import pyarrow.parquet  # noqa: F401

from ips_data.loading.database import load_dataset
from ips_data.loading.discovery import resolve_data_dir
from ips_data.loading.store import app_cache_dir

APP = Path(__file__).resolve().parent.parent / "app.py"


def _warm(data_dir: Path, cache_dir: Path) -> None:
    try:
        load_dataset(str(data_dir.resolve()), cache_dir=cache_dir)
    except (FileNotFoundError, RuntimeError) as exc:  # the app explains it on the page
        print(f"ips-dashboard: loading {data_dir} ahead of the first page failed: {exc}",
              file=sys.stderr)


def check_configuration(args: list[str]) -> str | None:
    """The configuration problem that must stop the start (login, scopes file), or None
    (see `ui.config_check`; the page checks again on every run)."""
    from ui.config_check import ConfigError, check_files, secrets_files

    try:
        check_files(secrets_files(args), os.environ)
    except ConfigError as exc:
        return str(exc)
    return None


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    data_dir = resolve_data_dir(None)
    threading.Thread(target=_warm, args=(data_dir, app_cache_dir()),
                     name="ips-warm-load", daemon=True).start()
    problem = check_configuration(args)  # while the extract loads
    if problem is not None:
        print(f"ips-dashboard: not started: {problem}", file=sys.stderr)
        return 2
    from streamlit.web import cli as stcli  # imported after the load has started

    sys.argv = ["streamlit", "run", str(APP), *args]
    return stcli.main()


if __name__ == "__main__":
    sys.exit(main())

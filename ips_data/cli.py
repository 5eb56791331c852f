"""`ips-data`: validate an extract, print the summary JSON, generate sample data.

Exit codes: 0 done (validate: every file accepted); 1 validate: a file was rejected or the
extract is incomplete; 2 usage or configuration error (bad option, missing folder); 3 the
extract could not be read or loaded (the message says which file and why)."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import threading
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from ips_data.loading.discovery import resolve_data_dir
from ips_data.loading.messages import explain, rejected_files_text
from ips_data.loading.validation import ValidationReport, validate
from ips_data.metrics.filters import Filters
from ips_data.protection.scopes import Scope

if TYPE_CHECKING:
    from ips_data.protection.disclosure import DisclosurePolicy

ALL = Scope.everything()  # the whole extract (no access restriction)
EXIT_USAGE = 2  # bad option, missing folder, bad code
EXIT_DATA = 3  # the extract could not be read or loaded


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from exc


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", type=Path, default=None,
                   help="extract folder (default: $IPS_DATA_DIR or sample_data/)")
    p.add_argument("--as-of", type=_date, default=None,
                   help="reference date YYYY-MM-DD (default: manifest extract_date, else today)")


def _print_report(report: ValidationReport) -> None:
    print(f"Extract {report.data_dir}  as_of {report.as_of}  "
          f"(validated in {report.seconds:.2f} s)")
    width = max([len(f.path) for f in report.files] + [4])
    print(f"{'file':<{width}}  {'status':<8}  {'rows':>9}")
    for f in report.files:
        rows = "" if f.rows is None else str(f.rows)
        print(f"{f.path:<{width}}  {f.status:<8}  {rows:>9}")
        for r in f.rejections:
            print(f"{'':<{width}}    ✗ {r.rule}: {explain(r, 'en')}")
    for problem in report.problems:
        print(f"problem: {problem}")
    verdict = "all files accepted" if report.ok else f"{len(report.rejected())} file(s) rejected"
    print(verdict if not report.problems else verdict + "; extract incomplete")


def cmd_validate(args: argparse.Namespace) -> int:
    report = validate(resolve_data_dir(args.data_dir), as_of=args.as_of)
    if args.json:
        print(report.model_dump_json(indent=2))
    else:
        _print_report(report)
    return 0 if report.ok else 1


def _summary_filters(args: argparse.Namespace, municipalities: tuple[int, ...]) -> Filters:
    return Filters(scope=ALL, municipalities=municipalities, region=args.region,
                   start_year_from=args.start_year_from, start_year_to=args.start_year_to)


def _by_municipality(ds, args: argparse.Namespace, policy: DisclosurePolicy) -> dict:
    """`--by municipality`: one summary per municipality of the selection (its chosen
    municipalities, else those of its region, else all), keyed by code."""
    from ips_data.metrics.summary import build_summary
    from ips_data.municipalities import MUNICIPALITIES

    chosen = _summary_filters(args, tuple(args.municipality or ())).params()["municipalities"]
    codes = [c for c, m in sorted(MUNICIPALITIES.items())
             if (chosen is None or c in chosen)
             and (args.region is None or m.region_code == args.region)]
    return {"by": "municipality", "summaries": {
        str(code): build_summary(ds, _summary_filters(args, (code,)), policy)
        for code in codes}}


def _import_soon(module: str) -> threading.Thread:
    """Start importing `module` in a thread of its own: the import (Python code, holding
    the GIL) then overlaps with DuckDB's work in this thread (opening or building the
    database, the summary's queries), which releases the GIL. Whoever needs the module
    first waits for that import to finish (Python's per-module import lock)."""
    thread = threading.Thread(target=importlib.import_module, args=(module,),
                              name="ips-import-" + module)
    thread.start()
    return thread


def cmd_summary(args: argparse.Namespace) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from ips_data.loading import detached
    from ips_data.loading.database import load_dataset
    from ips_data.loading.store import app_cache_dir

    filters = _summary_filters(args, tuple(args.municipality or ()))
    cache_dir = None if args.no_cache else app_cache_dir()
    data_dir = resolve_data_dir(args.data_dir)
    # the extract is opened (or validated and built: seconds, nearly all inside DuckDB,
    # which releases the GIL) in a worker while this thread imports the metrics (numpy,
    # polars code, ~0.1 s); the intervals' t and binomial quantiles need scipy.special
    # (~0.1 s more), imported meanwhile in a thread of its own, so that it also overlaps
    # with the first queries when the stored database opens at once
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ips-load") as pool:
        # one use: the stored copy is written by a detached process after we exit; --by
        # municipality filters by area 98 times, where the stored row order pays off
        loading = pool.submit(load_dataset, data_dir, as_of=args.as_of, cache_dir=cache_dir,
                              cache=not args.no_cache, one_use=args.by is None)
        from ips_data.metrics.summary import build_summary
        from ips_data.protection.disclosure import DisclosurePolicy  # imports polars

        policy = DisclosurePolicy(threshold=args.threshold, perturb=not args.exact)

        importing = _import_soon("scipy.special")
        ds = loading.result()
    rejected = [f.path for f in ds.report.rejected()]
    if rejected:
        print(f"ips-data: note: {len(rejected)} file(s) rejected and left out of the figures: "
              f"{rejected_files_text(rejected, 'en')} (see ips-data validate)", file=sys.stderr)
    try:
        if args.by == "municipality":
            doc = _by_municipality(ds, args, policy)
        else:
            doc = build_summary(ds, filters, policy)
    finally:
        # a new extract: its stored copy is written by a detached process after we exit
        saving = ds.saving
        spawn = saving is not None and saving.cancel()
        ds.close()
        importing.join()
    if args.json or args.by:
        print(json.dumps(doc, indent=2, ensure_ascii=False), flush=True)
    else:
        for h, block in doc["effect"].items():
            diff = block["difference"]["job_or_education_any"]
            print(f"{h} months: job/education any, IPS − comparison = {diff['estimate']} "
                  f"(95 % CI {diff['ci95']})")
        print("(use --json for the full document)", flush=True)
    if spawn:
        detached.spawn_save(saving.report, args.as_of, saving.cache_dir, saving.key)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    import time

    from ips_data.loading.database import load_dataset
    from ips_data.protection.disclosure import DisclosurePolicy
    from ips_data.reports import write_reports

    policy = DisclosurePolicy(threshold=args.threshold)
    ds = load_dataset(resolve_data_dir(args.data_dir), as_of=args.as_of)
    start = time.perf_counter()
    try:
        paths = write_reports(ds, Filters(scope=ALL), policy, args.out,
                              municipalities=args.municipality or (), region=args.region,
                              lang=args.lang)
    finally:
        ds.close()
    for path in paths:
        print(f"wrote {path}")
    print(f"{len(paths)} report(s) in {time.perf_counter() - start:.1f} s")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from ips_data.sample import generate_sample

    rows = generate_sample(args.dir, persons=args.persons, seed=args.seed, scale=args.scale)
    for table, n in rows.items():
        print(f"{table}: {n} rows")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from ips_data.docs import write_docs

    for path in write_docs():
        print(f"wrote {path}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from ips_data.bench.engine import run_bench
    from ips_data.bench.machine import speed
    from ips_data.sample import generate_sample

    data_dir = args.data_dir
    if data_dir is None:
        data_dir = Path("bench_data") / "national"
        if not (data_dir / "manifest.json").exists():
            print(f"generating the national extract in {data_dir} (once)")
            generate_sample(data_dir, scale="national")
    before = speed()  # the machine's own speed, before and after (see bench.machine)
    result = run_bench(data_dir, repeats=args.repeats)
    if args.browser:
        from ips_data.bench.browser import browser_start

        result.update(browser_start(data_dir, repeats=max(1, args.repeats // 2)))
        from ips_data.bench.felt import felt_figures
        from ips_data.bench.process import cli_figures

        result.update(felt_figures(data_dir))
        result.update(cli_figures(data_dir))
    if args.reports:
        from ips_data.bench.reports import region_reports

        result.update(region_reports(data_dir, repeats=max(1, args.repeats // 2)))
    result["machine"] = {"before": before, "after": speed()}
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"extract {data_dir}: {result['rows']}")
    print(f"machine speed before / after: {result['machine']['before']} / "
          f"{result['machine']['after']}")
    for key in ("validate_cold", "validate_after_drop", "reload_after_drop", "load_cold",
                "start_to_first_overview_cold",
                "start_to_first_overview_stored", "pages_cached"):
        print(f"{key:<30} {result[key]}")
    for page, figures in result["pages_uncached"].items():
        print(f"page {page:<21} {figures}")
    for name, figures in result.get("sections_uncached", {}).items():
        print(f"section {name:<21} {figures}")
    for name, figures in result["effect_summary"].items():
        print(f"effect summary {name:<11} {figures}")
    print(f"peak RSS {result['peak_rss_mb']} MB; ratios {result['ratios']}")
    for key in ("browser_start_to_overview_cold", "browser_start_to_overview_stored",
                "browser_app_peak_rss_mb", "reports_region_1084", "reports_written"):
        if key in result:
            print(f"{key:<34} {result[key]}")
    for page, figures in [*result.get("felt", {}).items(),
                          *result.get("felt_floor", {}).items()]:
        for what, figure in figures.items():
            print(f"felt {page:<9} {what:<16} {figure}")
    for key in ("concurrent_filter_change", "concurrent_filter_change_server",
                "cli_summary_first_call", "cli_summary_repeated",
                "cli_summary_by_municipality", "cli_summary_no_cache"):
        if key in result:
            print(f"{key:<34} {result[key]}")
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    from ips_data.loading.watch import watch

    try:
        watch(resolve_data_dir(args.data_dir), interval=args.interval, as_of=args.as_of,
              iterations=args.iterations, out=lambda line: print(line, flush=True))
    except KeyboardInterrupt:
        return 0
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ips-data", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check every file against contract v1")
    _common(p)
    p.add_argument("--json", action="store_true", help="machine-readable report")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("summary", help="the numbers the dashboard shows")
    _common(p)
    p.add_argument("--json", action="store_true", help="contract section 6 JSON")
    p.add_argument("--municipality", type=int, action="append", help="code (repeatable)")
    p.add_argument("--region", type=int, default=None, help="region code, e.g. 1084")
    p.add_argument("--start-year-from", type=int, default=None)
    p.add_argument("--start-year-to", type=int, default=None)
    p.add_argument("--threshold", type=int, default=5,
                   help="disclosure threshold (default 5, never below 3)")
    p.add_argument("--exact", action="store_true",
                   help="exact figures without cell key perturbation (suppression still "
                   "applies): for analysts who hold the files anyway")
    p.add_argument("--by", choices=("municipality",), default=None,
                   help="one JSON with a summary per municipality of the selection")
    p.add_argument("--no-cache", action="store_true",
                   help="neither open nor write the stored databases (the cache folder)")
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("report", help="one-page PDF report per municipality; region summary")
    _common(p)
    area = p.add_mutually_exclusive_group(required=True)
    area.add_argument("--municipality", type=int, action="append", metavar="CODE",
                      help="municipality code (repeatable): writes <code>-<name>.pdf")
    area.add_argument("--region", type=int, metavar="CODE",
                      help="region code: every municipality of it with data, and "
                      "region-<code>.pdf")
    p.add_argument("--out", type=Path, required=True, help="folder the PDFs are written to")
    p.add_argument("--lang", choices=("da", "en"), default="da",
                   help="language (default: da)")
    p.add_argument("--threshold", type=int, default=5,
                   help="disclosure threshold (default 5, never below 3)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("generate-sample", help="write a deterministic synthetic extract")
    p.add_argument("dir", type=Path)
    p.add_argument("--persons", type=int, default=None)
    p.add_argument("--seed", type=int, default=20260930)
    p.add_argument("--scale", choices=("region", "national"), default="region")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("bench", help="speed figures (default: a generated national extract)")
    p.add_argument("--data-dir", type=Path, default=None)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--json", action="store_true")
    p.add_argument("--browser", action="store_true",
                   help="also time app start to rendered overview in Chromium (needs the "
                   "test extras)")
    p.add_argument("--reports", action="store_true",
                   help="also time writing Region Hovedstaden's PDF reports")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("watch", help="poll the data folder and log every reload")
    _common(p)
    p.add_argument("--interval", type=float, default=2.0, help="seconds between polls")
    p.add_argument("--iterations", type=int, default=None, help="stop after N polls")
    p.set_defaults(func=cmd_watch)

    p = sub.add_parser("docs", help="regenerate docs/contract.md and its JSON schema")
    p.set_defaults(func=cmd_docs)
    return parser


def main(argv: list[str] | None = None) -> int:
    return _dispatch(build_parser().parse_args(argv))


def _dispatch(args: argparse.Namespace) -> int:
    try:
        return args.func(args)
    except (FileNotFoundError, FileExistsError, ValueError, PermissionError) as exc:
        print(f"ips-data: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (RuntimeError, duckdb.Error) as exc:  # data problems: a message, no traceback
        print(f"ips-data: error: the extract could not be read or loaded: {exc}",
              file=sys.stderr)
        return EXIT_DATA


#: Commands scripts call often, whose process ends as soon as its output is written
#: (see `run`): everything they open is closed and every stored copy written or
#: cancelled before they return.
QUICK_EXIT = ("summary", "validate")


def run() -> None:
    """The process entry point (`ips-data`, `python -m ips_data.cli`): `main` on the
    command line's arguments, then exit.

    After `summary` and `validate` the process ends at once (os._exit) once stdout and
    stderr are flushed: the interpreter's own teardown (freeing numpy, scipy, polars and
    DuckDB module state) adds ~0.1 s to every call and does nothing a script could see.
    It falls back to the ordinary exit when a flush fails or a stored copy is still
    pending in this process (`store.saving_now`)."""
    from ips_data.loading.store import saving_now

    args = build_parser().parse_args()
    code = _dispatch(args)
    if args.command in QUICK_EXIT and not saving_now():
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):  # e.g. a closed pipe: the ordinary exit reports it
            sys.exit(code)
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    run()

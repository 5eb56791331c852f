"""`ips-data watch`: poll a data directory and log every reload.

A change is any file added, removed or modified (path, size, mtime, ctime). Each reload
logs which files changed, how many are accepted or rejected (with the first
reason of each rejection) and how long validation took. Files are only read.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ips_data.loading.discovery import Discovery, discover
from ips_data.loading.validation import ValidationReport, validate


@dataclass(frozen=True)
class Changes:
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def changes(old: Discovery | None, new: Discovery) -> Changes:
    """Files added, changed (size, mtime or ctime) and removed between two listings."""
    def files(d: Discovery | None) -> dict[str, tuple[int, int, int]]:
        if d is None:
            return {}
        return {f.relpath: (f.size, f.mtime_ns, f.ctime_ns) for f in (*d.parquet, *d.ignored)}

    before, after = files(old), files(new)
    return Changes(
        added=tuple(sorted(set(after) - set(before))),
        changed=tuple(sorted(p for p in set(after) & set(before) if after[p] != before[p])),
        removed=tuple(sorted(set(before) - set(after))),
    )


def reload_lines(diff: Changes, report: ValidationReport, when: datetime) -> list[str]:
    """The log lines for one reload."""
    accepted = sum(f.status == "accepted" for f in report.files)
    rejected = report.rejected()
    head = (f"{when:%Y-%m-%d %H:%M:%S} reload: +{len(diff.added)} added, "
            f"~{len(diff.changed)} changed, -{len(diff.removed)} removed; "
            f"{accepted} accepted, {len(rejected)} rejected; validated in {report.seconds:.2f} s "
            f"({report.reused_files} unchanged files not read again)")
    lines = [head]
    for kind, paths in (("added", diff.added), ("changed", diff.changed),
                        ("removed", diff.removed)):
        lines += [f"  {kind}: {p}" for p in paths]
    for f in rejected:
        first = f.rejections[0]
        lines.append(f"  rejected {f.path}: {first.rule}"
                     + (f" ({first.column})" if first.column else "") + f": {first.message}")
    lines += [f"  problem: {p}" for p in report.problems]
    return lines


def watch(data_dir: Path, *, interval: float = 2.0, as_of: date | None = None,
          iterations: int | None = None, out: Callable[[str], None] = print,
          stop: threading.Event | None = None) -> None:
    """Poll every `interval` seconds; validate and log when anything changed."""
    stop = stop or threading.Event()
    previous: Discovery | None = None
    done = 0
    while not stop.is_set() and (iterations is None or done < iterations):
        current = discover(data_dir)
        diff = changes(previous, current)
        if previous is None or diff:
            for line in reload_lines(diff, validate(data_dir, as_of=as_of), datetime.now()):
                out(line)
        previous = current
        done += 1
        if iterations is None or done < iterations:
            stop.wait(interval)

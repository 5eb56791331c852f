"""The access log (issue 12): one JSON line per page view — when, who (the value of the
scopes file's claim), with which scope, which page and which selection. Never a figure:
the entry is built from the selection alone (`Filters` holds no result).

Written to $IPS_ACCESS_LOG, default `access.log` in the dashboard's cache folder, and
rotated by size (ACCESS_LOG_MAX_BYTES, ACCESS_LOG_BACKUPS older files: access.log.1 …).
Replicas sharing one cache folder share the file: every write and rotation happens under
an exclusive lock on `<log>.lock` (fcntl.flock), and a process whose file was rotated
by another reopens it, so lines are neither interleaved nor lost.
"""

from __future__ import annotations

import fcntl
import json
import logging
import logging.handlers
import os
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ips_data.loading.store import app_cache_dir
from ips_data.metrics.filters import Filters

ACCESS_LOG_ENV = "IPS_ACCESS_LOG"
ACCESS_LOG_MAX_BYTES = 10 * 1024 * 1024
ACCESS_LOG_BACKUPS = 10


def access_log_path() -> Path:
    """$IPS_ACCESS_LOG, else `access.log` in the cache folder (`app_cache_dir`)."""
    value = os.environ.get(ACCESS_LOG_ENV, "").strip()
    return Path(value) if value else app_cache_dir() / "access.log"


class SharedRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """RotatingFileHandler that several processes may share: each record is written (and
    the file rotated) under an exclusive flock on a lock file next to the log."""

    def __init__(self, path: Path, max_bytes: int, backups: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        super().__init__(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
        self._lock_path = Path(str(path) + ".lock")

    def _reopen_if_rotated(self) -> None:
        """Another process rotated the file: write to the new one."""
        try:
            current = os.stat(self.baseFilename).st_ino
        except FileNotFoundError:
            current = None
        if self.stream is not None and current != os.fstat(self.stream.fileno()).st_ino:
            self.stream.close()
            self.stream = None  # reopened by emit

    def shouldRollover(self, record: logging.LogRecord) -> bool:
        # the size on disk (another process may have written), not this stream's position
        if self.maxBytes <= 0 or not os.path.exists(self.baseFilename):
            return False
        size = os.path.getsize(self.baseFilename)
        return size + len(self.format(record)) + 1 > self.maxBytes

    def emit(self, record: logging.LogRecord) -> None:
        with open(self._lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                self._reopen_if_rotated()
                super().emit(record)
                if self.stream is not None:
                    self.stream.flush()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


_HANDLERS: dict[Path, SharedRotatingFileHandler] = {}
_GUARD = threading.Lock()


def _logger(path: Path) -> logging.Logger:
    path = path.resolve()
    logger = logging.getLogger(f"ips.access.{path}")
    with _GUARD:
        if path not in _HANDLERS:
            handler = SharedRotatingFileHandler(path, ACCESS_LOG_MAX_BYTES, ACCESS_LOG_BACKUPS)
            handler.setFormatter(logging.Formatter("%(message)s"))
            _HANDLERS[path] = handler
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
            logger.propagate = False  # never into Streamlit's console log
    return logger


def selection(filters: Filters, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The selection as logged: the filters that are set (not the scope, logged apart),
    plus page settings such as the horizon or the status date."""
    chosen = filters.model_dump(mode="json", exclude={"scope"}, exclude_defaults=True)
    return {**chosen, **{k: v for k, v in (extra or {}).items() if v is not None}}


def entry(*, user: str | None, claim: str | None, filters: Filters, page: str,
          extra: Mapping[str, Any] | None = None, when: datetime | None = None) -> dict:
    """One access-log record (JSON-ready)."""
    return {
        "time": (when or datetime.now(UTC)).isoformat(timespec="seconds"),
        "user": user,
        "claim": claim,
        "scope": filters.scope.label(),
        "page": page,
        "selection": selection(filters, extra),
    }


def log_view(record: Mapping[str, Any], path: Path | None = None) -> None:
    """Append one record as a JSON line (to `access_log_path()` unless given)."""
    _logger(path or access_log_path()).info(json.dumps(record, ensure_ascii=False,
                                                       sort_keys=True))

"""The SQL files of `sql/`, read by name: models (staging, then marts, in dependency
order), macros, the whitelisted queries with their named parameters, and the model
invariants (`sql/tests`). File name = view or query name; only plain identifiers."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
_MODEL_REF = re.compile(r"\b((?:stg|dim|fct|ref)_[a-z0-9_]+)\b")


def _read_sql_dir(folder: str) -> dict[str, str]:
    out = {}
    for path in sorted((SQL_DIR / folder).glob("*.sql")):
        if not _NAME.match(path.stem):
            raise ValueError(f"model file name is not a plain identifier: {path}")
        out[path.stem] = path.read_text(encoding="utf-8")
    return out


def _dependency_order(pending: dict[str, str], done: dict[str, str],
                      depends_on) -> dict[str, str]:
    """Append `pending` items to `done`, each after everything `depends_on` names."""
    ordered = dict(done)
    pending = dict(pending)
    while pending:
        ready = [name for name, sql in pending.items()
                 if not (depends_on(name, _strip_comments(sql)) & set(pending))]
        if not ready:
            raise ValueError(f"circular references among {sorted(pending)}")
        for name in ready:
            ordered[name] = pending.pop(name)
    return ordered


@cache
def models() -> dict[str, str]:
    """Staging and mart models in dependency order (name → select statement)."""
    return _dependency_order(
        _read_sql_dir("marts"), _read_sql_dir("staging"),
        lambda name, sql: set(_MODEL_REF.findall(sql)) - {name},
    )


@cache
def macros() -> dict[str, str]:
    """Macros, each after the macros its body calls."""
    names = tuple(_read_sql_dir("macros"))
    return _dependency_order(
        _read_sql_dir("macros"), {},
        lambda name, sql: {other for other in names if other != name and other in sql},
    )


@cache
def queries() -> dict[str, str]:
    """Query name → SQL text; the whitelist of what `Dataset.query` can run."""
    return _read_sql_dir("queries")


@cache
def data_tests() -> dict[str, str]:
    """Model invariants (sql/tests): each query returns the rows that violate it."""
    return _read_sql_dir("tests")


def query_params(name: str) -> tuple[str, ...]:
    """Named parameters ($name) a query needs."""
    return tuple(dict.fromkeys(_PARAM.findall(_strip_comments(queries()[name]))))


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())

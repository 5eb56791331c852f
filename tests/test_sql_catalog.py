"""The SQL files of sql/: load order, who reads Parquet, query parameters."""

from __future__ import annotations

from pathlib import Path

import pytest

from ips_data.loading import sql_catalog
from ips_data.loading.sql_catalog import models, queries, query_params

ROOT = Path(__file__).resolve().parent.parent


def test_models_load_staging_first_then_dependencies():
    order = list(models())
    assert order[:5] == ["stg_costs", "stg_fidelity", "stg_outcomes", "stg_participants",
                         "stg_rollout"]
    assert order.index("dim_municipalities") < order.index("dim_participants")
    assert order.index("dim_participants") < order.index("fct_outcomes")


def test_only_staging_reads_parquet():
    for path in (ROOT / "sql").rglob("*.sql"):
        reads = "read_parquet" in path.read_text(encoding="utf-8")
        assert reads == (path.parent.name == "staging"), path


@pytest.mark.parametrize("name", sorted(queries()))
def test_every_query_uses_only_named_parameters(name):
    params = query_params(name)
    text = queries()[name]
    assert "{" not in text and "%s" not in text
    assert all(p.islower() for p in params)


def test_circular_model_references_are_refused():
    with pytest.raises(ValueError, match="circular"):
        sql_catalog._dependency_order(
            {"fct_a": "select * from fct_b", "fct_b": "select * from fct_a"}, {},
            lambda name, sql: set(sql_catalog._MODEL_REF.findall(sql)) - {name})


@pytest.mark.parametrize(("sql", "expected"), [
    ("select * from t where a = $region -- not $commented", ("region",)),
    ("select $a, $b, $a", ("a", "b")),
    ("select 1", ()),
])
def test_named_parameters_are_found_once_in_order(monkeypatch, sql, expected):
    monkeypatch.setattr(sql_catalog, "queries", lambda: {"q": sql})
    assert sql_catalog.query_params("q") == expected


def test_a_file_name_that_is_not_an_identifier_is_refused(tmp_path, monkeypatch):
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "drop table;.sql").write_text("select 1", encoding="utf-8")
    monkeypatch.setattr(sql_catalog, "SQL_DIR", tmp_path)
    with pytest.raises(ValueError, match="plain identifier"):
        sql_catalog._read_sql_dir("queries")

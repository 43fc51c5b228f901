"""Resources, configured from the environment."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from assets.paths import DBT_PROJECT_DIR, akims_home


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse folder ($AKIMS_HOME): DuckDB file, landing area, reports."""

    home: str = ""

    def path(self) -> Path:
        return Path(self.home) if self.home else akims_home()

    def duckdb_path(self) -> Path:
        return self.path() / "warehouse.duckdb"


class MentionSourceResource(dg.ConfigurableResource):
    """Where `raw_mentions` takes a week from.

    `auto` (default): the landing area when `akims ingest` put anything there, else the
    embedded demo generator. `demo` and `landing` force one.
    """

    kind: str = "auto"
    demo_size: int = 50_000
    demo_seed: int = 2019


class ClassifierResource(dg.ConfigurableResource):
    backend: str = "embedded"


def dbt_executable() -> str:
    """The dbt next to this Python (the project's virtual environment), else the one on PATH."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


def build_resources() -> dict[str, object]:
    home = str(akims_home())
    return {
        "warehouse": WarehouseResource(home=home),
        "mention_source": MentionSourceResource(
            kind=os.environ.get("AKIMS_SOURCE", "auto"),
            demo_size=int(os.environ.get("AKIMS_DEMO_SIZE", "50000")),
            demo_seed=int(os.environ.get("AKIMS_DEMO_SEED", "2019")),
        ),
        "classifier": ClassifierResource(backend=os.environ.get("AKIMS_BACKEND", "embedded")),
        "dbt": DbtCliResource(
            project_dir=str(DBT_PROJECT_DIR),
            profiles_dir=str(DBT_PROJECT_DIR),
            dbt_executable=dbt_executable(),
        ),
    }

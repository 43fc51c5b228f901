"""Resources, configured from the environment."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from assets.paths import DBT_PROJECT_DIR, akims_home
from assets.settings import classifier_backend


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse folder ($AKIMS_HOME): DuckDB file, landing area, reports."""

    home: str = ""

    def path(self) -> Path:
        return Path(self.home) if self.home else akims_home()

    def duckdb_path(self) -> Path:
        return self.path() / "warehouse.duckdb"


class MentionSourceResource(dg.ConfigurableResource):
    """Where `raw_mentions` takes a week from.

    `auto` (default) and `landing`: the landing area (`akims ingest`, the inbox, AKIMS_FETCH),
    never the demo; `demo`: the embedded demo generator, only when asked for (`akims demo`,
    AKIMS_SOURCE=demo). See assets/sources/serving.py. Values left empty are read from
    the environment when the run starts (AKIMS_SOURCE, AKIMS_DEMO_SIZE, AKIMS_DEMO_SEED), so one
    loaded code location serves every warehouse folder.
    """

    kind: str = ""
    demo_size: int = 0
    demo_seed: int = 0

    def effective_kind(self) -> str:
        return self.kind or os.environ.get("AKIMS_SOURCE", "auto")

    def effective_demo_size(self) -> int:
        return self.demo_size or int(os.environ.get("AKIMS_DEMO_SIZE", "50000"))

    def effective_demo_seed(self) -> int:
        return self.demo_seed or int(os.environ.get("AKIMS_DEMO_SEED", "2019"))


class ClassifierResource(dg.ConfigurableResource):
    """The classifier backend: `embedded` (default, offline) or `transformers` (AKIMS_BACKEND)."""

    backend: str = ""

    def effective_backend(self) -> str:
        return self.backend or classifier_backend()


def dbt_executable() -> str:
    """The dbt next to this Python (the project's virtual environment), else the one on PATH."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


def build_resources() -> dict[str, object]:
    """Resources whose settings resolve from the environment at run time (AKIMS_HOME and friends)."""
    return {
        "warehouse": WarehouseResource(),
        "mention_source": MentionSourceResource(),
        "classifier": ClassifierResource(),
        "dbt": DbtCliResource(
            project_dir=str(DBT_PROJECT_DIR),
            profiles_dir=str(DBT_PROJECT_DIR),
            dbt_executable=dbt_executable(),
        ),
    }

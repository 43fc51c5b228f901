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
    """Which source plug-in `raw_mentions` takes a week from (assets/sources/plugins.py).

    `auto` (default) and `landing`: the landing area (`akims ingest`, the inbox, AKIMS_FETCH),
    never the demo; `demo`: the embedded demo (package `akims_demo`, its own settings), only when
    asked for (`akims demo`, AKIMS_SOURCE=demo). Left empty, the kind is read from AKIMS_SOURCE
    when the run starts, so one loaded code location serves every warehouse folder.
    """

    kind: str = ""

    def effective_kind(self) -> str:
        return self.kind or os.environ.get("AKIMS_SOURCE", "auto")


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

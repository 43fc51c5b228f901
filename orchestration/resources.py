"""Resources, configured from the environment."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource
from packaging.version import Version

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


class AkimsDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt CLI resource without two fixed costs of every invocation (about 4 s of a
    Monday run, docs/benchmarks.md); the dbt subprocess and its events are unchanged.

    * `DbtCliResource.cli` builds a dbt adapter in the Dagster process, only for
      `.fetch_column_metadata()` / `.fetch_row_counts()`, which this project does not call;
      building it imports dbt and loads the project and profile again (about 2 s).
    * It asks `dbt --version` in a subprocess for the version (about 2 s); the dbt beside this
      Python is the installed dbt-core, whose version the package metadata gives at once.

    dagster-dbt is pinned (0.29.27); every `akims run` in the tests (e.g. tests/test_dbt_scope.py)
    materialises the dbt assets through this class.
    """

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> Any:
        return None

    @cached_property
    def _cli_version(self) -> Version:
        if Path(self.dbt_executable).parent == Path(sys.executable).parent:
            return Version(metadata.version("dbt-core"))
        return DbtCliResource._cli_version.func(self)  # another dbt: ask it


def build_resources() -> dict[str, object]:
    """Resources whose settings resolve from the environment at run time (AKIMS_HOME and friends)."""
    return {
        "warehouse": WarehouseResource(),
        "mention_source": MentionSourceResource(),
        "classifier": ClassifierResource(),
        "dbt": AkimsDbtCliResource(
            project_dir=str(DBT_PROJECT_DIR),
            profiles_dir=str(DBT_PROJECT_DIR),
            dbt_executable=dbt_executable(),
        ),
    }

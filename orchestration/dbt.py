"""The dbt project as Dagster assets, with a small translator that links dbt sources to the Python assets."""

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from assets.paths import DBT_PROJECT_DIR, akims_home

TARGET_DIR = DBT_PROJECT_DIR / "target"
MANIFEST = TARGET_DIR / "manifest.json"

# dbt source table -> the Python asset that writes it
SOURCE_ASSETS = {
    "mentions": "raw_mentions",
    "loaded_weeks": "loaded_weeks",
    "classified_mentions": "classified_mentions",
}


def _newest_project_file() -> float:
    newest = 0.0
    for folder in ("models", "seeds", "macros", "tests"):
        for path in (DBT_PROJECT_DIR / folder).rglob("*"):
            if path.is_file():
                newest = max(newest, path.stat().st_mtime)
    for name in ("dbt_project.yml", "profiles.yml"):
        newest = max(newest, (DBT_PROJECT_DIR / name).stat().st_mtime)
    return newest


def ensure_manifest() -> Path:
    """Parse the dbt project when its manifest is missing or older than the project's files."""
    if MANIFEST.exists() and MANIFEST.stat().st_mtime >= _newest_project_file():
        return MANIFEST
    from dbt.cli.main import dbtRunner

    os.environ.setdefault("AKIMS_HOME", str(akims_home()))
    result = dbtRunner().invoke(
        ["parse", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR), "--quiet"]
    )
    if not result.success or not MANIFEST.exists():
        raise RuntimeError(f"dbt parse failed: {result.exception}")
    return MANIFEST


class AkimsDbtTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source" and dbt_resource_props["name"] in SOURCE_ASSETS:
            return dg.AssetKey(SOURCE_ASSETS[dbt_resource_props["name"]])
        return dg.AssetKey(dbt_resource_props["name"])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        parts = dbt_resource_props.get("fqn", [])
        return parts[1] if len(parts) > 2 else "dbt"


@dbt_assets(
    manifest=ensure_manifest(),
    dagster_dbt_translator=AkimsDbtTranslator(),
    pool="duckdb_writer",
)
def akims_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Seeds, staging, intermediate and marts: indicators and rankings for every loaded period."""
    yield from dbt.cli(["build"], context=context).stream()

"""The dbt project as Dagster assets, with a small translator that links dbt sources to the Python assets."""

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets
from pydantic import Field

from assets.dbt_scope import (
    BuildScope,
    choose_scope,
    forget_full_build,
    last_full_build,
    record_full_build,
    reference_fingerprint,
)
from assets.paths import DBT_PROJECT_DIR, akims_home
from assets.postgres_warehouse import (
    check_text_rules,
    connect_server,
    dbt_environment,
    mirror_marts,
    record_server_full_build,
    server_label,
    server_last_full_build,
    ship_raw,
)
from assets.schemas import now_utc
from assets.settings import warehouse_url
from assets.sources.pseudonymise import resolve_key
from assets.warehouse import connect

TARGET_DIR = DBT_PROJECT_DIR / "target"
MANIFEST = TARGET_DIR / "manifest.json"


def warehouse_dbt_target() -> Path:
    """The dbt artefacts of this warehouse's builds: `$AKIMS_HOME/dbt-target`, one folder reused
    by every build (builds into one warehouse never overlap: its one-writer pool).

    dbt re-parses the whole project (about 2.5 s) when its saved parse state was made with another
    profile, and the profile holds the warehouse's path: dagster-dbt's fresh folder per build
    starts from `dbt_project/target`'s state, parsed for whichever warehouse parsed last. Reusing
    this warehouse's own folder, dbt finds its own parse state and re-parses only changed files.
    """
    return akims_home() / "dbt-target"


# dbt source table -> the Python asset that writes it; the other quality sources are assets of
# their own names (orchestration/quality.py)
SOURCE_ASSETS = {
    "mentions": "raw_mentions",
    "loaded_weeks": "loaded_weeks",
    "classified_mentions": "classified_mentions",
}
OWNERS = ["team:data-desk"]


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


def _ref_name(ref: str) -> str:
    """The model a dbt `ref('name')` string names."""
    return ref.split("(", 1)[-1].strip(")").strip("'\"")


def _sql_comment(path: Path) -> str:
    """The leading `--` comment of a singular test's SQL file, joined into one line."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.removeprefix("--").strip())
    return " ".join(lines)


def test_description(test: Mapping[str, Any], key: dg.AssetKey) -> str:
    """One line for a dbt test that has none: what the generic test asserts, or the comment at
    the top of a singular test's SQL. Failing tests fail the dbt build (severity error)."""
    table = key.to_user_string()
    meta = test.get("test_metadata") or {}
    kwargs = meta.get("kwargs") or {}
    column = kwargs.get("column_name") or test.get("column_name") or ""
    name = meta.get("name")
    if name == "not_null":
        return f"dbt test: {table}.{column} is never NULL."
    if name == "unique":
        return f"dbt test: {table}.{column} is unique."
    if name == "accepted_values":
        return f"dbt test: {table}.{column} is one of {', '.join(map(str, kwargs.get('values', [])))}."
    if name == "relationships":
        to = _ref_name(str(kwargs.get("to", "")))
        return f"dbt test: every {table}.{column} exists in {to}.{kwargs.get('field', column)}."
    if name:
        return f"dbt test {name} on {table}{'.' + column if column else ''}."
    comment = _sql_comment(DBT_PROJECT_DIR / test.get("original_file_path", ""))
    return f"dbt test: {comment}" if comment else f"dbt test {test.get('name')} on {table}."


class AkimsDbtTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source" and dbt_resource_props["name"] in SOURCE_ASSETS:
            return dg.AssetKey(SOURCE_ASSETS[dbt_resource_props["name"]])
        return dg.AssetKey(dbt_resource_props["name"])

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return OWNERS

    def get_asset_check_spec(
        self, asset_spec: dg.AssetSpec, manifest: Mapping[str, Any], unique_id: str, project: Any
    ) -> dg.AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        return spec._replace(description=test_description(manifest["nodes"][unique_id], asset_spec.key))

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        parts = dbt_resource_props.get("fqn", [])
        return parts[1] if len(parts) > 2 else "dbt"


class DbtBuildConfig(dg.Config):
    """Launchpad config of the dbt build (assets/dbt_scope.py)."""

    full_build: bool = Field(
        default=False,
        description="Build and test every node (seeds, reference models, unit tests) even when the dbt "
        "project did not change since the last full build in this warehouse. Left false, an unchanged "
        "project rebuilds only what the warehouse's data feeds (same tables, fewer nodes).",
    )


def dbt_version() -> str:
    """dbt-core, adapter and DuckDB versions and the warehouse's target: part of the project
    fingerprint (an upgrade of any, or a move to another server, rebuilds and retests everything,
    the unit tests included)."""
    packages = ("dbt-core", "dbt-adapters", "dbt-duckdb", "duckdb")
    url = warehouse_url()
    if url:
        packages = (*packages, "dbt-postgres")
    target = f"target=postgres:{server_label(url)}" if url else "target=duckdb"
    return " ".join([*(f"{name}=={version(name)}" for name in packages), target])


@contextmanager
def warehouse_target_environment(context: dg.AssetExecutionContext) -> Iterator[None]:
    """Around a dbt build: nothing for the DuckDB file; for a PostgreSQL warehouse
    (AKIMS_WAREHOUSE_URL) ship the raw tables to the server first, point dbt's profile at it
    (environment variables, restored afterwards) and, after the build, mirror the server's marts
    into the local file for publishing (assets/postgres_warehouse.py)."""
    url = warehouse_url()
    if not url:
        yield
        return
    with connect() as duck, connect_server(url) as pg:
        check_text_rules(pg, server_label(url))
        shipped = ship_raw(duck, pg)
    context.log.info(
        f"shipped raw tables to {server_label(url)}: {shipped.weeks} week(s) replaced, "
        f"{shipped.rows} row(s) in {shipped.tables} table(s)"
    )
    variables = dbt_environment(url, resolve_key(akims_home()))
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    with connect_server(url) as pg, connect() as duck:
        mirrored = mirror_marts(pg, duck)
    context.log.info(f"mirrored {mirrored} mart(s) from {server_label(url)} into the local file for publishing")


def recorded_full_build() -> str | None:
    """The fingerprint of the last full build of this warehouse's dbt target: kept in the local
    file for DuckDB, on the server for PostgreSQL (what a dbt run there by hand drops)."""
    url = warehouse_url()
    if url:
        with connect_server(url) as pg:
            return server_last_full_build(pg)
    with connect() as con:
        return last_full_build(con)


def set_full_build(fingerprint: str | None) -> None:
    """Record a full build that succeeded (`fingerprint`), or forget the record (None)."""
    url = warehouse_url()
    if url:
        with connect_server(url) as pg:
            record_server_full_build(pg, fingerprint, dbt_version(), now_utc())
        return
    with connect() as con:
        if fingerprint is None:
            forget_full_build(con)
        else:
            record_full_build(con, fingerprint, dbt_version())


def build_scope(context: dg.AssetExecutionContext, full_requested: bool) -> tuple[BuildScope, str]:
    """The scope of this build and the project's fingerprint; before a full build the record of the
    last one is dropped, so a full build that fails is followed by another full build."""
    with connect() as con:
        fingerprint = reference_fingerprint(con, DBT_PROJECT_DIR, dbt_version())
    scope = choose_scope(
        json.loads(ensure_manifest().read_text(encoding="utf-8")),
        fingerprint,
        recorded_full_build(),
        full_requested=full_requested,
    )
    if scope.full:
        set_full_build(None)
    context.log.info(scope.reason)
    return scope, fingerprint


@dbt_assets(
    manifest=ensure_manifest(),
    dagster_dbt_translator=AkimsDbtTranslator(),
    pool="duckdb_writer",
)
def akims_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig):
    """Seeds, staging, intermediate and marts: indicators and rankings for every loaded period.
    An unchanged project rebuilds only the nodes the warehouse's data feeds (assets/dbt_scope.py)."""
    scope, fingerprint = build_scope(context, config.full_build)
    with warehouse_target_environment(context):
        try:
            yield from dbt.cli(["build", *scope.args], context=context, target_path=warehouse_dbt_target()).stream()
        except Exception:
            if not scope.full:  # e.g. a reference table gone: the next build rebuilds everything
                set_full_build(None)
            raise
        if scope.full:
            set_full_build(fingerprint)


# One `dbt build` of the whole project, never a subset: the models cover every loaded period at
# once, and a backfill could otherwise build them piecemeal as their parents land (the reference
# models first, then a few at a time: four dbt runs for one half-year). Not subsettable, the
# backfill runs it once, after all its weeks.
akims_dbt_models = dg.AssetsDefinition(**{**akims_dbt_models.get_attributes_dict(), "can_subset": False})

"""What a dbt build has to rebuild: the whole project, or only what the warehouse's data feeds.

The seeds, the reference models built from them alone (roster, regions, registry, settings) and
the unit tests (the SQL rules on fixed inputs) can only change when the dbt project's files
change. A Monday run that loads one week changes none of them, yet rebuilding and testing them
was about half of its dbt nodes, and each node costs dbt and Dagster a fixed tenth of a second
or more (docs/benchmarks.md). So a build is

* **full** when the project's files (models, macros, seeds, tests, dbt_project.yml), the
  versions of dbt, its adapter or DuckDB, or the warehouse's own roster and registry (the tables of schema
  `overrides`, which `akims ingest --tenures/--official-accounts` writes and the reference
  staging models read) changed since the last full build that succeeded in this warehouse,
  when no full build is on record (a new warehouse, a dbt run by hand dropped it through the
  project's on-run-start hook, or the last data build failed), or when asked for;
* **data** otherwise: every node downstream of a warehouse source and their data tests, without
  the reference nodes, the unit tests and the two tests that compare a rebuilt model with a
  reference one (those hold by construction until the project changes).

Both give the same tables (tests/test_dbt_scope.py builds a week both ways and compares every
mart). The fingerprint of the last full build is kept in the warehouse itself
(`raw.dbt_builds`), so a warehouse copied, restored or rebuilt from scratch never skips its
reference tables. Free of Dagster: orchestration/dbt.py calls it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from assets.duckdb_tx import transaction
from assets.schemas import DBT_BUILDS, now_utc, placeholders

PROJECT_FOLDERS = ("models", "macros", "seeds", "tests", "snapshots", "analyses")
# Reference models every build rebuilds all the same. `dim_settings` prints settings that come from
# the environment (AKIMS_RANK_INTERVAL_*, as dbt vars), which no fingerprint here sees, and every
# published ranking depends on it: in a run that publishes after the dbt build (the Monday
# schedule's job, `one_week_job`), a dbt asset left unbuilt makes Dagster skip the ranking.
ALWAYS_BUILT = frozenset({"dim_settings"})
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml", "selectors.yml")


@dataclass(frozen=True)
class BuildScope:
    full: bool
    reason: str
    args: tuple[str, ...]  # appended to `dbt build`


def project_fingerprint(project_dir: Path, dbt_version: str) -> str:
    """SHA-256 over the dbt project's own files (relative path and bytes, in path order) and the
    dbt / adapter version string; target/, logs/ and packages are not part of it."""
    digest = hashlib.sha256(dbt_version.encode())
    paths = [p for folder in PROJECT_FOLDERS for p in (project_dir / folder).rglob("*") if p.is_file()]
    paths += [project_dir / name for name in PROJECT_FILES if (project_dir / name).is_file()]
    for path in sorted(paths, key=lambda p: p.relative_to(project_dir).as_posix()):
        digest.update(b"\0" + path.relative_to(project_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def overrides_fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """SHA-256 over every table of schema `overrides` (name and rows in order): the warehouse's
    own roster and registry, which the reference staging models read beside the seeds."""
    digest = hashlib.sha256()
    tables = con.execute(
        "select table_name from information_schema.tables where table_schema = 'overrides' order by 1"
    ).fetchall()
    for (table,) in tables:
        digest.update(b"\0" + table.encode() + b"\0")
        for row in con.execute(f'select * from overrides."{table}" order by all').fetchall():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def reference_fingerprint(con: duckdb.DuckDBPyConnection, project_dir: Path, dbt_version: str) -> str:
    """What the reference nodes are built from: the project, dbt, and the warehouse's overrides."""
    return hashlib.sha256(
        (project_fingerprint(project_dir, dbt_version) + overrides_fingerprint(con)).encode()
    ).hexdigest()


def reference_selectors(manifest: Mapping[str, Any]) -> list[str]:
    """`fqn:` selectors of the seeds and models no source feeds, directly or through other
    models: what only a project change can change (`ALWAYS_BUILT` excepted)."""
    parents: Mapping[str, list[str]] = manifest["parent_map"]
    fed: dict[str, bool] = {}

    def fed_by_source(unique_id: str) -> bool:
        if unique_id not in fed:
            fed[unique_id] = False  # cycles cannot happen in dbt's DAG; this guards the recursion
            fed[unique_id] = any(
                parent.startswith("source.") or fed_by_source(parent) for parent in parents.get(unique_id, [])
            )
        return fed[unique_id]

    selectors = []
    for unique_id, node in manifest["nodes"].items():
        if (
            node["resource_type"] in ("model", "seed")
            and node["name"] not in ALWAYS_BUILT
            and not fed_by_source(unique_id)
        ):
            selectors.append("fqn:" + ".".join(node["fqn"]))
    return sorted(selectors)


def choose_scope(
    manifest: Mapping[str, Any], fingerprint: str, last_full_build: str | None, *, full_requested: bool
) -> BuildScope:
    """The build to run: full, or the data scope (the reference nodes excluded, no unit tests)."""
    if full_requested:
        return BuildScope(True, "full build: asked for", ())
    if last_full_build is None:
        return BuildScope(True, "full build: no full build of this dbt project on record in this warehouse", ())
    if last_full_build != fingerprint:
        return BuildScope(
            True, "full build: the dbt project, dbt or the warehouse's roster/registry changed since the last one", ()
        )
    excluded = reference_selectors(manifest)
    return BuildScope(
        False,
        f"data build: the dbt project is unchanged since the last full build; seeds, {len(excluded)} "
        "reference node(s) and the unit tests are left as built",
        ("--exclude", " ".join(excluded), "--exclude-resource-type", "unit_test"),
    )


def last_full_build(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute("select project_fingerprint from raw.dbt_builds order by built_at desc limit 1").fetchone()
    return row[0] if row else None


def forget_full_build(con: duckdb.DuckDBPyConnection) -> None:
    """Before a full build: until it succeeds, the next build is full too."""
    con.execute("delete from raw.dbt_builds")


def record_full_build(con: duckdb.DuckDBPyConnection, fingerprint: str, dbt_version: str) -> None:
    with transaction(con, "dbt_builds"):
        con.execute("delete from raw.dbt_builds")
        con.execute(
            f"insert into raw.dbt_builds values {placeholders(DBT_BUILDS)}", [fingerprint, dbt_version, now_utc()]
        )

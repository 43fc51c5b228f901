"""The dbt build's scope (assets/dbt_scope.py): a Monday run into an unchanged project rebuilds only
what the warehouse's data feeds, and its marts equal a build of everything from scratch.

The methodology fixture (8 weeks, akim changes, registry accounts, reshares, duplicates) is run
for 7 weeks (a full build, recorded), then the 8th week alone (a data build); the warehouse is
copied and rebuilt by plain `dbt build --full-refresh`, and every mart is compared row by row.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.dbt_scope import choose_scope, project_fingerprint, reference_fingerprint, reference_selectors
from assets.paths import DBT_PROJECT_DIR
from assets.warehouse import connect, replace_overrides
from orchestration.cli import main
from orchestration.dbt import MANIFEST, dbt_version, ensure_manifest
from orchestration.pipeline import _materialize, instance
from orchestration.resources import dbt_executable
from tests import test_methodology_e2e as e2e
from tests.conftest import mart_rows, write_csv, write_jsonl

REFERENCE_NODES = {
    "fqn:akims.akims",
    "fqn:akims.akim_tenures",
    "fqn:akims.not_ranked_reasons",
    "fqn:akims.official_accounts",
    "fqn:akims.regions",
    "fqn:akims.staging.stg_reference__akims",
    "fqn:akims.staging.stg_reference__akim_tenures",
    "fqn:akims.staging.stg_reference__official_accounts",
    "fqn:akims.staging.stg_reference__regions",
    "fqn:akims.intermediate.int_tenures",
    "fqn:akims.marts.dim_akims",
    "fqn:akims.marts.dim_regions",
}


def _manifest() -> dict:
    ensure_manifest()
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def test_reference_nodes_are_the_ones_no_source_feeds() -> None:
    assert set(reference_selectors(_manifest())) == REFERENCE_NODES


def test_every_build_rebuilds_what_a_published_ranking_depends_on() -> None:
    """A run that publishes after its dbt build (the Monday schedule's job, `one_week_job`) skips
    the ranking when one of the ranking's dbt parents was left out of the build."""
    from orchestration.rankings import RANKING_DEPS

    excluded = {selector.rsplit(".", 1)[-1] for selector in reference_selectors(_manifest())}
    assert excluded and not excluded & {key.path[-1] for key in RANKING_DEPS}


def test_reference_models_read_no_warehouse_data_behind_dbts_back() -> None:
    """A data build keeps the reference models as built, which is right only while they read
    seeds, other reference models, vars and the warehouse's overrides (in the fingerprint):
    a reference model reading a warehouse table by name (not through source()) would be frozen."""
    manifest = _manifest()
    reference = set(reference_selectors(manifest))
    models = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and "fqn:" + ".".join(node["fqn"]) in reference
    ]
    assert len(models) == 7
    for node in models:
        code = node["raw_code"]
        assert not re.search(r"\b(raw|landing|publish|marts|staging|intermediate)\.", code), node["name"]
        assert "run_query" not in code and "get_relation" not in code, node["name"]
        for override in re.findall(r"warehouse_override\('([a-z_]+)'\)", code):
            assert override in {"akim_tenures", "official_accounts"}, node["name"]


def test_scope_is_full_unless_the_same_project_was_fully_built() -> None:
    manifest = _manifest()
    assert choose_scope(manifest, "f", None, full_requested=False).full
    assert choose_scope(manifest, "f", "other", full_requested=False).full
    assert choose_scope(manifest, "f", "f", full_requested=True).full
    data = choose_scope(manifest, "f", "f", full_requested=False)
    assert not data.full
    assert data.args[0] == "--exclude" and set(data.args[1].split()) == REFERENCE_NODES
    assert data.args[2:] == ("--exclude-resource-type", "unit_test")


def test_fingerprint_follows_the_project_files_not_its_build_output(tmp_path: Path) -> None:
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    before = project_fingerprint(project, "dbt-core==1")
    (project / "target").mkdir()
    (project / "target" / "run_results.json").write_text("{}")
    assert project_fingerprint(project, "dbt-core==1") == before
    assert project_fingerprint(project, "dbt-core==2") != before
    seed = project / "seeds" / "official_accounts.csv"
    seed.write_text(seed.read_text(encoding="utf-8") + "telegram,new_akimat,KZ-19,test\n", encoding="utf-8")
    assert project_fingerprint(project, "dbt-core==1") != before


def test_the_warehouses_own_roster_is_part_of_the_reference_fingerprint(tmp_path: Path) -> None:
    """`akims ingest --tenures` writes overrides.akim_tenures, which stg_reference__akim_tenures
    reads: a new roster must make the next build full, as a seed change does."""
    with connect(tmp_path / "warehouse.duckdb") as con:
        empty = reference_fingerprint(con, DBT_PROJECT_DIR, "v")
        assert reference_fingerprint(con, DBT_PROJECT_DIR, "v") == empty
        columns = ("region_code", "person_id", "start_date", "end_date")
        types = "region_code varchar, person_id varchar, start_date date, end_date date"
        replace_overrides(con, "akim_tenures", columns, [("KZ-19", "batalov-amandyk", "2014-01-01", None)], types)
        one = reference_fingerprint(con, DBT_PROJECT_DIR, "v")
        replace_overrides(con, "akim_tenures", columns, [("KZ-19", "batalov-amandyk", "2014-01-02", None)], types)
        other = reference_fingerprint(con, DBT_PROJECT_DIR, "v")
    assert len({empty, one, other}) == 3


def _materialisations(key: str) -> int:
    return len(instance().fetch_materializations(dg.AssetKey(key), limit=100).records)


def _check_history(asset: str, check: str) -> list[str]:
    """The outcome of a dbt test's asset check in each run that planned it, newest run first.

    A one-week run is partitioned (its weeks), so Dagster files the plan of an unpartitioned
    dbt check under the run's week and its result under no partition: two records of one run."""
    key = dg.AssetCheckKey(dg.AssetKey(asset), check)
    outcomes: dict[str, str] = {}
    for record in instance().event_log_storage.get_asset_check_execution_history(key, limit=20):
        if outcomes.get(record.run_id, "PLANNED") == "PLANNED":
            outcomes[record.run_id] = record.status.value
    return list(outcomes.values())


def _recorded_build(warehouse: Path) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("select project_fingerprint, built_at from raw.dbt_builds").fetchall()
    finally:
        con.close()


def test_a_week_into_an_unchanged_project_builds_the_data_only_and_equals_a_full_build(
    akims_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AKIMS_PSEUDONYM_KEY", "dbt-scope-test-key")
    data = write_jsonl(tmp_path / "mentions.jsonl", e2e.build_fixture())
    header = "region_code,person_id,start_date,end_date"
    tenures = write_csv(tmp_path / "tenures.csv", header, [",".join(t) for t in e2e.TENURES])
    assert main(["ingest", str(data), "--keep-source-labels", "--tenures", str(tenures)]) == 0
    last_week = e2e.FIRST_MONDAY + timedelta(days=(e2e.WEEKS - 1) * 7)
    warehouse = akims_home / "warehouse.duckdb"

    # weeks 1..7: a new warehouse, so a full build, recorded with the project's fingerprint
    assert (
        main(["run", "--from", e2e.FIRST_MONDAY.isoformat(), "--to", (last_week - timedelta(days=1)).isoformat()]) == 0
    )
    with connect(warehouse) as con:
        fingerprint = reference_fingerprint(con, DBT_PROJECT_DIR, dbt_version())
    recorded = _recorded_build(warehouse)
    assert [row[0] for row in recorded] == [fingerprint]
    assert _materialisations("akims") == 1 and _materialisations("fct_akim_ranking") == 1

    # week 8: the project is unchanged, so a data build: the marts again, the seeds not; the
    # settings (from the environment) every time; one Dagster run, the week published in it
    assert main(["run", "--from", last_week.isoformat(), "--to", (last_week + timedelta(days=6)).isoformat()]) == 0
    assert _materialisations("fct_akim_ranking") == 2 and _materialisations("weekly_ranking") == 8
    assert _materialisations("akims") == 1 and _materialisations("dim_akims") == 1
    assert _materialisations("dim_settings") == 2
    assert _recorded_build(warehouse) == recorded
    # the data tests of what was rebuilt ran again and passed; the reference ones were skipped
    assert _check_history("stg_warehouse__mentions", "unique_stg_warehouse__mentions_mention_key") == [
        "SUCCEEDED",
        "SUCCEEDED",
    ]
    # planned by the run, never evaluated: the UI shows it Skipped once the run ended
    assert _check_history("dim_akims", "unique_dim_akims_person_id") == ["PLANNED", "SUCCEEDED"]
    incremental = mart_rows(warehouse)
    assert "week_start" not in incremental  # guard: the dict maps mart names to rows
    assert len(incremental["fct_akim_ranking"]) > 0 and len(incremental["fct_akim_indicators"]) > 0

    # the same raw data rebuilt from scratch by plain dbt: every mart identical
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    shutil.copy(warehouse, scratch / "warehouse.duckdb")
    monkeypatch.setenv("AKIMS_HOME", str(scratch))
    build = subprocess.run(
        [
            dbt_executable(),
            "build",
            "--full-refresh",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(tmp_path / "target"),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    assert mart_rows(scratch / "warehouse.duckdb") == incremental
    # a build by hand may differ from the recorded one: it drops the record (next build full)
    assert _recorded_build(scratch / "warehouse.duckdb") == []

    # a warehouse whose last full build was of another project: the next dbt build is full again
    monkeypatch.setenv("AKIMS_HOME", str(akims_home))
    con = duckdb.connect(str(warehouse))
    con.execute("update raw.dbt_builds set project_fingerprint = 'an older project'")
    con.close()
    _materialize("dbt_build_job", keys=None, stage="dbt build", dagster_instance=instance())
    assert _materialisations("akims") == 2 and _materialisations("dim_akims") == 2
    assert [row[0] for row in _recorded_build(warehouse)] == [fingerprint]

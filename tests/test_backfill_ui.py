"""A past half-year in one launch, as a user does it in the Dagster UI (issue #14).

`dagster dev` (webserver and daemon) runs on a fresh warehouse with AKIMS_SOURCE=demo. The test
does over GraphQL what *Materialize selected* does for the selection `+half_year_report` with
the half-year 2019-07-01 picked: one `launchPartitionBackfill` with the selected assets and the
partition. Dagster plans the rest from the partition mappings (orchestration/periods.py): the
27 weeks that overlap 2019-H2 (2019-12-30 included), classification, one dbt build, the
ranking and the report. The published ranking must equal the one `akims run --from 2019-07-01
--to 2019-12-31` publishes in another warehouse folder. The UI's instance keeps its storage in
PostgreSQL (a real server, tests/conftest.py: `postgres`): webserver, daemon, backfill and
sensors on the server database of issue #19.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestration.cli import main
from tests.conftest import postgres_database
from tests.test_webserver import _free_port

HALF_YEAR = "2019-H2"
PARTITION = "2019-07-01"
# one pseudonym key for the UI's warehouse and the command line's: author ids (pseudonyms) key the
# seeded resamples of the rank intervals, so the two rankings agree to the last digit only then
DEMO_ENV = {
    "AKIMS_SOURCE": "demo",
    "AKIMS_DEMO_SIZE": "10000",
    "AKIMS_WORKERS": "1",
    "AKIMS_PSEUDONYM_KEY": "backfill-ui-test",
}
FINISHED = {"COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"}

GRAPH = "{ assetNodes { assetKey { path } dependencyKeys { path } isMaterializable } }"
LAUNCH = """
mutation Launch($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
    ... on PartitionSetNotFoundError { message }
    ... on InvalidSubsetError { message }
    ... on UnauthorizedError { message }
  }
}
"""
STATUS = """
query Status($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    ... on PartitionBackfill {
      status
      error { message }
      assetBackfillData {
        assetBackfillStatuses {
          ... on AssetPartitionsStatusCounts {
            assetKey { path } numPartitionsTargeted numPartitionsMaterialized numPartitionsFailed
          }
          ... on UnpartitionedAssetStatus { assetKey { path } materialized failed }
        }
      }
    }
  }
}
"""
RUNS = """
query Runs($id: String!) {
  runsOrError(filter: {tags: [{key: "dagster/backfill", value: $id}]}) {
    ... on Runs { results { runId status tags { key value } } }
  }
}
"""


def _graphql(port: int, query: str, variables: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            body = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        raise AssertionError(f"GraphQL answered {exc.code}: {exc.read().decode()[:2000]}") from None
    assert "errors" not in body, body["errors"]
    return body["data"]


def with_upstream(nodes: list[dict], target: str) -> list[list[str]]:
    """What the UI's `+target` selection materialises: the target and every materialisable
    ancestor."""
    parents = {"/".join(n["assetKey"]["path"]): ["/".join(d["path"]) for d in n["dependencyKeys"]] for n in nodes}
    materializable = {"/".join(n["assetKey"]["path"]) for n in nodes if n["isMaterializable"]}
    seen: set[str] = set()
    todo = [target]
    while todo:
        key = todo.pop()
        if key not in seen:
            seen.add(key)
            todo.extend(parents.get(key, []))
    return [key.split("/") for key in sorted(seen & materializable)]


@pytest.fixture
def dagster_dev(akims_home: Path, postgres: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """`dagster dev` (webserver + daemon) on the warehouse's own instance folder, its storage in
    PostgreSQL (issue #19: the UI, the daemon's backfill and the sensors on a server database;
    every command-line test covers the default SQLite storage)."""
    from orchestration.pipeline import dagster_home

    for key, value in DEMO_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AKIMS_DAGSTER_POSTGRES_URL", postgres_database(postgres, "backfill_ui"))
    port = _free_port()
    env = dict(os.environ, DAGSTER_HOME=str(dagster_home()))
    process = subprocess.Popen(
        [sys.executable, "-m", "dagster", "dev", "-m", "orchestration.definitions", "-h", "127.0.0.1", "-p", str(port)],
        env=env,
        cwd=Path(__file__).resolve().parents[1],
        stdout=subprocess.DEVNULL,
        stderr=(akims_home / "dagster-dev.log").open("w"),
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"dagster dev exited: {(akims_home / 'dagster-dev.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5):
                    break
            except OSError:
                time.sleep(1)
        else:
            raise AssertionError("the webserver did not answer within 240 s")
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:  # dagster dev may ignore SIGTERM in a container: no need to wait a minute for it
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _rank(home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AKIMS_HOME", str(home))
    capsys.readouterr()
    code = main(["rank", "--period", HALF_YEAR, "--format", "json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def _stages(port: int, backfill_id: str, timeout: float = 90) -> set[str]:
    """The `akims/stage` tags of the backfill's runs, once the sensor has tagged them all."""
    deadline = time.monotonic() + timeout
    while True:
        runs = _graphql(port, RUNS, {"id": backfill_id})["runsOrError"]["results"]
        stages = [next((t["value"] for t in run["tags"] if t["key"] == "akims/stage"), None) for run in runs]
        if None not in stages or time.monotonic() > deadline:
            return {stage or "(untagged)" for stage in stages}
        time.sleep(3)


def _wait(port: int, backfill_id: str, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        backfill = _graphql(port, STATUS, {"id": backfill_id})["partitionBackfillOrError"]
        if backfill["status"] in FINISHED:
            return backfill
        time.sleep(3)
    raise AssertionError(f"backfill {backfill_id} still {backfill['status']} after {timeout:.0f} s")


def test_one_launch_backfills_a_past_half_year(
    dagster_dev: int,
    akims_home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    selection = with_upstream(_graphql(dagster_dev, GRAPH)["assetNodes"], "half_year_report")
    assert ["half_year_weeks"] in selection and ["fct_akim_ranking"] in selection
    launched = _graphql(
        dagster_dev,
        LAUNCH,
        {
            "params": {
                "assetSelection": [{"path": key} for key in selection],
                "partitionNames": [PARTITION],
                "fromFailure": False,
                "tags": [{"key": "akims/test", "value": "backfill-ui"}],
            }
        },
    )["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    # meanwhile, the same half-year the command-line way in another folder (the backfill mostly waits)
    reference = tmp_path / "reference"
    reference.mkdir()
    command_line = subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", "run", "--from", "2019-07-01", "--to", "2019-12-31"],
        # its own Dagster instance (SQLite): one PostgreSQL database per warehouse, never shared
        env={k: v for k, v in os.environ.items() if k != "AKIMS_DAGSTER_POSTGRES_URL"} | {"AKIMS_HOME": str(reference)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    backfill = _wait(dagster_dev, launched["backfillId"], timeout=600)
    _, errors = command_line.communicate(timeout=600)
    assert command_line.returncode == 0, errors

    statuses = {"/".join(s["assetKey"]["path"]): s for s in backfill["assetBackfillData"]["assetBackfillStatuses"]}
    assert backfill["status"] == "COMPLETED_SUCCESS", (backfill["error"], statuses)
    # Dagster planned every week that overlaps the half-year, boundary week 2019-12-30 included
    assert statuses["raw_mentions"]["numPartitionsTargeted"] == 27
    assert statuses["classified_mentions"]["numPartitionsMaterialized"] == 27
    assert statuses["half_year_report"]["numPartitionsMaterialized"] == 1
    assert statuses["fct_akim_ranking"]["materialized"]
    runs = _graphql(dagster_dev, RUNS, {"id": launched["backfillId"]})["runsOrError"]["results"]
    # one run per stage: the calendar, the 27 weeks, one dbt build, the ranking and its report
    # (together, or the report in a run of its own when the daemon requests it one tick later),
    # each saying what it does (run_labels_sensor), not only `__ASSET_JOB`
    common = {"half-year calendar 2019-H2", "load and classify 2019-W27..2020-W01", "dbt build"}
    assert _stages(dagster_dev, launched["backfillId"]) in (
        common | {"half-year ranking 2019-H2 + half-year report 2019-H2"},
        common | {"half-year ranking 2019-H2", "half-year report 2019-H2"},
    ), runs
    assert len(runs) in (4, 5), runs
    assert (akims_home / "reports" / f"{HALF_YEAR}.html").exists()
    assert not list((akims_home / ".dagster").rglob("*.db"))  # the runs went to PostgreSQL, not SQLite

    expected = _rank(reference, capsys, monkeypatch)
    assert json.loads(expected), "the reference run published an empty ranking"
    assert _rank(akims_home, capsys, monkeypatch) == expected


def test_each_weekly_partition_shows_its_own_week(akims_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A range of weeks is one run; each week's materialisation still carries that week's counts."""
    import dagster as dg
    import duckdb

    from orchestration import pipeline

    monkeypatch.setenv("AKIMS_SOURCE", "demo")
    monkeypatch.setenv("AKIMS_DEMO_SIZE", "3000")
    weeks = ["2019-07-01", "2019-07-08", "2019-07-15"]
    instance = pipeline.instance()
    pipeline._materialize("load_and_classify_job", keys=weeks, stage="load", dagster_instance=instance)

    con = duckdb.connect(str(akims_home / "warehouse.duckdb"), read_only=True)
    loaded = dict(con.execute("select cast(week_start as varchar), count(*) from raw.mentions group by 1").fetchall())
    classified = dict(
        con.execute("select cast(week_start as varchar), count(*) from raw.classified_mentions group by 1").fetchall()
    )
    con.close()
    assert len(set(loaded.values())) > 1, "the demo weeks should differ in size"
    for asset, expected in (("raw_mentions", loaded), ("classified_mentions", classified)):
        records = instance.fetch_materializations(dg.AssetKey(asset), limit=10).records
        assert sorted(r.partition_key for r in records) == weeks
        for record in records:
            metadata = record.asset_materialization.metadata
            assert metadata["dagster/row_count"].value == expected[record.partition_key], (asset, record.partition_key)
    loaded_weeks = instance.fetch_materializations(dg.AssetKey("loaded_weeks"), limit=10).records
    assert {r.partition_key: r.asset_materialization.metadata["mention_count"].value for r in loaded_weeks} == loaded

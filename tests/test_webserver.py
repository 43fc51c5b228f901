"""The Dagster UI as a user meets it: start the webserver on 127.0.0.1, ask its GraphQL API for
the asset graph and the schedule, stop it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

QUERY = """
{
  assetNodes { assetKey { path } dependencyKeys { path } groupName }
  repositoriesOrError {
    ... on RepositoryConnection { nodes { name schedules { name cronSchedule executionTimezone } } }
  }
}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["data"]


@pytest.fixture
def webserver(akims_home: Path) -> int:
    port = _free_port()
    dagster_home = akims_home / ".dagster"
    dagster_home.mkdir()
    env = dict(os.environ, DAGSTER_HOME=str(dagster_home))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dagster_webserver",
            "-m",
            "orchestration.definitions",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"webserver exited: {process.stderr.read().decode() if process.stderr else ''}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5):
                    break
            except OSError:
                time.sleep(1)
        else:
            raise AssertionError("webserver did not answer within 180 s")
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_graphql_shows_the_asset_graph_and_the_schedule(webserver: int) -> None:
    data = _graphql(webserver, QUERY)
    nodes = {"/".join(n["assetKey"]["path"]): n for n in data["assetNodes"]}
    deps = {key: {"/".join(d["path"]) for d in node["dependencyKeys"]} for key, node in nodes.items()}
    assert {"raw_mentions", "classified_mentions", "fct_akim_ranking", "weekly_ranking", "year_ranking"} <= set(nodes)
    assert "raw_mentions" in deps["stg_warehouse__mentions"]
    assert "fct_akim_ranking" in deps["half_year_ranking"]
    schedules = [s for repo in data["repositoriesOrError"]["nodes"] for s in repo["schedules"]]
    assert {"name": "weekly_rating_job_schedule", "cronSchedule": "0 6 * * 1", "executionTimezone": "Asia/Almaty"} in (
        schedules
    )

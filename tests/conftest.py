"""Shared fixtures: every test that touches a warehouse gets its own AKIMS_HOME."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Parse the dbt project once, before pytest-xdist starts its workers (scripts/test runs two):
    each worker imports the Dagster definitions, and two `dbt parse` at once would race on
    dbt_project/target."""
    if hasattr(config, "workerinput"):
        return
    from orchestration.dbt import ensure_manifest

    ensure_manifest()


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterable[object]:
    """A real PostgreSQL server for the session (pgserver: pip-installed binaries, a Unix socket in
    the test's folder, stopped at the end). One that cannot start fails the test with the reason."""
    import pgserver

    folder = tmp_path_factory.mktemp("pg")
    try:
        server = pgserver.get_server(folder, cleanup_mode="stop")
    except Exception as exc:  # the reason, never a skip
        pytest.fail(f"PostgreSQL (pgserver) did not start in {folder}: {exc}")
    yield server
    server.cleanup()


def postgres_database(server: object, name: str) -> str:
    """A new, empty database on the test server: its SQLAlchemy URL with the psycopg2 driver, as
    AKIMS_DAGSTER_POSTGRES_URL takes it."""
    server.psql(f"drop database if exists {name} with (force);")  # type: ignore[attr-defined]
    server.psql(f"create database {name};")  # type: ignore[attr-defined]
    socket_dir = server.get_uri().split("host=", 1)[1]  # type: ignore[attr-defined]
    return f"postgresql+psycopg2://postgres:@/{name}?host={socket_dir}"


@pytest.fixture
def akims_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("AKIMS_HOME", str(home))
    monkeypatch.delenv("AKIMS_SOURCE", raising=False)
    monkeypatch.delenv("AKIMS_PROGRESS", raising=False)
    return home


def write_jsonl(path: Path, rows: Iterable[dict]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def write_csv(path: Path, header: str, lines: Iterable[str]) -> Path:
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def ingest_labelled_and_run(
    work: Path, mentions: Iterable[dict], tenures: Iterable[tuple[str, ...]], first: str, last: str
) -> None:
    """Pre-labelled mentions and a roster (region_code, person_id, start_date, end_date) through
    `akims ingest --keep-source-labels --tenures` and `akims run --from first --to last`, into the
    AKIMS_HOME of the environment."""
    from orchestration.cli import main

    data = write_jsonl(work / "mentions.jsonl", mentions)
    roster = write_csv(
        work / "tenures.csv", "region_code,person_id,start_date,end_date", [",".join(t) for t in tenures]
    )
    assert main(["ingest", str(data), "--keep-source-labels", "--tenures", str(roster)]) == 0
    assert main(["run", "--from", first, "--to", last]) == 0


def lay_out_in_hub_cache(cache: Path, repo: str, revision: str, saved: Path) -> None:
    """Copy a saved model folder into the Hugging Face hub cache format that snapshot_download
    reads offline: blobs named by content hash, a snapshot of links, refs/main."""
    root = cache / ("models--" + repo.replace("/", "--"))
    blobs, snapshot = root / "blobs", root / "snapshots" / revision
    blobs.mkdir(parents=True, exist_ok=True)
    snapshot.mkdir(parents=True)
    for f in sorted(saved.iterdir()):
        data = f.read_bytes()
        blob = blobs / hashlib.sha256(data).hexdigest()
        blob.write_bytes(data)
        (snapshot / f.name).symlink_to(os.path.relpath(blob, snapshot))
    (root / "refs").mkdir(exist_ok=True)
    (root / "refs" / "main").write_text(revision, encoding="utf-8")


def mart_rows(warehouse: Path, *, without_tz_timestamps: bool = False) -> dict[str, list[tuple]]:
    """Every table of schema `marts` with its rows sorted; `without_tz_timestamps` leaves out the
    TIMESTAMP WITH TIME ZONE columns (run stamps), for comparing warehouses built at other times."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        found = {}
        for table in tables:
            columns = [
                f'"{c}"'
                for (c, kind) in con.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_schema = 'marts' and table_name = ? order by ordinal_position",
                    [table],
                ).fetchall()
                if not (without_tz_timestamps and kind.startswith("TIMESTAMP WITH"))
            ]
            found[table] = con.execute(f'select {", ".join(columns)} from marts."{table}" order by all').fetchall()
        return found
    finally:
        con.close()

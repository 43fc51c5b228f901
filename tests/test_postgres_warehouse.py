"""The warehouse on PostgreSQL (issue #19, part 2), against a real server the test starts.

`AKIMS_WAREHOUSE_URL` names a database of the test's PostgreSQL (pgserver, a Unix socket in the
test's folder): `akims demo` then ships the raw tables there, dbt builds every model, test and unit
test on the server, and the marts come back into the local file for publishing. The marts on the
server must equal those dbt builds on DuckDB from the same raw tables, a BI-style reader loops on
the server while a weekly run writes, and a bad URL or an unreachable server is one line. If the
server cannot start the tests fail with the reason: nothing is skipped.
"""

from __future__ import annotations

import datetime
import decimal
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from assets.paths import DBT_PROJECT_DIR
from orchestration.cli import main
from tests.conftest import postgres_database

PSEUDONYM_KEY = "postgres-warehouse-test"


def libpq_url(server: object, name: str) -> str:
    """A new, empty database on the test server, as a libpq URL (AKIMS_WAREHOUSE_URL)."""
    return postgres_database(server, name).replace("postgresql+psycopg2://", "postgresql://")


def server_rows(url: str, sql: str, params: list | None = None) -> list[tuple]:
    import psycopg2

    with psycopg2.connect(url) as con, con.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def _value(v: object) -> object:
    """One value as both engines' drivers give it, made comparable: numbers as floats to 12
    significant digits (PostgreSQL sums are numeric, DuckDB's HUGEINT), dates as ISO text."""
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int | float | decimal.Decimal):
        return float(f"{float(v):.12g}")
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, list | tuple):
        return tuple(_value(x) for x in v)
    return v


def table_rows(rows: list[tuple]) -> Counter:
    return Counter(tuple(_value(v) for v in row) for row in rows)


def server_marts(url: str) -> dict[str, tuple[list[str], Counter]]:
    found = {}
    for (table,) in server_rows(
        url, "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
    ):
        columns = [
            c
            for (c,) in server_rows(
                url,
                "select column_name from information_schema.columns where table_schema = 'marts' "
                "and table_name = %s order by ordinal_position",
                [table],
            )
        ]
        found[table] = (columns, table_rows(server_rows(url, f'select * from marts."{table}"')))
    return found


def duckdb_marts(path: Path) -> dict[str, tuple[list[str], Counter]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        found = {}
        for (table,) in con.execute(
            "select table_name from information_schema.tables where table_catalog = current_database() "
            "and table_schema = 'marts' order by 1"
        ).fetchall():
            cursor = con.execute(f'select * from marts."{table}"')
            columns = [d[0] for d in cursor.description]
            found[table] = (columns, table_rows(cursor.fetchall()))
        return found
    finally:
        con.close()


@pytest.fixture(scope="module")
def demo_on_postgres(postgres: object, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """`akims demo` (2019-H1, the full-size demo) with the warehouse on the server."""
    home = tmp_path_factory.mktemp("pg-warehouse") / "home"
    url = libpq_url(postgres, "akims_warehouse")
    saved = dict(os.environ)
    os.environ.update({"AKIMS_HOME": str(home), "AKIMS_WAREHOUSE_URL": url, "AKIMS_PSEUDONYM_KEY": PSEUDONYM_KEY})
    os.environ.pop("AKIMS_SOURCE", None)
    try:
        assert main(["demo"]) == 0
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return home, url


def assert_marts_equal_duckdbs(home: Path, url: str, work: Path) -> dict[str, tuple[list[str], Counter]]:
    """dbt builds the DuckDB target from a copy of the local file (the very raw tables the server
    got); every mart on the server must equal DuckDB's, column for column and row for row, and the
    local mirror (what publishing read) must equal the server. Returns the server's marts."""
    on_server = server_marts(url)
    duck_home = work / "duck"
    duck_home.mkdir()
    (duck_home / "warehouse.duckdb").write_bytes((home / "warehouse.duckdb").read_bytes())
    env = {
        **os.environ,
        "AKIMS_HOME": str(duck_home),
        "AKIMS_PSEUDONYM_KEY": PSEUDONYM_KEY,
        "AKIMS_DBT_TARGET": "dev",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    env.pop("AKIMS_WAREHOUSE_URL", None)
    built = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "build", "--full-refresh", "--profiles-dir", ".",
         "--target-path", str(work / "dbt-target"), "--quiet"],
        cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    on_duckdb = duckdb_marts(duck_home / "warehouse.duckdb")

    assert set(on_server) == set(on_duckdb)
    for table, (columns, rows) in on_duckdb.items():
        server_columns, server_table = on_server[table]
        assert server_columns == columns, table
        assert server_table == rows, f"{table}: {sum((rows - server_table).values())} row(s) differ"
    mirrored = duckdb_marts(home / "warehouse.duckdb")
    assert {t: r for t, (_, r) in mirrored.items()} == {t: r for t, (_, r) in on_server.items()}
    return on_server


def test_demo_marts_on_postgres_equal_duckdbs(demo_on_postgres: tuple[Path, str], tmp_path: Path) -> None:
    home, url = demo_on_postgres
    on_server = assert_marts_equal_duckdbs(home, url, tmp_path)
    assert {"fct_akim_ranking", "fct_rank_intervals", "fct_data_quality", "fct_mention_eligibility"} <= set(on_server)
    ranked = server_rows(url, "select count(*) from marts.fct_akim_ranking where period = '2019-H1' and is_ranked")
    assert ranked[0][0] >= 10
    # what was published went to the server
    published = server_rows(url, "select period, rank, person_id from publish.rankings where period = '2019-H1'")
    assert len(published) == ranked[0][0]


def test_the_methodology_fixture_on_postgres_matches_the_oracle_and_duckdb(
    postgres: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The oracle fixture of tests/test_methodology_e2e.py (a roster given with --tenures, so the
    override tables go to the server too; akim changes, registry accounts, reshares, duplicates)
    built on the server: every week's published ranking equals the plain-Python oracle's, and
    every mart equals DuckDB's."""
    from tests import test_methodology_e2e as e2e
    from tests.conftest import ingest_labelled_and_run
    from tests.rating_oracle import OracleTenure, effective_tenures, eligibility, weekly_ranking

    home = tmp_path / "home"
    url = libpq_url(postgres, "akims_methodology")
    monkeypatch.setenv("AKIMS_HOME", str(home))
    monkeypatch.setenv("AKIMS_WAREHOUSE_URL", url)
    monkeypatch.setenv("AKIMS_PSEUDONYM_KEY", PSEUDONYM_KEY)
    monkeypatch.delenv("AKIMS_SOURCE", raising=False)
    last = e2e.FIRST_MONDAY + datetime.timedelta(days=e2e.WEEKS * 7 - 1)
    ingest_labelled_and_run(tmp_path, e2e.build_fixture(), e2e.TENURES, e2e.FIRST_MONDAY.isoformat(), last.isoformat())
    assert server_rows(url, "select count(*) from overrides.akim_tenures")[0][0] == len(e2e.TENURES)

    tenures = effective_tenures(
        [
            OracleTenure(r, p, datetime.date.fromisoformat(s), datetime.date.fromisoformat(e) if e else None)
            for r, p, s, e in e2e.TENURES
        ]
    )
    rows = eligibility(e2e._oracle_inputs(home / "warehouse.duckdb"), tenures, set(e2e.OFFICIAL_ACCOUNTS))
    keys = ("rank", "person_id", "score", "mentions", "positive", "negative", "authors", "engagement", "reach")
    for week in range(e2e.WEEKS):
        monday = e2e.FIRST_MONDAY + datetime.timedelta(days=7 * week)
        year, number, _ = monday.isocalendar()
        published = server_rows(
            url,
            f"select {', '.join(keys)} from publish.rankings where period = %s order by rank",
            [f"{year}-W{number:02d}"],
        )
        expected = [tuple(r[k] for k in keys) for r in weekly_ranking(monday, rows, tenures)]
        assert [tuple(_value(v) for v in r) for r in published] == [tuple(_value(v) for v in r) for r in expected]

    monkeypatch.delenv("AKIMS_WAREHOUSE_URL")
    assert_marts_equal_duckdbs(home, url, tmp_path)


def test_a_bi_reader_on_the_server_never_fails_while_a_weekly_run_writes(
    demo_on_postgres: tuple[Path, str],
) -> None:
    """Plain SQL against the marts, in a loop, while `akims run` builds and publishes 2019-W27 on the
    same server: every read succeeds and sees the whole published half-year, never part of it."""
    import psycopg2

    home, url = demo_on_postgres
    half_year = "select count(*), sum(mentions) from marts.fct_akim_ranking where period = '2019-H1' and is_ranked"
    (expected,) = server_rows(url, half_year)
    reads: list[tuple] = []
    errors: list[str] = []
    done = threading.Event()

    def read_in_a_loop() -> None:
        con = psycopg2.connect(url)
        con.autocommit = True
        try:
            with con.cursor() as cur:
                while not done.is_set():
                    try:
                        cur.execute(half_year)
                        reads.append(cur.fetchone())
                        cur.execute("select count(*) from marts.fct_mention_eligibility where status = 'eligible'")
                        cur.fetchone()
                        cur.execute("select count(*) from publish.rankings")
                        cur.fetchone()
                    except psycopg2.Error as exc:
                        errors.append(" ".join(str(exc).split()))
                    time.sleep(0.05)
        finally:
            con.close()

    reader = threading.Thread(target=read_in_a_loop)
    reader.start()
    try:
        env = {**os.environ, "AKIMS_HOME": str(home), "AKIMS_WAREHOUSE_URL": url, "AKIMS_SOURCE": "demo",
               "AKIMS_PSEUDONYM_KEY": PSEUDONYM_KEY}  # fmt: skip
        run = subprocess.run(
            [sys.executable, "-m", "orchestration.cli", "run", "--from", "2019-07-01", "--to", "2019-07-07"],
            env=env, capture_output=True, text=True, check=False, timeout=600,
        )  # fmt: skip
    finally:
        done.set()
        reader.join()
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert errors == []
    assert len(reads) >= 20
    assert set(reads) == {expected}
    week = server_rows(url, "select count(*) from publish.rankings where period = '2019-W27'")
    assert week[0][0] >= 10  # the week the run wrote is on the server, published


def test_back_to_duckdb_the_next_run_rebuilds_the_file_and_its_marts_equal_the_servers(
    demo_on_postgres: tuple[Path, str], tmp_path: Path
) -> None:
    """A warehouse built on the server, with the variable unset again: the local file holds only
    the mirrored marts (no staging or intermediate models), the next run's dbt build is full on
    DuckDB (the file has no full build on record: the server's builds are recorded on the server)
    and gives the server's marts."""
    import shutil

    home, url = demo_on_postgres
    local = tmp_path / "home"
    shutil.copytree(home, local)
    env = {**os.environ, "AKIMS_HOME": str(local), "AKIMS_SOURCE": "demo", "AKIMS_PSEUDONYM_KEY": PSEUDONYM_KEY}
    env.pop("AKIMS_WAREHOUSE_URL", None)
    run = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "run", "--from", "2019-06-24", "--to", "2019-06-30"],
        env=env, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    rebuilt = duckdb_marts(local / "warehouse.duckdb")
    assert {t: r for t, (_, r) in rebuilt.items()} == {t: r for t, (_, r) in server_marts(url).items()}
    con = duckdb.connect(str(local / "warehouse.duckdb"), read_only=True)
    try:  # the view dbt makes on DuckDB replaced the mirrored table
        kind = con.execute(
            "select table_type from information_schema.tables where table_name = 'fct_mention_eligibility'"
        ).fetchone()
    finally:
        con.close()
    assert kind == ("VIEW",)


def test_a_warehouse_url_that_is_not_postgres_is_one_line(
    akims_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AKIMS_WAREHOUSE_URL", "mysql://user:secret@db.example/akims")
    monkeypatch.setenv("AKIMS_SOURCE", "demo")
    assert main(["run", "--from", "2019-01-07", "--to", "2019-01-13"]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "AKIMS_WAREHOUSE_URL must be a postgresql:// URL" in err
    assert "secret" not in err


def test_an_unreachable_warehouse_server_stops_the_run_before_loading(
    akims_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AKIMS_WAREHOUSE_URL", f"postgresql://akims:secret@/akims?host={tmp_path}/no-server")
    monkeypatch.setenv("AKIMS_SOURCE", "demo")
    assert main(["run", "--from", "2019-01-07", "--to", "2019-01-13"]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "cannot connect to the warehouse server" in err and "no-server" in err and "secret" not in err


def test_shipping_replaces_only_the_weeks_that_changed(postgres: object, tmp_path: Path) -> None:
    """ship_raw on a real DuckDB file and server: a second ship copies nothing, a reloaded week is
    replaced alone, a week gone locally goes on the server, a list column arrives as an array."""
    from assets.postgres_warehouse import connect_server, ship_raw

    url = libpq_url(postgres, "akims_ship")
    duck = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    duck.execute("create schema raw")
    duck.execute(
        "create table raw.mentions as select * from (values "
        "('1', date '2019-01-07', timestamp '2019-01-14 01:00:00', 'a \"b\", c'), "
        "('2', date '2019-01-07', timestamp '2019-01-14 01:00:00', ''), "
        "('3', date '2019-01-14', timestamp '2019-01-21 01:00:00', null)) as t(id, week_start, loaded_at, text)"
    )
    duck.execute(
        "create table raw.classified_mentions as select id, week_start, loaded_at as classified_at, "
        "['ak-1', 'ak \"2\"'] as akims from raw.mentions"
    )
    duck.execute("create table raw.loaded_weeks as select distinct week_start from raw.mentions")

    def ship() -> tuple[int, int]:
        with connect_server(url) as pg:
            report = ship_raw(duck, pg)
        return report.weeks, report.rows

    assert ship() == (2, 3 + 3 + 2)
    assert ship() == (0, 2)  # only the small tables, copied whole
    duck.execute("update raw.mentions set loaded_at = timestamp '2019-01-22 01:00:00' where week_start = '2019-01-14'")
    assert ship() == (1, 1 + 2)
    duck.execute("delete from raw.mentions where week_start = '2019-01-07'")
    assert ship() == (1, 0 + 2)
    assert server_rows(url, "select id, text from raw.mentions order by id") == [("3", None)]
    assert server_rows(url, "select akims from raw.classified_mentions where id = '1'") == [(["ak-1", 'ak "2"'],)]
    assert server_rows(url, "select count(*) from raw.classified_mentions")[0][0] == 3


def test_a_database_that_lower_cases_only_ascii_is_refused(postgres: object) -> None:
    """In a C-locale database lower('Ё') is 'Ё': normalised texts would differ from DuckDB's."""
    from assets.postgres_warehouse import WarehouseServerError, check_text_rules, connect_server

    postgres.psql("drop database if exists akims_c_locale with (force);")  # type: ignore[attr-defined]
    postgres.psql(  # type: ignore[attr-defined]
        "create database akims_c_locale lc_ctype 'C' lc_collate 'C' template template0;"
    )
    url = libpq_url(postgres, "akims_utf8").replace("/akims_utf8?", "/akims_c_locale?")
    with connect_server(url) as pg, pytest.raises(WarehouseServerError, match="lower-cases only ASCII"):
        check_text_rules(pg, "test")
    with connect_server(libpq_url(postgres, "akims_utf8")) as pg:
        check_text_rules(pg, "test")  # the server's default locale folds Cyrillic

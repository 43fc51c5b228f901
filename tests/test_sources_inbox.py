"""The inbox sensor and the landing_mentions asset; pseudonymised authors in the dbt staging model."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from assets.paths import DBT_PROJECT_DIR
from assets.sources.pseudonymise import KEY_ENV, pseudonym
from orchestration.cli import main
from orchestration.resources import WarehouseResource
from orchestration.sensors import inbox_sensor, landing_mentions, week_ranges

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


def _fill_inbox(home: Path) -> Path:
    inbox = home / "landing" / "inbox"
    (inbox / "telegram").mkdir(parents=True)
    (inbox / "desk").mkdir()
    shutil.copy(FIXTURES / "telegram_result.json", inbox / "telegram" / "result.json")
    shutil.copy(FIXTURES / "custom_export.csv", inbox / "desk" / "export.csv")
    shutil.copy(FIXTURES / "custom_mapping.yaml", inbox / "desk" / "mapping.yaml")
    shutil.copy(FIXTURES / "broken_telegram.json", inbox / "broken.json")
    (inbox / "desk" / "still-copying.csv.part").write_text("half a file")
    return inbox


def _counts(home: Path) -> tuple[list, list]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return (
            con.execute("select source, platform, id from landing.mentions order by all").fetchall(),
            con.execute("select source, reason from raw.quarantine order by all").fetchall(),
        )
    finally:
        con.close()


def test_week_ranges_split_on_gaps_and_drop_unknown_weeks() -> None:
    from datetime import date

    weeks = [date(2019, 3, 4), date(2019, 3, 11), date(2019, 3, 25), date(2030, 1, 7)]
    valid = {"2019-03-04", "2019-03-11", "2019-03-18", "2019-03-25"}
    assert week_ranges(weeks, valid) == [("2019-03-04", "2019-03-11"), ("2019-03-25", "2019-03-25")]


def test_sensor_requests_the_weeks_of_new_files_once(akims_home: Path) -> None:
    inbox = _fill_inbox(akims_home)
    with dg.instance_for_test() as instance:
        result = inbox_sensor(dg.build_sensor_context(instance=instance))
        assert isinstance(result, dg.SensorResult)
        [request] = result.run_requests
        assert request.tags[ASSET_PARTITION_RANGE_START_TAG] == "2019-03-04"
        assert request.tags[ASSET_PARTITION_RANGE_END_TAG] == "2019-03-04"
        again = inbox_sensor(dg.build_sensor_context(instance=instance, cursor=result.cursor))
        assert isinstance(again, dg.SkipReason)
        # a new file covering another week is noticed
        shutil.copy(FIXTURES / "4cat_telegram.csv", inbox / "more.csv")
        (inbox / "more.csv").write_text(
            (FIXTURES / "4cat_telegram.csv").read_text(encoding="utf-8").replace("2019-03-0", "2019-04-0"),
            encoding="utf-8",
        )
        third = inbox_sensor(dg.build_sensor_context(instance=instance, cursor=result.cursor))
        assert isinstance(third, dg.SensorResult)
        assert [r.tags[ASSET_PARTITION_RANGE_START_TAG] for r in third.run_requests] == ["2019-04-01"]


def test_landing_asset_lands_the_inbox_and_moves_files(akims_home: Path) -> None:
    inbox = _fill_inbox(akims_home)
    resources = {"warehouse": WarehouseResource(home=str(akims_home))}
    with dg.instance_for_test() as instance:
        result = dg.materialize([landing_mentions], partition_key="2019-03-04", resources=resources, instance=instance)
        assert result.success
        landed, quarantined = _counts(akims_home)
        waiting = sorted(p.name for p in inbox.rglob("*") if p.is_file())
        assert waiting == ["mapping.yaml", "still-copying.csv.part"]
        assert {s for s, _, _ in landed} == {"telegram", "files"}
        assert len(landed) == 4 + 3
        assert any(r.startswith("unreadable file: broken.json: not valid JSON") for _, r in quarantined)
        rejected = list((akims_home / "landing" / "rejected").iterdir())
        assert any(p.name.endswith("broken.json.reason.txt") for p in rejected)
        assert len(list((akims_home / "landing" / "processed").iterdir())) == 2
        # the same files dropped again change nothing
        shutil.rmtree(inbox)
        _fill_inbox(akims_home)  # the same content, new copies
        assert dg.materialize(
            [landing_mentions], partition_key="2019-03-04", resources=resources, instance=instance
        ).success
        assert _counts(akims_home) == (landed, quarantined)


def test_private_authors_are_pseudonymised_in_staging(
    akims_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assets.warehouse import connect, copy_landing_week

    key = "a-test-key-that-must-stay-secret"
    monkeypatch.setenv(KEY_ENV, key)
    assert main(["ingest", str(FIXTURES / "vendor_cp1251.csv")]) == 0
    with connect(akims_home / "warehouse.duckdb") as con:
        from datetime import date

        copy_landing_week(con, date(2019, 3, 4))
        # the classifier's verdicts: one media account; akimat_almobl is classified a person here,
        # but stays named when it is in the registry (checked below with --official-accounts)
        con.execute(
            "insert into raw.classified_mentions select platform, id, week_start, [], 'neutral', 0, 'classifier', "
            "case when author_id = 'erlan.s' then 'media' else 'person' end, false, 'ru', 'embedded', 't', null, "
            "now(), null from raw.mentions"
        )
        con.execute(
            "create schema if not exists overrides; create or replace table overrides.official_accounts as "
            "select 'instagram' as platform, 'akimat_almobl' as author_id, 'Акимат' as author_name, "
            "'KZ-19' as region_code, 'akimat' as kind"
        )
    target = tmp_path / "target"
    common = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    common += ["--target-path", str(target), "--log-path", str(tmp_path / "logs")]
    dbt = str(Path(sys.executable).parent / "dbt")
    for command in (
        ["seed", "--select", "official_accounts"],
        ["run", "--select", "stg_reference__official_accounts", "stg_warehouse__mentions"],
    ):
        done = subprocess.run([dbt, *command, *common], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout[-2000:]
        assert key not in done.stdout + done.stderr
    con = duckdb.connect(str(akims_home / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "select author_id, author_name, author_pseudonymised from staging.stg_warehouse__mentions order by all"
        ).fetchall()
    finally:
        con.close()
    assert rows == sorted(
        [
            (pseudonym(key.encode(), "aigul_n"), None, True),
            ("erlan.s", "Ерлан С.", False),  # media keeps its name
            ("akimat_almobl", "Акимат Алматинской области", False),  # registry account keeps its id
        ]
    )
    # the key is in no compiled SQL, log or the warehouse file
    for folder in (target, tmp_path / "logs", DBT_PROJECT_DIR / "target"):
        for path in folder.rglob("*"):
            if path.is_file() and path.stat().st_size < 20_000_000:
                assert key.encode() not in path.read_bytes(), path
    assert key.encode() not in (akims_home / "warehouse.duckdb").read_bytes()

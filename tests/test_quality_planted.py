"""Data-quality checks shown failing on planted bad data (issue #16), through the real pipeline:
ingest -> Dagster run -> marts.fct_data_quality -> `akims quality` / `akims rank`.

One pipeline run (`built`), every problem the pipeline itself can produce planted in its input:
three weeks 2019-W09..W11 of Instagram posts (`akims ingest` of a JSONL file) and a Telegram
channel (`akims ingest --source telegram` of a Telegram Desktop export) that delivers W09 and W10
only (source_gap in W11), with Thursday 2019-03-14 nearly empty (daily_volume_drop), and tenures
that overlap (tenure_overlap) and change hands mid-week (ranking_newcomer, ranking_missing_region).
`planted` is a copy of that warehouse as built.

The invariant guards (expectations, registry_leakage, eligible_out_of_tenure) never trip on
valid input: `tampered`, the built warehouse itself (same path, so dbt reuses the pipeline's
parse), gets the row a bug would write in each of the three weeks, then the real Great
Expectations asset check of W09..W11 as one run, a dbt run of fct_data_quality alone and the weekly publication
job. `planted` is the control: there the same checks pass.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from assets.paths import DBT_PROJECT_DIR
from assets.settings import MEMORY_LIMIT_ENV, Settings
from orchestration.assets import classified_mentions, raw_mentions
from orchestration.checks import raw_mentions_expectations
from orchestration.cli import main
from orchestration.dbt import TARGET_DIR
from orchestration.definitions import defs
from orchestration.pipeline import instance
from orchestration.quality import quality_expectations
from orchestration.resources import build_resources, dbt_executable
from tests.conftest import write_csv, write_jsonl

TENURES = [
    "KZ-19,batalov-amandyk,2014-01-01,",
    # Aktobe: a same-day handover on Tuesday 2019-03-05 -> the successor ranks for W10 as a newcomer
    "KZ-15,urazalin-ondasyn,2018-01-01,2019-03-05",
    "KZ-15,saparbaev-berdibek,2019-03-05,",
    # Akmola: the successor starts 2019-03-08 while the predecessor holds office to 2019-03-10
    "KZ-11,murzalin-malik,2018-01-01,2019-03-10",
    "KZ-11,marzhikpaev-ermek,2019-03-08,",
]
W09, W10, W11 = "2019-W09", "2019-W10", "2019-W11"
WEEK = W10  # 4..10 March 2019
FIRST_DAY = date(2019, 2, 25)  # Monday of W09
LOW_DAY = date(2019, 3, 14)  # Thursday of W11: one mention against ~5 a day before
REGISTRY_POST = "r-2019-03-06"  # W10, by instagram:akimat_almobl (in the project's registry)
FORMER_AKIM_POST = "u-2019-03-12"  # W11, names urazalin-ondasyn a week after his tenure ended
BAD_COUNTER_POST = "f1-2019-02-27"  # W09, the row a loader bug gives a negative counter in `tampered`
TELEGRAM_CHAT = 1001


def _post(mid: str, day: str, author: str, text: str, sentiment: str = "neutral") -> dict:
    return {
        "id": mid,
        "platform": "instagram",
        "published_at": f"{day}T12:00:00+06:00",
        "author_id": author,
        "author_name": f"Житель {author}",
        "text": text,
        "sentiment": sentiment,
    }


def _day_posts(day: date) -> list[dict]:
    """A day's Instagram posts: Batalov, the Aktobe akim of the day and two naming nobody; the
    low day has Batalov's post only."""
    d, n = day.isoformat(), day.toordinal()
    rows = [_post(f"b-{d}", d, f"citizen{n}", f"Баталов, когда починят дорогу {d}?", "negative")]
    if day == LOW_DAY:
        return rows
    aktobe = "Уразалин" if day < date(2019, 3, 4) else "Сапарбаев"
    rows.append(_post(f"s-{d}", d, f"reader{n}", f"{aktobe}, спасибо за свет {d}", "positive"))
    rows += [_post(f"f{k}-{d}", d, f"neighbour{n}x{k}", f"Погода сегодня хорошая, заметка {k} от {d}") for k in (1, 2)]
    return rows


def _mentions() -> list[dict]:
    rows = [p for k in range(21) for p in _day_posts(FIRST_DAY + timedelta(days=k))]
    rows.append(
        _post(REGISTRY_POST, "2019-03-06", "akimat_almobl", "Аким области Баталов открыл новую школу в Талгаре")
    )
    rows.append(_post(FORMER_AKIM_POST, "2019-03-12", "historian1", "Уразалин дал интервью о своей работе в Актобе"))
    return rows


def _telegram_export() -> dict:
    """A channel posting once a day in W09 and W10, and nothing in W11."""
    days = [FIRST_DAY + timedelta(days=k) for k in range(14)]
    messages = [
        {"id": k + 1, "type": "message", "date": f"{d.isoformat()}T09:00:00", "text": f"Сводка новостей города за {d}"}
        for k, d in enumerate(days)
    ]
    return {"name": "Городские новости", "type": "public_channel", "id": TELEGRAM_CHAT, "messages": messages}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The warehouse as `akims ingest` + `akims run` leave it (`tampered` changes it later)."""
    mp = pytest.MonkeyPatch()
    tmp = tmp_path_factory.mktemp("planted")
    home = tmp / "home"
    home.mkdir()
    mp.setenv("AKIMS_HOME", str(home))
    mp.delenv("AKIMS_SOURCE", raising=False)
    mp.delenv("AKIMS_QUALITY_GATE", raising=False)
    tenures = write_csv(tmp / "tenures.csv", "region_code,person_id,start_date,end_date", TENURES)
    mentions = write_jsonl(tmp / "mentions.jsonl", _mentions())
    telegram = tmp / "result.json"
    telegram.write_text(json.dumps(_telegram_export(), ensure_ascii=False), encoding="utf-8")
    assert main(["ingest", str(mentions), "--keep-source-labels", "--tenures", str(tenures)]) == 0
    assert main(["ingest", "--source", "telegram", str(telegram)]) == 0
    # warnings only: every week is published
    assert main(["run", "--from", "2019-02-25", "--to", "2019-03-17"]) == 0
    yield home
    mp.undo()


@pytest.fixture(scope="module")
def planted(built: Path) -> Path:
    """A copy of the warehouse as the pipeline built it, for reading (never tampered with)."""
    home = built.parent / "clean"
    home.mkdir()
    for f in built.glob("warehouse.duckdb*"):
        shutil.copy(f, home / f.name)
    return home


@dataclass(frozen=True)
class Tampered:
    home: Path
    expectations_passed: bool  # the asset check's own verdict on the tampered week
    gate: str  # why the weekly publication job refused
    published: set[str]


def _tamper(home: Path) -> None:
    """What three bugs would write (see the tests' docstrings), one in each week."""
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    try:
        # W09: a loader that skips the contract's check lets a negative counter into raw.mentions
        assert con.execute("update raw.mentions set likes = -5 where id = ?", [BAD_COUNTER_POST]).fetchone() == (1,)
        # W10: rule 2 loses the registry, so the akimat's own post passes as eligible
        registry_post = con.execute(
            "update intermediate.int_mention_eligibility set status = 'eligible' where mention_key = ?",
            [f"instagram:{REGISTRY_POST}"],
        )
        assert registry_post.fetchone() == (1,)
        # W11: rule 4 takes the person's last rated tenure, not the one holding the mention's date
        former_akim_post = con.execute(
            """
            update intermediate.int_mention_eligibility e
            set status = 'eligible', tenure_id = t.tenure_id, region_code = t.region_code,
                tenure_start_date = t.start_date, tenure_end_date = t.effective_end_date
            from intermediate.int_tenures t
            where t.person_id = e.person_id and e.person_id = 'urazalin-ondasyn' and e.status = 'out_of_tenure'
            """
        )
        assert former_akim_post.fetchone() == (1,)
    finally:
        con.close()


def _validate_weeks(first: str, last: str) -> bool:
    """The real Great Expectations validation of raw mentions over the weeks first..last (one
    Dagster run of the quality_expectations asset and the check reading it, as a backfill
    launches them); the check's verdict."""
    result = dg.materialize(
        [raw_mentions, classified_mentions, quality_expectations, raw_mentions_expectations],
        selection=dg.AssetSelection.assets(quality_expectations) | dg.AssetSelection.checks(raw_mentions_expectations),
        resources=build_resources(),
        tags={ASSET_PARTITION_RANGE_START_TAG: first, ASSET_PARTITION_RANGE_END_TAG: last},
        raise_on_error=False,
    )
    assert result.success
    (evaluation,) = result.get_asset_check_evaluations()
    return evaluation.passed


def _rebuild_quality_mart(home: Path) -> None:
    """`dbt run` of marts.fct_data_quality alone, with the project's profile on this warehouse.
    It starts from the partial parse of the pipeline's dbt build of the same warehouse (same
    profile), so dbt does not parse the whole project again."""
    target = home.parent / "dbt_target"
    target.mkdir()
    (run,) = instance().get_runs(filters=dg.RunsFilter(job_name="dbt_build_job"), limit=1)
    for parsed in TARGET_DIR.glob(f"*-{run.run_id[:7]}-*/partial_parse.msgpack"):
        shutil.copy(parsed, target / parsed.name)
    env = {**os.environ, "AKIMS_HOME": str(home), MEMORY_LIMIT_ENV: Settings.from_env().duckdb_memory_limit}
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"  # as dagster-dbt runs it: no network
    project = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    scratch = ["--target-path", str(target), "--log-path", str(target)]
    done = subprocess.run(
        [dbt_executable(), "run", "--select", "fct_data_quality", "--no-write-json", *project, *scratch],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]


def _publish_weeks(first: str, last: str) -> tuple[str, set[str]]:
    """The weekly publication job over these weeks: its gate's refusal, and what stays published."""
    result = defs.resolve_job_def("publish_weekly_job").execute_in_process(
        tags={ASSET_PARTITION_RANGE_START_TAG: first, ASSET_PARTITION_RANGE_END_TAG: last}, raise_on_error=False
    )
    errors = [
        e.step_failure_data.error.message
        for e in result.all_events
        if e.event_type_value == "STEP_FAILURE" and e.step_failure_data and e.step_failure_data.error
    ]
    with duckdb.connect(str(Path(os.environ["AKIMS_HOME"]) / "warehouse.duckdb"), read_only=True) as con:
        published = {p for (p,) in con.execute("select period from publish.periods").fetchall()}
    return " ".join(errors), published


@pytest.fixture(scope="module")
def tampered(built: Path, planted: Path) -> Tampered:
    """The built warehouse (`planted` holds the copy taken before) after three bugs' rows, the
    Great Expectations check of W09..W11, a dbt run of fct_data_quality and the weekly publication."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AKIMS_HOME", str(built))
        _tamper(built)
        passed = _validate_weeks("2019-02-25", "2019-03-11")
        _rebuild_quality_mart(built)
        gate, published = _publish_weeks("2019-02-25", "2019-03-11")
    return Tampered(built, passed, gate, published)


def _checks(home: Path, name: str, period: str = WEEK) -> list[tuple[str, str, str]]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(
            "select outcome, subject, detail from marts.fct_data_quality "
            "where period = ? and check_name = ? and outcome <> 'pass' order by subject",
            [period, name],
        ).fetchall()
    finally:
        con.close()


def _cli(
    home: Path, args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    monkeypatch.setenv("AKIMS_HOME", str(home))
    capsys.readouterr()
    code = main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def _quality_out(home: Path, period: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    code, out, _ = _cli(home, ["quality", "--period", period], monkeypatch, capsys)
    assert code == 0
    return out


def test_tenure_overlap_is_flagged(
    planted: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _checks(planted, "tenure_overlap")
    assert [(o, s) for o, s, _ in rows] == [
        ("warn", "KZ-11 marzhikpaev-ermek / murzalin-malik")
    ]  # ordered by tenure_id
    assert "2019-03-08 to 2019-03-10" in rows[0][2]
    assert "tenure_overlap" in _quality_out(planted, WEEK, monkeypatch, capsys)


def test_ranking_newcomer_is_flagged(
    planted: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _checks(planted, "ranking_newcomer")
    assert ("warn", "saparbaev-berdibek KZ-15") in [(o, s) for o, s, _ in rows]
    assert "ranking_newcomer" in _quality_out(planted, WEEK, monkeypatch, capsys)


def test_ranking_missing_region_is_flagged(
    planted: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    subjects = {s for o, s, _ in _checks(planted, "ranking_missing_region") if o == "warn"}
    # regions without any tenure are not ranked; the ones with a ranked akim are not listed
    assert subjects
    assert "KZ-19" not in subjects
    assert "ranking_missing_region" in _quality_out(planted, WEEK, monkeypatch, capsys)


def test_source_gap_is_flagged(
    planted: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The Telegram channel delivered W09 and W10 (2 of the 3 loaded weeks: a source that
    normally delivers) and nothing in W11; a warning, the week is still published."""
    detail = "source telegram delivered nothing in loaded week 2019-W11"
    assert _checks(planted, "source_gap", W11) == [("warn", "telegram 2019-W11", detail)]
    assert _checks(planted, "source_gap", W10) == []
    out = _quality_out(planted, W11, monkeypatch, capsys)
    assert "  WARN             source_gap\n" in out and f"      - {detail}\n" in out
    assert _cli(planted, ["rank", "--period", W11], monkeypatch, capsys)[0] == 0


def test_daily_volume_drop_is_flagged(
    planted: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Thursday 2019-03-14 has one mention against a median of 5 a day in the days before
    (under daily_drop_share 0.3); the other days of W11 (4-5 mentions) and of W10 pass."""
    detail = "2019-03-14: 1 mention(s), 20.0% of the median 5.0 of the days before"
    assert _checks(planted, "daily_volume_drop", W11) == [("warn", "2019-03-14", detail)]
    assert _checks(planted, "daily_volume_drop", W10) == []
    out = _quality_out(planted, W11, monkeypatch, capsys)
    assert "  WARN             daily_volume_drop\n" in out and f"      - {detail}\n" in out


def _assert_blocks(
    tampered: Tampered,
    period: str,
    check: str,
    detail: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The check blocks the period: `akims quality` shows it, the publication job withdrew the
    period, `akims rank` refuses it with the reason in one line."""
    out = _quality_out(tampered.home, period, monkeypatch, capsys)
    assert f"  FAIL (blocking)  {check}\n" in out and f"      - {detail}\n" in out
    assert f"publication blocked by: {check}\n" in out
    assert f"{period} blocked by {check}" in tampered.gate
    assert period not in tampered.published
    refused = f"akims: {period}: not published: {check}: {detail}; see `akims quality --period {period}`\n"
    # `akims export` refuses it the same way (it wrote the withdrawn ranking's CSV)
    for command in ("rank", "export"):
        code, out, err = _cli(tampered.home, [command, "--period", period], monkeypatch, capsys)
        assert (code, out, err) == (2, "", refused), command
    assert not (tampered.home / "exports" / period).exists()


def test_expectations_fail_on_a_row_breaking_the_contract(
    planted: Path, tampered: Tampered, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Stands for a loader bug that skips the contract's checks: a post of W09 reaches
    raw.mentions with likes = -5. The real asset check raw_mentions_expectations (the Great
    Expectations suite) validates W09..W11 in one run, fails, and stores the failure for W09 only
    (one bad row withdraws its own week, not the run's), naming the row by its mention_key."""
    assert _checks(planted, "expectations", W09) == []
    assert not tampered.expectations_passed
    detail = "Great Expectations failed on raw_mentions: expect_column_values_to_be_between likes, 1 unexpected"
    assert _checks(tampered.home, "expectations", W09) == [
        ("fail", "raw_mentions: expect_column_values_to_be_between (likes)", detail)
    ]
    assert _checks(tampered.home, "expectations", W10) == []
    assert _checks(tampered.home, "expectations", W11) == []
    con = duckdb.connect(str(tampered.home / "warehouse.duckdb"), read_only=True)
    try:
        (mention_key,) = con.execute(
            "select mention_key from staging.stg_warehouse__mentions where source_key = ?",
            [f"instagram:{BAD_COUNTER_POST}"],
        ).fetchone()
        evidence = con.execute(
            "select evidence from marts.fct_data_quality where check_name = 'expectations' and period in (?, ?)",
            [W09, "2019-H1"],
        ).fetchall()
    finally:
        con.close()
    assert evidence == [(json.dumps([f"{mention_key} likes=-5.0"]),)] * 2
    _assert_blocks(tampered, W09, "expectations", detail, monkeypatch, capsys)


def test_registry_leakage_fails_on_an_eligible_registry_post(
    planted: Path, tampered: Tampered, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Stands for a bug in eligibility rule 2 (official author) that loses the registry: the post
    of instagram:akimat_almobl (an akimat in the project's registry) naming Batalov in W10 becomes
    eligible in int_mention_eligibility. The pipeline itself marks it official_author."""
    con = duckdb.connect(str(planted / "warehouse.duckdb"), read_only=True)
    (status,) = con.execute(
        "select status from marts.fct_mention_eligibility where mention_key = ?", [f"instagram:{REGISTRY_POST}"]
    ).fetchone()
    con.close()
    assert status == "official_author"
    assert _checks(planted, "registry_leakage", W10) == []
    detail = "1 eligible mention(s) from registry account instagram:akimat_almobl"
    assert _checks(tampered.home, "registry_leakage", W10) == [("fail", "instagram:akimat_almobl", detail)]
    _assert_blocks(tampered, W10, "registry_leakage", detail, monkeypatch, capsys)


def test_eligible_out_of_tenure_fails_on_a_mention_after_the_tenure(
    planted: Path, tampered: Tampered, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Stands for a bug in eligibility rule 4 (tenure on the local date) that takes a person's
    last rated tenure whatever the date: the W11 post naming Urazalin, whose Aktobe tenure ended
    with the handover of 2019-03-05, becomes eligible for that tenure. The pipeline itself keeps
    it as out_of_tenure (a warning, not counted)."""
    assert [(o, s) for o, s, _ in _checks(planted, "out_of_tenure", W11)] == [("warn", "urazalin-ondasyn")]
    assert _checks(planted, "eligible_out_of_tenure", W11) == []
    tenure = "KZ-15:urazalin-ondasyn:2018-01-01"
    detail = f"1 eligible mention(s) of {tenure} dated outside the tenure"
    assert _checks(tampered.home, "eligible_out_of_tenure", W11) == [("fail", tenure, detail)]
    _assert_blocks(tampered, W11, "eligible_out_of_tenure", detail, monkeypatch, capsys)

"""The walking skeleton end to end: ingest -> Dagster (raw, classified, dbt, rankings) -> akims rank.

A small pre-labelled fixture over two ISO weeks of March 2019, three tenures given with
`--tenures`, and rankings computed by hand in the comments below.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.cli import main
from orchestration.pipeline import instance
from tests.conftest import write_csv, write_jsonl


def mention(mid: str, day: str, author: str, text: str, sentiment: str, **extra) -> dict:
    row = {
        "id": mid,
        "platform": extra.pop("platform", "facebook"),
        "published_at": day if "T" in day else f"{day}T12:00:00+06:00",
        "author_id": author,
        "author_name": extra.pop("author_name", f"Житель {author}"),
        "text": text,
        "sentiment": sentiment,
    }
    row.update(extra)
    return row


FIXTURE = [
    # Week 2019-W10 (4..10 March). Batalov: 3 mentions, 2 positive, 1 negative, authors a and b.
    mention(
        "m1",
        "2019-03-04",
        "a",
        "Аким Баталов молодец, спасибо за новую дорогу",
        "positive",
        likes=10,
        author_followers=100,
    ),
    mention(
        "m2",
        "2019-03-05",
        "b",
        "Баталов открыл школу в Талдыкоргане",
        "positive",
        likes=5,
        comments=1,
        author_followers=50,
    ),
    mention("m3", "2019-03-06", "a", "Баталов опять обещал газ и не провёл", "negative", author_followers=120),
    # Shukeev: 2 mentions, one negative, one neutral.
    mention(
        "m4",
        "2019-03-06",
        "c",
        "Шукеев, в Кентау нет воды уже неделю",
        "negative",
        likes=3,
        reposts=2,
        author_followers=1000,
    ),
    mention("m5", "2019-03-07", "d", "Шукеев провёл приём граждан", "neutral"),
    # Urazalin: 1 eligible positive; an official registry account and a duplicate are excluded.
    mention("m6", "2019-03-07", "e", "Уразалин помог нашему двору, спасибо", "positive", likes=1, author_followers=10),
    mention(
        "m7",
        "2019-03-07",
        "akimat_aktobe",
        "Аким области Ондасын Уразалин провёл совещание",
        "positive",
        platform="telegram",
        author_name="Акимат Актюбинской области",
    ),
    mention("m8", "2019-03-08", "e", "Уразалин помог нашему двору, спасибо", "positive", likes=1, author_followers=10),
    # 23:30 UTC on Sunday 10 March is Monday 11 March in Almaty: week 2019-W11.
    mention("m9", "2019-03-10T23:30:00+00:00", "g", "Шукеев, спасибо за парк", "positive", author_followers=5),
]

TENURES = [
    "KZ-19,batalov-amandyk,2014-01-01,",
    "KZ-61,shukeev-umirzak,2019-02-26,",
    "KZ-15,urazalin-ondasyn,2019-02-26,",
]

# Hand-computed, N = 3, points = 4 - place (ties share the best place).
# W10 (value (points)): mentions, positive, negative, tone, authors, engagement, reach = score
#   Batalov  3 (3), 2 (3), 1 (2), .3333 (2), 2 (3), 16 (3), 170 (2)  = 18
#   Shukeev  2 (2), 0 (1), 1 (2), -1 (1),    2 (3), 5 (2),  1000 (3) = 14
#   Urazalin 1 (1), 1 (2), 0 (3), 1 (3),     1 (1), 1 (1),  10 (1)   = 12
EXPECTED_W10 = [
    (1, "batalov-amandyk", 18, 3, 2, 1, 0.3333, 2, 16, 170),
    (2, "shukeev-umirzak", 14, 2, 0, 1, -1.0, 2, 5, 1000),
    (3, "urazalin-ondasyn", 12, 1, 1, 0, 1.0, 1, 1, 10),
]
# W11: Shukeev wins every indicator (21); Batalov and Urazalin tie on all (16) and are ordered by person_id.
EXPECTED_W11 = [
    (1, "shukeev-umirzak", 21, 1, 1, 0, 1.0, 1, 0, 5),
    (2, "batalov-amandyk", 16, 0, 0, 0, 0.0, 0, 0, 0),
    (3, "urazalin-ondasyn", 16, 0, 0, 0, 0.0, 0, 0, 0),
]


def _ranking(period: str, capsys: pytest.CaptureFixture[str]) -> list[tuple]:
    capsys.readouterr()
    assert main(["rank", "--period", period, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    return [
        (
            r["rank"],
            r["person_id"],
            r["score"],
            r["mentions"],
            r["positive"],
            r["negative"],
            round(r["tone_index"], 4),
            r["authors"],
            r["engagement"],
            r["reach"],
        )
        for r in rows
    ]


def _snapshot(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            "raw": con.execute("select * exclude (loaded_at) from raw.mentions order by platform, id").fetchall(),
            "classified": con.execute(
                "select * exclude (classified_at) from raw.classified_mentions order by platform, id"
            ).fetchall(),
            "weeks": con.execute("select week_start, mention_count from raw.loaded_weeks order by 1").fetchall(),
            "ranking": con.execute("select * from marts.fct_akim_ranking order by all").fetchall(),
            "eligibility": con.execute("select * from marts.fct_mention_eligibility order by all").fetchall(),
        }
    finally:
        con.close()


def test_two_weeks_end_to_end(akims_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_jsonl(tmp_path / "mentions.jsonl", FIXTURE)
    tenures = write_csv(tmp_path / "tenures.csv", "region_code,person_id,start_date,end_date", TENURES)

    assert main(["ingest", str(data), "--keep-source-labels", "--tenures", str(tenures)]) == 0
    assert main(["run", "--from", "2019-03-04", "--to", "2019-03-17"]) == 0

    warehouse = akims_home / "warehouse.duckdb"
    first = _snapshot(warehouse)
    assert [(str(d), n) for d, n in first["weeks"]] == [("2019-03-04", 8), ("2019-03-11", 1)]
    assert len(first["classified"]) == 9

    assert _ranking("2019-W10", capsys) == EXPECTED_W10
    assert _ranking("2019-W11", capsys) == EXPECTED_W11

    # Re-materialising the same weeks leaves every table as it was, also one week alone: a one-week
    # run is one Dagster run (load, classify, dbt, ranking), a longer one three runs.
    assert main(["run", "--from", "2019-03-04", "--to", "2019-03-17"]) == 0
    assert _snapshot(warehouse) == first
    assert main(["run", "--from", "2019-03-04", "--to", "2019-03-10"]) == 0
    assert _snapshot(warehouse) == first
    runs = instance().get_runs(filters=dg.RunsFilter(tags={"akims/launched_by": "akims-cli"}))
    assert [r.job_name for r in reversed(runs)] == [
        *["load_and_classify_job", "dbt_build_job", "publish_weekly_job"] * 2,
        "one_week_job",
    ]
    assert all(r.is_success for r in runs)
    # and each one-week run published its week (a step Dagster skipped would still be a success)
    one_week = {r.run_id for r in runs if r.job_name == "one_week_job"}
    published = instance().fetch_materializations(dg.AssetKey("weekly_ranking"), limit=20).records
    assert [r.partition_key for r in published if r.run_id in one_week] == ["2019-03-04"]

    # A half-year not covered by the run has no published ranking: a clear error, exit 2.
    assert main(["rank", "--period", "2019-H1"]) == 2
    assert "akims run --from 2019-01-01 --to 2019-06-30" in capsys.readouterr().err


def test_rank_rejects_a_bad_period(akims_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rank", "--period", "2019-Q3"]) == 2
    assert "not a period" in capsys.readouterr().err


def test_demo_half_year_keeps_leavers_and_lists_june_newcomers(
    akims_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """2019-H1 on the demo: the June 2019 newcomers are too short to rank; Kusherbaev, who left
    Kyzylorda on 18 June, keeps his place with the days he served."""
    assert main(["demo", "--size", "6000"]) == 0
    # the demo source reached the run as resource config, not through the environment: a later
    # `akims run` in this process does not silently take the demo (issue #15)
    assert "AKIMS_SOURCE" not in os.environ
    capsys.readouterr()
    assert main(["summary", "--period", "2019-H1"]) == 0
    summary = capsys.readouterr().out
    for newcomer in ("iskakov-kuanyshbek, KZ-43", "iskaliev-gali, KZ-27", "trumov-serikbai, KZ-47"):
        assert f"({newcomer}): tenure too short" in summary
    ranked = {row[1]: row for row in _ranking("2019-H1", capsys)}
    assert "kusherbaev-krymbek" in ranked and "iskakov-kuanyshbek" not in ranked
    assert len(ranked) == 14  # the 14 oblasts of 2019, one akim each
    assert main(["rank", "--period", "2019-H1", "--format", "csv"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert header == (  # the published columns first, in their order; the rank interval's after them
        "rank,person_id,akim_name,region_code,score,mentions,positive,negative,tone_index,authors,engagement,reach,"
        "place_range,rank_low,rank_high,p_above_next"
    )


def test_worker_processes_build_the_same_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Weeks generated and classified by two worker processes (assets/parallel.py) give the same
    rows, rankings and eligibility as one process: the previous week's official posts reach each
    worker, and the parent stores the weeks in order."""
    monkeypatch.setenv("AKIMS_SOURCE", "demo")
    monkeypatch.setenv("AKIMS_DEMO_SIZE", "20000")
    monkeypatch.setenv("AKIMS_PSEUDONYM_KEY", "one key for both")  # else each warehouse draws its own
    snapshots = []
    for workers, threshold in (("1", "100000"), ("2", "0")):
        home = tmp_path / f"workers-{workers}"
        monkeypatch.setenv("AKIMS_HOME", str(home))
        monkeypatch.setenv("AKIMS_WORKERS", workers)
        monkeypatch.setenv("AKIMS_PARALLEL_MIN_MENTIONS", threshold)
        assert main(["run", "--from", "2019-02-04", "--to", "2019-03-10"]) == 0
        snapshots.append(_snapshot(home / "warehouse.duckdb"))
    capsys.readouterr()
    assert len(snapshots[0]["classified"]) > 3000
    assert snapshots[0] == snapshots[1]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("AKIMS_WORKERS", "many", "AKIMS_WORKERS must be a whole number >= 1, got 'many'"),
        ("AKIMS_PARALLEL_MIN_MENTIONS", "-5", "AKIMS_PARALLEL_MIN_MENTIONS must be a whole number >= 0"),
        ("AKIMS_DUCKDB_MEMORY_LIMIT", "lots", "AKIMS_DUCKDB_MEMORY_LIMIT must be a size such as 1500MB"),
    ],
)
def test_a_bad_setting_stops_the_run_with_one_line(
    akims_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    value: str,
    message: str,
) -> None:
    monkeypatch.setenv(name, value)
    assert main(["run", "--from", "2019-03-04", "--to", "2019-03-10"]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err

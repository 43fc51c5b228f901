"""Data-quality checks shown failing on planted bad data (issue #16), through the real pipeline:
ingest -> Dagster run -> marts.fct_data_quality -> `akims quality`. One warehouse, every problem
planted in it (so far: tenure_overlap, ranking_newcomer, ranking_missing_region)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from orchestration.cli import main
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
WEEK = "2019-W10"  # 4..10 March 2019


def _post(mid: str, day: str, author: str, text: str, sentiment: str) -> dict:
    return {
        "id": mid,
        "platform": "instagram",
        "published_at": f"{day}T12:00:00+06:00",
        "author_id": author,
        "author_name": f"Житель {author}",
        "text": text,
        "sentiment": sentiment,
    }


def _mentions() -> list[dict]:
    rows = []
    for n in range(7):
        day = f"2019-03-{4 + n:02d}"
        rows.append(_post(f"b{n}", day, f"citizen{n}", f"Баталов, когда починят дорогу {n}?", "negative"))
        rows.append(_post(f"s{n}", day, f"reader{n}", f"Сапарбаев, спасибо за свет {n}", "positive"))
    return rows


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    mp = pytest.MonkeyPatch()
    tmp = tmp_path_factory.mktemp("planted")
    home = tmp / "home"
    home.mkdir()
    mp.setenv("AKIMS_HOME", str(home))
    mp.delenv("AKIMS_SOURCE", raising=False)
    mp.delenv("AKIMS_QUALITY_GATE", raising=False)
    tenures = write_csv(tmp / "tenures.csv", "region_code,person_id,start_date,end_date", TENURES)
    mentions = write_jsonl(tmp / "mentions.jsonl", _mentions())
    assert main(["ingest", str(mentions), "--keep-source-labels", "--tenures", str(tenures)]) == 0
    main(["run", "--from", "2019-03-04", "--to", "2019-03-10"])
    yield home
    mp.undo()


def _checks(home: Path, name: str) -> list[tuple[str, str, str]]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(
            "select outcome, subject, detail from marts.fct_data_quality "
            "where period = ? and check_name = ? and outcome <> 'pass' order by subject",
            [WEEK, name],
        ).fetchall()
    finally:
        con.close()


def _quality_out(capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    main(["quality", "--period", WEEK])
    return capsys.readouterr().out


def test_tenure_overlap_is_flagged(planted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _checks(planted, "tenure_overlap")
    assert [(o, s) for o, s, _ in rows] == [
        ("warn", "KZ-11 marzhikpaev-ermek / murzalin-malik")
    ]  # ordered by tenure_id
    assert "2019-03-08 to 2019-03-10" in rows[0][2]
    assert "tenure_overlap" in _quality_out(capsys)


def test_ranking_newcomer_is_flagged(planted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _checks(planted, "ranking_newcomer")
    assert ("warn", "saparbaev-berdibek KZ-15") in [(o, s) for o, s, _ in rows]
    assert "ranking_newcomer" in _quality_out(capsys)


def test_ranking_missing_region_is_flagged(planted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    subjects = {s for o, s, _ in _checks(planted, "ranking_missing_region") if o == "warn"}
    # regions without any tenure are not ranked; the ones with a ranked akim are not listed
    assert subjects
    assert "KZ-19" not in subjects
    assert "ranking_missing_region" in _quality_out(capsys)

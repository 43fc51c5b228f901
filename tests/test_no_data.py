"""No data, no ranking (issue #14, part a.1), through the real pipeline: landed mentions ->
Dagster -> dbt's fct_data_quality -> the publication gate -> `akims rank/summary/quality/report`
and the `publication_gate` asset check.

The mentions are the demo generator's (size 20,000 a half-year) for 2019-W05..W11, landed with
`akims ingest` as a real source would deliver them, with three faults a fetch can have:
KZ-19 (Almaty region) silent in W10, W11 cut to 15 % of its volume, and (stage two) W09 coming
back empty on a re-delivery. Stage two then runs the whole 2019-H1, whose other 19 weeks have
nothing landed: loaded empty, as a source that ran and found nothing.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from akims_demo.generator import DemoConfig, generate_labelled
from assets.reference import load_reference
from orchestration.cli import main
from tests.conftest import write_jsonl

W09, W10, W11 = date(2019, 2, 25), date(2019, 3, 4), date(2019, 3, 11)


def _week(day: str) -> date:
    d = date.fromisoformat(day[:10])
    return date.fromordinal(d.toordinal() - d.weekday())


def landed_rows() -> list[dict]:
    """2019-W05..W11 of the demo, with KZ-19 silent in W10 and W11 thinned to 15 %."""
    rows = []
    config = DemoConfig(mentions_per_half_year=20_000)
    pairs = generate_labelled(config, load_reference(), date(2019, 1, 28), date(2019, 3, 17))
    for n, (row, truth) in enumerate(pairs):
        week = _week(row["published_at"])  # demo timestamps carry the +06:00 offset: the local day
        if week == W10 and (truth.get("region_code") == "KZ-19" or "batalov-amandyk" in truth["akims"]):
            continue
        if week == W11 and n % 20 >= 3:
            continue
        rows.append(row)
    return rows


def _run(args: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with redirect_stderr(err):
        code = main(args)
    return code, err.getvalue()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    mp = pytest.MonkeyPatch()
    tmp = tmp_path_factory.mktemp("no_data")
    home = tmp / "home"
    home.mkdir()
    mp.setenv("AKIMS_HOME", str(home))
    for name in ("AKIMS_SOURCE", "AKIMS_QUALITY_GATE", "AKIMS_QUALITY_LEAKAGE_BLOCKS", "AKIMS_FETCH"):
        mp.delenv(name, raising=False)
    try:
        data = write_jsonl(tmp / "mentions.jsonl", landed_rows())
        assert main(["ingest", str(data)]) == 0
        first = _run(["run", "--from", "2019-01-28", "--to", "2019-03-17"])
        con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
        published_first = {p for (p,) in con.execute("select period from publish.periods").fetchall()}
        con.close()
        # the source delivers W09 again, empty this time
        con = duckdb.connect(str(home / "warehouse.duckdb"))
        con.execute("delete from landing.mentions where week_start = ?", [W09])
        con.close()
        second = _run(["run", "--from", "2019-01-01", "--to", "2019-06-30"])
        yield {"home": home, "first": first, "second": second, "published_first": published_first}
    finally:
        mp.undo()


def _published(home: Path) -> set[str]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return {p for (p,) in con.execute("select period from publish.periods").fetchall()}
    finally:
        con.close()


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_a_silent_region_and_a_thin_week_are_not_published(built: dict) -> None:
    code, err = built["first"]
    assert code == 1
    assert "data quality gate: ranking not published" in err
    assert "2019-W10" in err and "region_silent" in err
    assert "2019-W11" in err and "no_data" in err
    assert built["published_first"] == {"2019-W05", "2019-W06", "2019-W07", "2019-W08", "2019-W09"}


def test_the_cli_refuses_a_thin_week_and_says_why(built: dict, capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("rank", "summary", "report"):
        code, _, err = _cli([command, "--period", "2019-W11"], capsys)
        assert code == 2, command
        line = err.strip()
        assert len(line.splitlines()) == 1
        assert line.startswith("akims: 2019-W11: not published: no_data: 2019-W11 is silent:")
        assert "% of the median" in line and "under 25% counts as silent" in line
    # KZ-19 has a median of ~50 mentions a week in the four weeks before W10, and none in W10
    code, _, err = _cli(["rank", "--period", "2019-W10"], capsys)
    assert code == 2
    assert "2019-W10: not published: region_silent: region KZ-19 has no mention at all in 2019-W10" in err
    assert "silent while the week was fetched" in err


def test_an_empty_week_is_not_published_and_its_earlier_ranking_is_withdrawn(
    built: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    home = built["home"]
    published = _published(home)
    assert "2019-W09" in built["published_first"] and "2019-W09" not in published
    assert published == {"2019-W05", "2019-W06", "2019-W07", "2019-W08"}
    code, out, err = _cli(["rank", "--period", "2019-W09"], capsys)
    assert code == 2 and out == ""
    assert (
        "2019-W09: not published: no_data: no mentions loaded for 1 of 1 week(s) (2019-W09; loaded from landing "
        "with no mention)" in err
    )
    code, out, _ = _cli(["quality", "--period", "2019-W09"], capsys)
    assert code == 0
    assert "2019-W09: not published: no_data: no mentions loaded for 1 of 1 week(s)" in out
    assert "FAIL (blocking)  no_data" in out and "publication blocked by: no_data" in out
    assert "silent_week_share=0.25" in out


def test_an_empty_half_year_is_not_published_and_says_why(built: dict, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = built["second"]
    assert code == 1
    assert "2019-H1 blocked by no_data" in err
    reason = (
        "2019-H1: not published: no_data: no mentions loaded for 20 of 26 week(s) "
        "(2019-W01, 2019-W02, 2019-W03, 2019-W04, …"
    )
    for command in ("rank", "summary", "report"):
        code, _, err = _cli([command, "--period", "2019-H1"], capsys)
        assert code == 2, command
        assert reason in err, command
    code, out, _ = _cli(["quality", "--period", "2019-H1"], capsys)
    assert code == 0 and reason in out
    # the weekly tables of the empty weeks (every akim at 0 mentions, tied) are not published either
    assert not {f"2019-W{n:02d}" for n in (*range(1, 5), *range(12, 27))} & _published(built["home"])


def test_the_dagster_check_fails_with_the_reason(built: dict) -> None:
    from orchestration.pipeline import instance

    storage = instance().event_log_storage
    keys = [dg.AssetCheckKey(dg.AssetKey(a), "publication_gate") for a in ("half_year_ranking", "weekly_ranking")]
    latest = storage.get_latest_asset_check_execution_by_key(keys)
    half_year = latest[keys[0]]
    assert half_year.status.value == "FAILED"
    evaluation = half_year.event.dagster_event.event_specific_data
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert evaluation.description.startswith("2019-H1: not published: no_data: no mentions loaded for 20 of 26 week")
    refused = json.loads(json.dumps(evaluation.metadata["refused"].value))
    assert list(refused) == ["2019-H1"]
    weekly = latest[keys[1]].event.dagster_event.event_specific_data
    assert not weekly.passed and "not published: no_data" in weekly.description

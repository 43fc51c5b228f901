"""The period report and the exports, checked against the marts of a small demo warehouse.

One warehouse (the embedded demo, 3,000 mentions per half-year, 2019-H1) is built once for the
module through `akims run`; the report's text and tables must agree with `marts.fct_akim_ranking`,
the HTML must load nothing from the network, and the exports must read back as the marts.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import re
import shutil
from collections.abc import Iterator
from decimal import ROUND_FLOOR, Decimal
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from assets.publishing.charts import INTERVAL_BAR_PAD, INTERVAL_BAR_WIDTH, interval_bar, interval_x
from assets.publishing.intervals import (
    RankInterval,
    format_interval_value,
    interval_line,
    missing_intervals_note,
    place_range,
    probability_digits,
    with_intervals,
)
from assets.publishing.rankings import RANKING_COLUMNS
from assets.publishing.rendering import render_html, render_markdown
from assets.publishing.report_data import load_report_data, previous_label, summarise_quality
from assets.publishing.wording import (
    lead_sentence,
    not_ranked_reasons,
    plural_ru,
    podium_text,
    probability_ru,
    reason_ru,
)
from orchestration.cli import main

PERIOD = "2019-H1"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("report") / "home"
    path.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AKIMS_HOME", str(path))
        mp.setenv("AKIMS_SOURCE", "demo")
        mp.setenv("AKIMS_DEMO_SIZE", "3000")
        mp.setenv("AKIMS_QUALITY_GATE", "warn")  # the demo's bot rings are reported, not enforced
        mp.delenv("AKIMS_PROGRESS", raising=False)
        assert main(["run", "--from", "2019-01-01", "--to", "2019-06-30"]) == 0
        assert main(["report", "--period", PERIOD]) == 0
        yield path
        os.environ.pop("AKIMS_PROGRESS", None)


def mart_ranking(home: Path, period: str) -> list[dict]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        cursor = con.execute(
            "select * from marts.fct_akim_ranking where period = ? and is_ranked order by rank", [period]
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    finally:
        con.close()


class TableAndUrlParser(HTMLParser):
    """Collects the cells of each <table id=...> and every attribute value that could load something."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[dict[str, str]]] = {}
        self.loading: list[str] = []
        self.tags: set[str] = set()
        self._table: str | None = None
        self._row: dict[str, str] | None = None
        self._col: str | None = None
        self._style = False
        self.styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        values = dict(attrs)
        for name, value in attrs:
            if name in {"src", "href", "xlink:href", "srcset", "poster", "data", "action", "background"} and value:
                self.loading.append(value)
            if name == "style" and value:
                self.styles.append(value)
        if tag == "table":
            self._table = values.get("id") or ""
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self._row = {}
        elif tag == "td" and self._row is not None:
            self._col = values.get("data-col") or ""
            self._row[self._col] = ""
        elif tag == "style":
            self._style = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self._table is not None and self._row:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "td":
            self._col = None
        elif tag == "table":
            self._table = None
        elif tag == "style":
            self._style = False

    def handle_data(self, data: str) -> None:
        if self._row is not None and self._col is not None:
            self._row[self._col] += data
        if self._style:
            self.styles.append(data)


def parse(html: str) -> TableAndUrlParser:
    parser = TableAndUrlParser()
    parser.feed(html)
    return parser


def test_report_files_are_written(home: Path) -> None:
    assert (home / "reports" / f"{PERIOD}.html").stat().st_size > 10_000
    assert (home / "reports" / f"{PERIOD}.md").read_text(encoding="utf-8").startswith(f"# Акимы в соцсетях — {PERIOD}")


def test_podium_names_rank_one_two_three(home: Path) -> None:
    ranked = mart_ranking(home, PERIOD)
    assert len(ranked) >= 3
    html = (home / "reports" / f"{PERIOD}.html").read_text(encoding="utf-8")
    podium = re.search(r'<p class="podium" id="podium">(.*?)</p>', html, re.S)
    assert podium is not None
    text = podium.group(1)
    assert re.search(rf"первое место — {re.escape(ranked[0]['akim_name'])}\b", text)
    assert re.search(rf"Второе место — {re.escape(ranked[1]['akim_name'])}\b", text)
    assert re.search(rf"третье — {re.escape(ranked[2]['akim_name'])}\b", text)
    md = (home / "reports" / f"{PERIOD}.md").read_text(encoding="utf-8")
    assert f"первое место — {ranked[0]['akim_name']}" in md


def test_html_ranking_and_points_tables_equal_the_mart(home: Path) -> None:
    ranked = mart_ranking(home, PERIOD)
    page = parse((home / "reports" / f"{PERIOD}.html").read_text(encoding="utf-8"))
    table = page.tables["ranking"]
    assert len(table) == len(ranked)
    for row, mart in zip(table, ranked, strict=True):
        assert int(row["rank"]) == mart["rank"]
        assert row["akim_name"] == mart["akim_name"]
        assert int(row["score"]) == mart["score"]
        for column in ("mentions", "positive", "negative", "authors", "engagement", "reach"):
            assert int(row[column]) == mart[column], column
        assert row["tone_index"] == f"{mart['tone_index']:.4f}"
    points = page.tables["points"]
    for row, mart in zip(points, ranked, strict=True):
        for column in ("mentions", "positive", "negative", "tone_index", "authors", "engagement", "reach"):
            assert int(row[f"{column}_points"]) == mart[f"{column}_points"]
        assert int(row["score"]) == mart["score"]


def test_html_exclusions_equal_the_period_summary(home: Path) -> None:
    page = parse((home / "reports" / f"{PERIOD}.html").read_text(encoding="utf-8"))
    cells = {k: v for row in page.tables["exclusions"] for k, v in row.items() if k != "what"}
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        cursor = con.execute("select * from marts.fct_period_summary where period = ?", [PERIOD])
        summary = dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))
    finally:
        con.close()
    for key, text in cells.items():
        assert int(text.replace("\u00a0", "")) == summary[key], key


def test_html_loads_no_external_resource(home: Path) -> None:
    html = (home / "reports" / f"{PERIOD}.html").read_text(encoding="utf-8")
    page = parse(html)
    assert not {"script", "link", "img", "iframe", "object", "embed"} & page.tags
    assert all(value.startswith("#") for value in page.loading), page.loading[:5]
    css = " ".join(page.styles)
    assert "@import" not in css
    assert all(u.startswith("#") for u in re.findall(r"url\(\s*['\"]?([^)'\"]+)", html))
    assert not re.search(r"https?://", html, re.I)  # not even a namespace or a link
    assert page.tags >= {"svg", "table"}


def test_report_of_an_unpublished_period_is_a_one_line_error(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert os.environ["AKIMS_HOME"] == str(home)  # set by the module's fixture
    assert main(["report", "--period", "2018"]) == 2
    assert main(["report", "--period", "2019-H7"]) == 2
    assert main(["export", "--period", "2017-H1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("akims: ") for line in err)
    assert "Traceback" not in "".join(err)


def test_exports_round_trip(home: Path) -> None:
    assert main(["export", "--period", PERIOD]) == 0
    folder = home / "exports" / PERIOD
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        expected = con.execute(
            "select * from marts.fct_akim_ranking where period = ? order by person_id, tenure_id", [PERIOD]
        ).fetchall()
        from_parquet = con.execute(
            f"select * from read_parquet('{folder / 'fct_akim_ranking.parquet'}') order by person_id, tenure_id"
        ).fetchall()
        assert from_parquet == expected
        mart_cols = [d[0] for d in con.execute("select * from marts.fct_akim_ranking limit 0").description]
        from_csv = con.execute(
            f"select * from read_csv('{folder / 'fct_akim_ranking.csv'}', header = true) order by person_id, tenure_id"
        )
        assert [d[0] for d in from_csv.description] == mart_cols
        assert [tuple(map(str, r)) for r in from_csv.fetchall()] == [tuple(map(str, r)) for r in expected]
        (mentions,) = con.execute(
            "select count(*) from marts.fct_mention_eligibility where half_year = ?", [PERIOD]
        ).fetchone()
        (exported,) = con.execute(
            f"select count(*) from read_parquet('{folder / 'fct_mention_eligibility.parquet'}')"
        ).fetchone()
        assert exported == mentions > 0
    finally:
        con.close()
    assert (folder / "manifest.json").exists()


def test_report_data_reads_settings_and_versions(home: Path) -> None:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        data = load_report_data(con, PERIOD)
    finally:
        con.close()
    assert data.settings["methodology_version"] == "1.1"
    assert data.build["sources"] == ["demo"]
    assert len(data.weeks) == 26 and data.quality is not None
    assert podium_text(data).startswith(f"{PERIOD} (1 января 2019 г. — 30 июня 2019 г.): первое место — ")


def test_pure_helpers() -> None:
    assert [plural_ru(n, "день", "дня", "дней") for n in (1, 2, 5, 11, 12, 21, 22, 25, 111)] == [
        "день",
        "дня",
        "дней",
        "дней",
        "дней",
        "день",
        "дня",
        "дней",
        "дней",
    ]
    from datetime import date

    assert previous_label("half_year", date(2019, 1, 1)) == "2018-H2"
    assert previous_label("week", date(2019, 1, 7)) == "2019-W01"
    assert previous_label("year", date(2019, 1, 1)) == "2018"
    found = summarise_quality(
        [
            {"check_name": "a", "outcome": "pass", "is_blocking": False, "detail": "nothing found"},
            {"check_name": "b", "outcome": "warn", "is_blocking": False, "detail": "x"},
            {"check_name": "b", "outcome": "fail", "is_blocking": True, "detail": "y"},
        ]
    )
    assert [(q["check"], q["outcome"], q["findings"], q["blocking"]) for q in found] == [
        ("b", "fail", 2, True),
        ("a", "pass", 0, False),
    ]


def test_weeks_drawn_follow_the_thursday_rule_of_the_mart(home: Path) -> None:
    """The report picks a half-year's weeks by their Thursday; fct_weekly_first_places counts first
    places by the same rule (methodology.md): the winners of the weeks drawn are the mart's. 2019-W01
    starts on 31 December 2018 and belongs to 2019-H1 by its Thursday."""
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        data = load_report_data(con, PERIOD)
    finally:
        con.close()
    assert data.weeks[0] == "2019-W01"
    won: dict[str, int] = {}
    for person, series in data.weekly_ranks.items():
        weeks = sum(1 for rank in series.values() if rank == 1)
        if weeks:
            won[person] = weeks
    assert won == {r["person_id"]: r["weeks_won"] for r in data.first_places}
    assert sum(won.values()) == len(data.weeks)


def test_not_ranked_reasons_come_from_one_seed(home: Path) -> None:
    """int_tenure_periods writes a code and the seed's English wording, the ranking mart carries
    both; the report finds the Russian wording by the code in the same seed (no sentence parsed)."""
    settings = {"weekly_min_days": "4", "min_tenure_share": "0.5"}
    values = {"weekly_min_days": "4", "min_tenure_share": 0.5, "period_days": 181}
    seed = {w.code: w for w in not_ranked_reasons()}
    assert set(seed) == {"short_week", "short_tenure", "after_last_data", "succeeded"}
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        built = con.execute(
            "select distinct not_ranked_reason_code, not_ranked_reason from intermediate.int_tenure_periods"
            " where not is_ranked"
        ).fetchall()
        in_mart = set(
            con.execute(
                "select distinct not_ranked_reason_code, not_ranked_reason from marts.fct_akim_ranking"
                " where not is_ranked"
            ).fetchall()
        )
        ranked_with_reason = con.execute(
            "select count(*) from marts.fct_akim_ranking where is_ranked and not_ranked_reason_code is not null"
        ).fetchone()
    finally:
        con.close()
    assert built and all(seed[code].text_en.format(**values) == text for code, text in built)
    assert set(built) == in_mart
    assert ranked_with_reason == (0,)
    assert reason_ru("short_tenure", settings, 181) == "срок в должности — не больше 50% дней периода (181)"
    assert reason_ru("short_week", settings, 7) == "в должности меньше 4 дней недели"
    for wording in seed.values():
        assert reason_ru(wording.code, settings, 181) == wording.text_ru.format(**values)
    assert reason_ru(None, settings, 181) == "причина не указана"


def test_templates_escape_what_they_lay_out(home: Path) -> None:
    """The Jinja2 templates escape HTML text and Markdown cell bars, and word the branches the demo
    does not reach (a period loaded in part, blocking findings, nobody ranked)."""
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        data = load_report_data(con, PERIOD)
    finally:
        con.close()
    finding = {"check": "a|b", "outcome": "fail", "findings": 5, "blocking": True, "details": ["x<y", "p|q"]}
    data = dataclasses.replace(data, is_complete=False, quality=[finding])
    html, md = render_html(data, {}), render_markdown(data)
    assert '<p class="warn">Период загружен не полностью' in html and "> Период загружен не полностью" in md
    assert "<li>x&lt;y</li><li>p|q</li><li>… ещё 3</li>" in html
    assert '<span class="fail">ошибка (блокирующая)</span>, находок: 5' in html
    assert "- **a|b**: ошибка (блокирующая), находок: 5\n  - x<y\n  - p|q\n" in md
    nobody = dataclasses.replace(data, ranking=[], quality=None)
    assert "в рейтинге нет ни одного акима" in render_markdown(nobody)
    assert "| место | аким | регион |" in render_markdown(nobody)
    assert "Проверки качества данных в этом хранилище не выполнялись." in render_html(nobody, {})
    assert 'id="interval-note"' not in render_html(nobody, {}) and "Места (90 %)" not in render_markdown(nobody)


# ---------------------------------------------------------------- rank intervals (issue #18)
def mart_intervals(home: Path, period: str, snapshot: str = "warehouse.duckdb") -> list[dict]:
    con = duckdb.connect(str(home / snapshot), read_only=True)
    try:
        cursor = con.execute("select * from marts.fct_rank_intervals where period = ? order by rank", [period])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    finally:
        con.close()


def two_digits_down(p: float) -> str:
    """The probability as the report and `akims explain` print it: two decimals, rounded down."""
    return str(Decimal(repr(p)).quantize(Decimal("0.01"), rounding=ROUND_FLOOR))


def expected_range(row: dict) -> str:
    return str(row["rank_low"]) if row["rank_low"] == row["rank_high"] else f"{row['rank_low']}–{row['rank_high']}"


def test_rank_intervals_cover_every_ranked_row(home: Path) -> None:
    """The mart the publishing layer reads: one row per ranked row, sane bounds (the tests below
    compare the outputs with it, so it must hold what they assume)."""
    ranked = mart_ranking(home, PERIOD)
    intervals = mart_intervals(home, PERIOD)
    assert [(r["rank"], r["person_id"], r["region_code"]) for r in intervals] == [
        (r["rank"], r["person_id"], r["region_code"]) for r in ranked
    ]
    for row in intervals:
        assert 1 <= row["rank_low"] <= row["rank_high"] <= len(ranked)
        assert (row["p_above_next"] is None) == (row["rank"] == len(ranked))
        assert row["replicates"] > 0


def test_html_has_one_interval_bar_per_ranked_row_with_the_marts_bounds(home: Path) -> None:
    intervals = mart_intervals(home, PERIOD)
    html = (home / "reports" / f"{PERIOD}.html").read_text(encoding="utf-8")
    bars = re.findall(
        r'<svg class="interval"[^>]*? data-rank="(\d+)" data-rank-low="(\d+)" data-rank-high="(\d+)" '
        r'data-places="(\d+)">(.*?)</svg>',
        html,
        re.S,
    )
    n = len(intervals)
    assert [tuple(map(int, b[:4])) for b in bars] == [(r["rank"], r["rank_low"], r["rank_high"], n) for r in intervals]
    span = INTERVAL_BAR_WIDTH - 2 * INTERVAL_BAR_PAD
    for (_, _, _, _, body), row in zip(bars, intervals, strict=True):
        x = {k: INTERVAL_BAR_PAD + (row[k] - 1) * span / (n - 1) for k in ("rank_low", "rank_high", "rank")}
        rect = re.search(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', body)
        dot = re.search(r'<circle cx="([\d.]+)"', body)
        assert rect and dot
        assert float(rect.group(1)) == pytest.approx(x["rank_low"] - 3, abs=0.06)  # the bar spans low..high
        assert float(rect.group(1)) + float(rect.group(2)) == pytest.approx(x["rank_high"] + 3, abs=0.11)
        assert float(dot.group(1)) == pytest.approx(x["rank"], abs=0.06)  # the mark at the published place
    table = parse(html).tables["ranking"]
    assert [row["place_range"] for row in table] == [expected_range(r) for r in intervals]
    assert all(
        f"интервал {expected_range(r)} из {n}" in row["interval_bar"] for row, r in zip(table, intervals, strict=True)
    )
    md = (home / "reports" / f"{PERIOD}.md").read_text(encoding="utf-8")
    assert "| места (90 %) |" in md
    for r in intervals:
        assert re.search(rf"^\| {r['rank']} \| .* \| {re.escape(expected_range(r))} \|$", md, re.M), r["rank"]


def test_podium_says_when_a_lead_is_not_solid(home: Path) -> None:
    """A podium place whose akim is above the next one in fewer than 95 % of the resamples gets
    "<surname> впереди с вероятностью 0,94"; a solid lead gets nothing."""
    intervals = mart_intervals(home, PERIOD)
    html = (home / "reports" / f"{PERIOD}.html").read_text(encoding="utf-8")
    podium = re.search(r'<p class="podium" id="podium">(.*?)</p>', html, re.S)
    assert podium is not None
    md = (home / "reports" / f"{PERIOD}.md").read_text(encoding="utf-8")
    shaky = 0
    for row in intervals[:3]:
        p = row["p_above_next"]
        clause = f"{row['akim_name'].split()[0]} впереди с вероятностью {two_digits_down(p).replace('.', ',')}"
        assert (clause in podium.group(1)) == (p < 0.95), (row["rank"], p)
        assert (clause in md) == (p < 0.95)
        assert f"{row['akim_name'].split()[0]} впереди с вероятностью" in podium.group(1) or p >= 0.95
        shaky += p < 0.95
    assert ("Отрыв от следующего места не бесспорен" in podium.group(1)) == (shaky > 0)
    assert podium.group(1).count("впереди с вероятностью") == shaky


def test_exports_contain_the_rank_intervals(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["export", "--period", PERIOD]) == 0
    assert "not exported" not in capsys.readouterr().err
    folder = home / "exports" / PERIOD
    order = "order by rank"
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        expected = con.execute(f"select * from marts.fct_rank_intervals where period = ? {order}", [PERIOD]).fetchall()
        columns = [d[0] for d in con.execute("select * from marts.fct_rank_intervals limit 0").description]
        parquet = con.execute(f"select * from read_parquet('{folder / 'fct_rank_intervals.parquet'}') {order}")
        assert [d[0] for d in parquet.description] == columns
        assert parquet.fetchall() == expected
        from_csv = con.execute(f"select * from read_csv('{folder / 'fct_rank_intervals.csv'}', header = true) {order}")
        assert [d[0] for d in from_csv.description] == columns
        assert [tuple(map(str, r)) for r in from_csv.fetchall()] == [tuple(map(str, r)) for r in expected]
    finally:
        con.close()
    assert len(expected) == len(mart_ranking(home, PERIOD))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert {"mart": "fct_rank_intervals", "format": "csv", "file": "fct_rank_intervals.csv", "rows": len(expected)} in (
        manifest["files"]
    )
    assert manifest["skipped"] == []


def test_rank_prints_the_interval_columns_of_the_mart(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`akims rank`: the published columns unchanged and first, then the place range (csv, json,
    table) equal to marts.fct_rank_intervals; nothing on stderr when every row has one."""
    intervals = mart_intervals(home, PERIOD)
    capsys.readouterr()
    assert main(["rank", "--period", PERIOD, "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [*RANKING_COLUMNS, "place_range", "rank_low", "rank_high", "p_above_next"]
    assert [
        (int(r["rank"]), r["place_range"], int(r["rank_low"]), int(r["rank_high"]), r["p_above_next"]) for r in rows
    ] == [
        (
            i["rank"],
            expected_range(i),
            i["rank_low"],
            i["rank_high"],
            "" if i["p_above_next"] is None else str(i["p_above_next"]),
        )
        for i in intervals
    ]
    assert main(["rank", "--period", PERIOD, "--format", "json"]) == 0
    published = json.loads(capsys.readouterr().out)
    assert [list(r)[: len(RANKING_COLUMNS)] for r in published] == [list(RANKING_COLUMNS)] * len(published)
    assert [(r["rank"], r["rank_low"], r["rank_high"], r["p_above_next"]) for r in published] == [
        (i["rank"], i["rank_low"], i["rank_high"], i["p_above_next"]) for i in intervals
    ]
    assert main(["rank", "--period", PERIOD]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = lines[0].split()
    assert header[-2:] == ["place_range", "p_above_next"]
    table = [line.split() for line in lines[2 : 2 + len(intervals)]]
    assert [(int(t[0]), t[-2], t[-1]) for t in table] == [
        (i["rank"], expected_range(i), "n/a" if i["p_above_next"] is None else two_digits_down(i["p_above_next"]))
        for i in intervals
    ]


def test_explain_prints_the_place_range_and_the_next_akim(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    intervals = mart_intervals(home, PERIOD)
    first, second, last = intervals[0], intervals[1], intervals[-1]
    capsys.readouterr()
    assert main(["explain", "--period", PERIOD, "--akim", first["person_id"]]) == 0
    out = capsys.readouterr().out
    assert (
        f"Place 1 (90 % interval {expected_range(first)}); ahead of {second['akim_name']} ({second['person_id']}) "
        f"with probability {two_digits_down(first['p_above_next'])} ({first['replicates']} resamples)"
    ) in out.splitlines()
    assert main(["explain", "--period", PERIOD, "--akim", last["person_id"]]) == 0
    assert f"Place {last['rank']} (90 % interval {expected_range(last)}); last ranked" in capsys.readouterr().out
    assert main(["explain", "--period", PERIOD, "--akim", first["person_id"], "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["interval"] == {
        "rank_low": first["rank_low"],
        "rank_high": first["rank_high"],
        "p_above_next": first["p_above_next"],
        "replicates": first["replicates"],
        "next_person_id": second["person_id"],
        "next_akim_name": second["akim_name"],
    }
    assert found["intervals_available"] is True


def test_a_warehouse_without_the_interval_mart_still_ranks_reports_and_exports(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A warehouse built before marts.fct_rank_intervals (its serving snapshot, which readers open,
    without the mart): every reader shows the place range as missing and says once how to get it."""
    old = tmp_path / "old-home"
    old.mkdir()
    shutil.copy(home / "serving.duckdb", old / "serving.duckdb")
    con = duckdb.connect(str(old / "serving.duckdb"))
    con.execute("drop table marts.fct_rank_intervals")
    con.close()
    monkeypatch.setenv("AKIMS_HOME", str(old))
    hint = "rebuild with `akims run --from 2019-01-01 --to 2019-06-30` (or `dbt build`) to get them"
    capsys.readouterr()
    assert main(["rank", "--period", PERIOD, "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    assert (
        err == f"akims: no rank intervals: this warehouse was built before marts.fct_rank_intervals existed; {hint}\n"
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(r["place_range"] == r["rank_low"] == r["rank_high"] == r["p_above_next"] == "" for r in rows)
    assert main(["rank", "--period", PERIOD, "--format", "json"]) == 0
    assert all(r["place_range"] is None and r["p_above_next"] is None for r in json.loads(capsys.readouterr().out))
    assert main(["rank", "--period", PERIOD]) == 0
    out, err = capsys.readouterr()
    assert all(line.split()[-2:] == ["n/a", "n/a"] for line in out.splitlines()[2 : 2 + len(rows)])
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert main(["explain", "--period", PERIOD, "--akim", rows[0]["person_id"]]) == 0
    assert f"Place 1 (90 % interval n/a: this warehouse was built before marts.fct_rank_intervals existed; {hint})" in (
        capsys.readouterr().out
    )
    assert main(["report", "--period", PERIOD]) == 0
    html = (old / "reports" / f"{PERIOD}.html").read_text(encoding="utf-8")
    assert '<svg class="interval"' not in html and "впереди с вероятностью" not in html
    assert all(row["place_range"] == "н/д" for row in parse(html).tables["ranking"])
    assert "Интервалы мест не рассчитаны" in html
    assert main(["export", "--period", PERIOD, "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    assert "fct_akim_ranking.csv" in out and "fct_rank_intervals" not in out
    assert err == (
        "akims: fct_rank_intervals not exported: this warehouse was built before rank intervals (issue #18); "
        "rebuild with `akims run --from 2019-01-01 --to 2019-06-30` to get it\n"
    )
    manifest = json.loads((old / "exports" / PERIOD / "manifest.json").read_text(encoding="utf-8"))
    assert [s["mart"] for s in manifest["skipped"]] == ["fct_rank_intervals"]


def test_rank_interval_helpers() -> None:
    assert place_range(1, 2) == "1–2" and place_range(3, 3) == "3"
    assert [probability_digits(p) for p in (0.949, 0.95, 0.29, 1.0, 0.0, 0.6251)] == [
        "0.94",
        "0.95",
        "0.29",
        "1.00",
        "0.00",
        "0.62",
    ]
    assert probability_ru(0.949) == "0,94"
    rows = [
        {"rank": 1, "akim_name": "Баталов Амандык", "p_above_next": 0.94},
        {"rank": 2, "akim_name": "Шукеев Умирзак", "p_above_next": 0.95},
        {"rank": 3, "akim_name": "Кошанов Ерлан", "p_above_next": 0.5},
        {"rank": 4, "akim_name": "Уразалин Ондасын", "p_above_next": 0.1},
    ]
    assert lead_sentence(rows) == (
        "Отрыв от следующего места не бесспорен: Баталов впереди с вероятностью 0,94; "
        "Кошанов впереди с вероятностью 0,50."
    )
    assert lead_sentence([{**r, "p_above_next": 0.99} for r in rows]) is None
    assert lead_sentence([{**r, "p_above_next": None} for r in rows]) is None
    bar = interval_bar(2, 1, 3, 5)
    assert 'data-rank="2" data-rank-low="1" data-rank-high="3" data-places="5"' in bar
    assert "http" not in bar and bar.startswith("<svg ") and bar.endswith("</svg>")
    assert interval_x(1, 5) == INTERVAL_BAR_PAD and interval_x(5, 5) == INTERVAL_BAR_WIDTH - INTERVAL_BAR_PAD
    assert interval_x(1, 1) == INTERVAL_BAR_WIDTH / 2
    published = [
        {"rank": 1, "person_id": "a", "region_code": "KZ-1"},
        {"rank": 2, "person_id": "b", "region_code": "KZ-2"},
    ]
    one = RankInterval(1, "a", "A A", "KZ-1", "t-a", 1, 2, 0.7, 100)
    other_place = RankInterval(1, "b", "B B", "KZ-2", "t-b", 1, 2, 0.7, 100)  # a ranking rebuilt since
    merged = with_intervals(published, [one, other_place])
    assert [(r["place_range"], r["rank_low"], r["p_above_next"]) for r in merged] == [
        ("1–2", 1, 0.7),
        (None, None, None),
    ]
    assert list(merged[0])[:3] == ["rank", "person_id", "region_code"]  # appended after the published columns
    hint = "akims run --from 2019-01-01 --to 2019-06-30"
    assert missing_intervals_note("2019-H1", published, [one], hint) == (
        "rank intervals missing for 1 of 2 ranked rows of 2019-H1; rebuild with "
        "`akims run --from 2019-01-01 --to 2019-06-30` (or `dbt build`) to get them"
    )
    assert missing_intervals_note("2019-H1", published, [], hint).startswith("no rank intervals for 2019-H1")
    assert missing_intervals_note("2019-H1", published[:1], [one], hint) is None
    interval = {"rank_low": 2, "rank_high": 5, "p_above_next": 0.625, "replicates": 1000}
    assert interval_line(3, {**interval, "next_akim_name": "Б", "next_person_id": "b"}) == (
        "Place 3 (90 % interval 2–5); ahead of Б (b) with probability 0.62 (1000 resamples)"
    )
    assert interval_line(3, {**interval, "next_akim_name": None, "next_person_id": None}) == (
        "Place 3 (90 % interval 2–5); last ranked (1000 resamples)"
    )
    assert interval_line(3, None, "why") == "Place 3 (90 % interval n/a: why)"
    assert (
        format_interval_value("p_above_next", 0.949) == "0.94" and format_interval_value("place_range", None) == "n/a"
    )

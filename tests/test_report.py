"""The period report and the exports, checked against the marts of a small demo warehouse.

One warehouse (the embedded demo, 3,000 mentions per half-year, 2019-H1) is built once for the
module through `akims run`; the report's text and tables must agree with `marts.fct_akim_ranking`,
the HTML must load nothing from the network, and the exports must read back as the marts.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from assets.publishing.rendering import render_html, render_markdown
from assets.publishing.report_data import load_report_data, previous_label, summarise_quality
from assets.publishing.wording import not_ranked_reasons, plural_ru, podium_text, reason_ru
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

"""The report's two formats, laid out by the Jinja2 templates beside this module (`templates/`):
`report.html.j2` (a self-contained page: inline CSS from `report.css`, inline SVG charts, no
external resource) and `report.md.j2` (its Markdown twin), tables from `_tables.j2`. The words
and table rows come from `wording`, the charts from `charts`."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from assets.publishing.rankings import INDICATORS
from assets.publishing.report_data import ReportData
from assets.publishing.wording import (
    INDICATOR_RU,
    INTERVAL_BAR_HEADER,
    OUTCOME_RU,
    RANKING_HEADERS,
    Table,
    cell,
    exclusion_rows,
    first_places_text,
    interval_note,
    not_ranked_groups,
    not_ranked_sentence,
    number_ru,
    period_title_ru,
    podium_text,
    points_table,
    ranking_table,
    settings_rows,
    tone_table,
    weekly_ranks_table,
)

TEMPLATES_DIR = Path(__file__).with_name("templates")
OUTCOME_CSS = {"fail": "fail", "warn": "warn-o", "pass": "pass"}


def esc(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def md_cell(text: Any) -> str:
    return str(text).replace("|", "\\|")


def numeric_text(text: str) -> bool:
    try:
        float(text.replace("\u00a0", ""))
    except ValueError:
        return False
    return True


@cache
def environment() -> jinja2.Environment:
    """Text templates: escaping is explicit (`| esc` in the HTML), whitespace as written."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["esc"] = esc
    env.filters["md_cell"] = md_cell
    env.tests["numeric_text"] = numeric_text
    return env


def _context(data: ReportData) -> dict[str, Any]:
    """What both templates show, worded."""
    quality = data.quality or []
    return {
        "data": data,
        "title": period_title_ru(data.period_kind, data.period, data.period_start, data.period_end),
        "podium": podium_text(data),
        "ranking": ranking_table(data),
        "interval_note": interval_note(data),
        "points": points_table(data),
        "first_places": first_places_text(data),
        "not_ranked": [(reason, not_ranked_sentence(rows)) for reason, rows in not_ranked_groups(data)],
        "outcome_ru": OUTCOME_RU,
        "passed": [q["check"] for q in quality if q["outcome"] == "pass"],
        "settings": Table(["что", "значение"], [[("key", k), ("value", v)] for k, v in settings_rows(data)]),
    }


def render_markdown(data: ReportData) -> str:
    return (
        environment()
        .get_template("report.md.j2")
        .render(
            **_context(data),
            weekly=weekly_ranks_table(data),
            tones=tone_table(data),
            exclusions_md=[[("what", label), (key, str(n))] for key, label, n in exclusion_rows(data)],
        )
    )


def render_html(data: ReportData, charts: dict[str, str]) -> str:
    """The page. `charts` maps section name ('bump', 'points', 'sentiment') to an inline <svg>."""
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            **_context(data),
            css=(TEMPLATES_DIR / "report.css").read_text(encoding="utf-8"),
            charts=charts,
            podium_classes=[f"podium-{r['rank']}" if int(r["rank"]) <= 3 else "" for r in data.ranking],
            exclusions=[[("what", label), (key, number_ru(n))] for key, label, n in exclusion_rows(data)],
            outcome_css=OUTCOME_CSS,
            interval_bars={"header": INTERVAL_BAR_HEADER, "column": "interval_bar", "cells": interval_bars(data)},
        )
    )


def interval_bars(data: ReportData) -> list[str]:
    """Per ranking row, the inline SVG bar of its rank interval ("" when the row has none)."""
    from assets.publishing.charts import interval_bar

    places = len(data.ranking)
    return [
        ""
        if r.get("rank_low") is None or r.get("rank_high") is None
        else interval_bar(int(r["rank"]), int(r["rank_low"]), int(r["rank_high"]), places)
        for r in data.ranking
    ]


def build_charts(data: ReportData) -> dict[str, str]:
    from assets.publishing import charts

    out: dict[str, str] = {}
    label = {pid: name.split()[0] for pid, name in data.names.items()}
    if data.weeks:
        podium = [label[str(r["person_id"])] for r in data.ranking[:3]]
        ranks = {label.get(pid, pid): series for pid, series in data.weekly_ranks.items()}
        out["bump"] = charts.bump_chart(data.weeks, ranks, podium, title=f"Места по неделям ({data.period})")
    if data.ranking:
        out["points"] = charts.points_chart(
            [f"{r['rank']}. {r['akim_name']}" for r in data.ranking],
            {INDICATOR_RU[c]: [int(r.get(f"{c}_points") or 0) for r in data.ranking] for c in INDICATORS},
        )
    if data.sentiment_buckets:
        out["sentiment"] = charts.sentiment_chart(data.sentiment_buckets, data.sentiment)
    return out


def preview_markdown(data: ReportData, limit: int = 5) -> str:
    """A short Markdown preview (podium paragraph and the top of the table) for Dagster metadata."""
    rows = [[(c, cell(c, r)) for c, _ in RANKING_HEADERS] for r in data.ranking[:limit]]
    table = environment().get_template("_tables.j2").module.md_table([h for _, h in RANKING_HEADERS], rows)  # type: ignore[attr-defined]
    return podium_text(data) + "\n\n" + str(table)

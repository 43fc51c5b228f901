"""Partitions: ISO weeks (Monday to Sunday), half-years and years, in Asia/Almaty time."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, timedelta

import dagster as dg

from assets.calendar import week_label, weeks_overlapping

__all__ = [
    "PERIOD_KINDS",
    "half_year_label",
    "half_year_partitions",
    "week_label",
    "weekly_partitions",
    "weeks_overlapping",
    "year_label",
    "year_partitions",
]

TIMEZONE = "Asia/Almaty"
# The first partition: Monday 2018-01-01 (ISO 2018-W01). AKIMS_FIRST_WEEK moves it.
FIRST_WEEK = os.environ.get("AKIMS_FIRST_WEEK", "2018-01-01")

weekly_partitions = dg.WeeklyPartitionsDefinition(
    start_date=FIRST_WEEK, timezone=TIMEZONE, day_offset=1, fmt="%Y-%m-%d"
)
half_year_partitions = dg.TimeWindowPartitionsDefinition(
    cron_schedule="0 0 1 1,7 *", start=FIRST_WEEK[:4] + "-01-01", timezone=TIMEZONE, fmt="%Y-%m-%d"
)
year_partitions = dg.TimeWindowPartitionsDefinition(
    cron_schedule="0 0 1 1 *", start=FIRST_WEEK[:4] + "-01-01", timezone=TIMEZONE, fmt="%Y-%m-%d"
)


def half_year_label(start: date) -> str:
    return f"{start.year}-H{1 if start.month <= 6 else 2}"


def year_label(start: date) -> str:
    return str(start.year)


# each period kind: its partitions and the label of a partition's period ("2025-W03", "2025-H1", "2025")
PERIOD_KINDS: dict[str, tuple[dg.PartitionsDefinition, Callable[[date], str]]] = {
    "weekly": (weekly_partitions, week_label),
    "half_year": (half_year_partitions, half_year_label),
    "year": (year_partitions, year_label),
}


def half_years_inside(first: date, last: date) -> list[date]:
    """Starts of the half-years whose days all lie inside [first, last]."""
    starts = []
    for year in range(first.year, last.year + 1):
        for start, end in ((date(year, 1, 1), date(year, 6, 30)), (date(year, 7, 1), date(year, 12, 31))):
            if first <= start and end <= last:
                starts.append(start)
    return starts


def years_inside(first: date, last: date) -> list[date]:
    return [
        date(y, 1, 1) for y in range(first.year, last.year + 1) if first <= date(y, 1, 1) and date(y, 12, 31) <= last
    ]


def parse_period(label: str) -> tuple[str, date, date]:
    """'2019-W26' | '2019-H1' | '2019' -> (kind, first day, last day). ValueError otherwise."""
    text = label.strip().upper()
    try:
        if "-W" in text:
            year, week = text.split("-W")
            start = date.fromisocalendar(int(year), int(week), 1)
            return "week", start, start + timedelta(days=6)
        if "-H" in text:
            year, half = text.split("-H")
            if half not in {"1", "2"}:
                raise ValueError
            y = int(year)
            return (
                ("half_year", date(y, 1, 1), date(y, 6, 30))
                if half == "1"
                else ("half_year", date(y, 7, 1), date(y, 12, 31))
            )
        if text.isdigit() and len(text) == 4:
            y = int(text)
            return "year", date(y, 1, 1), date(y, 12, 31)
    except (ValueError, OverflowError):  # 9999-W52 ends past the last date Python knows
        pass
    raise ValueError(f"not a period: {label!r} (use an ISO week 2019-W26, a half-year 2019-H1 or a year 2019)")


def canonical_period(label: str) -> str:
    """The one spelling of a period that rankings are published under: '2019-w5' -> '2019-W05',
    ' 2019-h1 ' -> '2019-H1'. ValueError (as `parse_period`) for anything else."""
    kind, first, _ = parse_period(label)
    if kind == "week":
        iso = first.isocalendar()
        return f"{iso.year:04d}-W{iso.week:02d}"
    if kind == "half_year":
        return f"{first.year:04d}-H{1 if first.month == 1 else 2}"
    return f"{first.year:04d}"

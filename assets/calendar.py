"""The warehouse's calendar: ISO weeks (Monday to Sunday) and their labels, used by the sources,
the loaders and the Dagster partitions alike."""

from __future__ import annotations

from datetime import date, timedelta

WEEK = timedelta(days=7)


def week_label(week_start: date) -> str:
    """`2019-W05` for the week starting Monday 2019-01-28 (ISO year and week)."""
    year, week, _ = week_start.isocalendar()
    return f"{year}-W{week:02d}"


def weeks_overlapping(first: date, last: date) -> list[date]:
    """Mondays of every ISO week that overlaps [first, last] (both days included)."""
    monday = first - timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        weeks.append(monday)
        monday += WEEK
    return weeks


def weeks_starting_in(start: date, end: date) -> list[date]:
    """The week starts of a partition window [start, end): start, start + 7 days, … before end."""
    weeks = []
    while start < end:
        weeks.append(start)
        start += WEEK
    return weeks

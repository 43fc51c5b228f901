"""The landing area as a source plug-in, and the one-line reason when it cannot serve (issue #14).

`raw_mentions` takes a run's weeks from the source plug-in AKIMS_SOURCE names
(`assets/sources/plugins.py`). This module is the production one, `landing` (also what `auto`,
the default, means): the landing area, which `akims ingest`, the inbox and the live sources
named in AKIMS_FETCH (vk, hf) fill. It serves what was landed: a week with nothing landed is
loaded empty, and the data-quality gate (`no_data`) refuses to publish its ranking. A run none
of whose weeks has a landed mention fails at once, naming the weeks and how to configure a source.

The embedded demo (`akims_demo`, plug-in `demo`) serves only when asked for (`akims demo`,
AKIMS_SOURCE=demo): `auto` never falls back to it, an empty landing area is a missing source.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from itertools import pairwise

import duckdb

from assets.calendar import week_label
from assets.sources.plugins import SourceUnavailable, WeekLoaded


def weeks_text(weeks: Sequence[date], shown: int = 3) -> str:
    """'2019-W27' | '2019-W27, 2019-W28' | '2019-W27..2020-W01 (27 weeks)' for a run of weeks."""
    ordered = sorted(weeks)
    labels = [week_label(w) for w in ordered]
    contiguous = all((b - a).days == 7 for a, b in pairwise(ordered))
    if len(labels) > shown and contiguous:
        return f"{labels[0]}..{labels[-1]} ({len(labels)} weeks)"
    if len(labels) > shown:
        return ", ".join(labels[:shown]) + f" and {len(labels) - shown} more"
    return ", ".join(labels)


def check_landing_weeks(weeks: Sequence[date], landed: Mapping[date, int], fetch_setting: str) -> None:
    """SourceUnavailable when none of the run's weeks has a landed mention: no source delivered
    them. `landed` counts the landing area's mentions per week; `fetch_setting` is AKIMS_FETCH."""
    if any(landed.get(w, 0) > 0 for w in weeks):
        return
    fetched = fetch_setting.strip()
    how = (
        f"AKIMS_FETCH={fetched} fetched nothing for them"
        if fetched
        else "no live source is configured (AKIMS_FETCH is not set)"
    )
    raise SourceUnavailable(
        f"no mention landed for {weeks_text(weeks)}: {how} and neither `akims ingest` nor the inbox "
        "delivered any; configure a source (docs/sources.md). The embedded demo is used only by "
        "`akims demo` or AKIMS_SOURCE=demo"
    )


def landed_per_week(con: duckdb.DuckDBPyConnection, weeks: Sequence[date]) -> dict[date, int]:
    """Mentions in the landing area per week of `weeks`."""
    rows = con.execute(
        "select week_start, count(*) from landing.mentions where list_contains(?, week_start) group by 1",
        [list(weeks)],
    ).fetchall()
    return {week: int(count) for week, count in rows}


class LandingSource:
    """The landing area (`akims ingest`, the inbox, the fetched VK/HF weeks), copied week by week."""

    name = "landing"

    def check(self, con: duckdb.DuckDBPyConnection, weeks: Sequence[date]) -> None:
        check_landing_weeks(weeks, landed_per_week(con, weeks), os.environ.get("AKIMS_FETCH", ""))

    def load(self, con: duckdb.DuckDBPyConnection, weeks: Sequence[date]) -> Iterator[WeekLoaded]:
        from assets.warehouse import copy_landing_weeks

        for week_start, (count, quarantined) in copy_landing_weeks(con, weeks).items():
            yield WeekLoaded(week_start, count, quarantined)

    def warnings(self, loaded: Sequence[WeekLoaded]) -> list[str]:
        empty = [week_label(week.week_start) for week in loaded if week.mentions == 0]
        if not empty:
            return []
        return [
            f"nothing landed for {len(empty)} of {len(loaded)} week(s) ({', '.join(empty[:6])}"
            f"{', …' if len(empty) > 6 else ''}): loaded empty, their rankings will be refused (no_data)"
        ]

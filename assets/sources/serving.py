"""Which source serves a run's weeks, and the one-line reason when it cannot (issue #14).

`raw_mentions` takes weeks from one of two places:

* `landing` (also what `auto`, the default, means): the landing area, which `akims ingest`, the
  inbox and the live sources named in AKIMS_FETCH (vk, hf) fill. It serves what was landed: a
  week with nothing landed is loaded empty, and the data-quality gate (`no_data`) refuses to
  publish its ranking. A run none of whose weeks has a landed mention fails at once, naming the
  weeks and how to configure a source.
* `demo`: the embedded demo generator, only when asked for (`akims demo`, AKIMS_SOURCE=demo). It
  serves the ISO weeks of its span; a run asking for a week outside it fails, naming the week.

`auto` never falls back to the demo: an empty landing area is a missing source, not a demo.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from itertools import pairwise

import duckdb

SOURCE_KINDS = ("auto", "landing", "demo")


class SourceUnavailable(ValueError):
    """The chosen source cannot serve the run's weeks; the message is one line for the user."""


def week_label(week_start: date) -> str:
    year, week, _ = week_start.isocalendar()
    return f"{year}-W{week:02d}"


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


def resolve_kind(kind: str) -> str:
    """The source a run uses: `landing` or `demo` (`auto` is the landing area, never the demo)."""
    value = kind.strip().lower()
    if value not in SOURCE_KINDS:
        raise SourceUnavailable(f"unknown mention source {kind!r} (AKIMS_SOURCE): use auto, landing or demo")
    return "demo" if value == "demo" else "landing"


def check_demo_weeks(weeks: Sequence[date]) -> None:
    """SourceUnavailable when the demo is asked for a week outside its span."""
    from assets.sources.demo import DEMO_FIRST_DAY, DEMO_LAST_DAY, demo_serves

    outside = [w for w in weeks if not demo_serves(w)]
    if outside:
        raise SourceUnavailable(
            f"the embedded demo covers {DEMO_FIRST_DAY}..{DEMO_LAST_DAY} only; it cannot serve "
            f"{weeks_text(outside)}: use a real source for those weeks (docs/sources.md)"
        )


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

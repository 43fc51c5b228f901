"""Rank intervals (issue #18): how sure each published place is.

`marts.fct_rank_intervals` holds, per ranked row of `fct_akim_ranking`, the 5 % and 95 % quantiles
of the akim's place over the bootstrap replicates (`rank_low` the best plausible place, `rank_high`
the worst: a 90 % interval) and `p_above_next`, the share of replicates that place the akim above
the akim published one place lower (NULL for the last ranked row). This module reads them and
formats them for `akims rank`, `akims explain` and the report; a warehouse built before the mart
existed has none, and every reader says so instead of failing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any

import duckdb

INTERVAL_MART = "fct_rank_intervals"
# appended after RANKING_COLUMNS by `akims rank --format csv|json`, so readers of the old columns keep working
INTERVAL_COLUMNS = ("place_range", "rank_low", "rank_high", "p_above_next")
# what the table format adds (rank_low/rank_high are in place_range already)
INTERVAL_TABLE_COLUMNS = ("place_range", "p_above_next")
NOT_AVAILABLE = "n/a"
INTERVAL_LEVEL = "90 %"  # rank_low..rank_high span the 5 % to 95 % quantiles of the replicates
BUILT_BEFORE = f"this warehouse was built before marts.{INTERVAL_MART} existed"


@dataclass(frozen=True)
class RankInterval:
    """One row of marts.fct_rank_intervals."""

    rank: int
    person_id: str
    akim_name: str
    region_code: str
    tenure_id: str
    rank_low: int
    rank_high: int
    p_above_next: float | None
    replicates: int


def has_interval_mart(con: duckdb.DuckDBPyConnection) -> bool:
    (found,) = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'marts' and table_name = ?",
        [INTERVAL_MART],
    ).fetchone()
    return bool(found)


def read_intervals(con: duckdb.DuckDBPyConnection, period: str) -> list[RankInterval] | None:
    """The period's interval rows by rank; None when this warehouse has no such mart (built before it).
    A row without bounds (no resample reached it) is left out: its place shows as missing."""
    if not has_interval_mart(con):
        return None
    rows = con.execute(
        f"""
        select rank, person_id, akim_name, region_code, tenure_id, rank_low, rank_high, p_above_next, replicates
        from marts.{INTERVAL_MART}
        where period = ? and rank_low is not null and rank_high is not null
        order by rank
        """,
        [period],
    ).fetchall()
    return [
        RankInterval(
            rank=int(r[0]),
            person_id=str(r[1]),
            akim_name=str(r[2]),
            region_code=str(r[3]),
            tenure_id=str(r[4]),
            rank_low=int(r[5]),
            rank_high=int(r[6]),
            p_above_next=None if r[7] is None else float(r[7]),
            replicates=int(r[8] or 0),
        )
        for r in rows
    ]


def place_range(rank_low: int, rank_high: int) -> str:
    """`1–2`, or `1` when both ends are the same place."""
    return str(rank_low) if rank_low == rank_high else f"{rank_low}–{rank_high}"


def probability_digits(p: float) -> str:
    """Two decimals rounded down (0.949 -> "0.94"), so 0.95 or 1.00 is printed only when reached."""
    return str(Decimal(repr(float(p))).quantize(Decimal("0.01"), rounding=ROUND_FLOOR))


def interval_values(interval: RankInterval | None) -> dict[str, Any]:
    """The INTERVAL_COLUMNS of one ranking row (None each when there is no interval)."""
    if interval is None:
        return dict.fromkeys(INTERVAL_COLUMNS)
    return {
        "place_range": place_range(interval.rank_low, interval.rank_high),
        "rank_low": interval.rank_low,
        "rank_high": interval.rank_high,
        "p_above_next": interval.p_above_next,
    }


def match_interval(row: dict[str, Any], intervals: Sequence[RankInterval] | None) -> RankInterval | None:
    """The interval of a published ranking row: same place, person and region (a mart rebuilt since
    the publication with other places gives none rather than another ranking's interval)."""
    for interval in intervals or ():
        if (interval.rank, interval.person_id, interval.region_code) == (
            int(row["rank"]),
            str(row["person_id"]),
            str(row["region_code"]),
        ):
            return interval
    return None


def with_intervals(rows: Sequence[dict[str, Any]], intervals: Sequence[RankInterval] | None) -> list[dict[str, Any]]:
    """The ranking rows with the INTERVAL_COLUMNS appended (after the existing columns)."""
    return [{**row, **interval_values(match_interval(row, intervals))} for row in rows]


def rebuild_hint(build_hint: str) -> str:
    return f"rebuild with `{build_hint}` (or `dbt build`) to get them"


def missing_intervals_note(
    period: str, rows: Sequence[dict[str, Any]], intervals: Sequence[RankInterval] | None, build_hint: str
) -> str | None:
    """One line telling the user why rank intervals are missing and how to get them; None when
    every ranked row has one."""
    missing = sum(1 for row in rows if match_interval(row, intervals) is None)
    if not missing:
        return None
    if intervals is None:
        return f"no rank intervals: {BUILT_BEFORE}; {rebuild_hint(build_hint)}"
    if missing == len(rows):
        return f"no rank intervals for {period} in this warehouse; {rebuild_hint(build_hint)}"
    return f"rank intervals missing for {missing} of {len(rows)} ranked rows of {period}; {rebuild_hint(build_hint)}"


def missing_interval_reason(intervals_available: bool, period: str, build_hint: str) -> str:
    """Why one ranked row has no interval, and how to get it (for `akims explain`)."""
    if not intervals_available:
        return f"{BUILT_BEFORE}; {rebuild_hint(build_hint)}"
    return f"no rank interval for this row of {period}; {rebuild_hint(build_hint)}"


def format_interval_value(column: str, value: Any) -> str:
    """A cell of the table format: `n/a` when missing, probabilities with two decimals."""
    if value is None:
        return NOT_AVAILABLE
    if column == "p_above_next":
        return probability_digits(float(value))
    return str(value)


def csv_interval_value(value: Any) -> str:
    """A cell of the CSV format: empty when missing, else the mart's value as is."""
    return "" if value is None else str(value)


def next_interval(interval: RankInterval, intervals: Sequence[RankInterval]) -> RankInterval | None:
    """The row published one place lower (None for the last ranked row)."""
    return next((i for i in intervals if i.rank == interval.rank + 1), None)


def interval_line(rank: int, interval: dict[str, Any] | None, missing_note: str = "") -> str:
    """`akims explain`'s line for a ranked row, from `summary.explain_interval`'s `interval`:
    "Place 3 (90 % interval 2–5); ahead of <next akim> with probability 0.62"."""
    if interval is None:
        return f"Place {rank} ({INTERVAL_LEVEL} interval {NOT_AVAILABLE}: {missing_note})"
    line = f"Place {rank} ({INTERVAL_LEVEL} interval {place_range(interval['rank_low'], interval['rank_high'])})"
    resamples = f"({interval['replicates']} resamples)"
    if interval["next_akim_name"] is None:
        return f"{line}; last ranked {resamples}"
    p = interval["p_above_next"]
    probability = NOT_AVAILABLE if p is None else probability_digits(p)
    return (
        f"{line}; ahead of {interval['next_akim_name']} ({interval['next_person_id']}) with probability "
        f"{probability} {resamples}"
    )

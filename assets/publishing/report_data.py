"""The report's data: everything an editor's report shows, read once from the marts and the
published ranking of one period (one read-only connection) into `ReportData`.

The half-year's and year's weeks are the weeks whose Thursday lies in the period, the rule of
`fct_weekly_first_places` (tests/test_report.py proves the two agree).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import duckdb

from assets.publishing.intervals import read_intervals, with_intervals
from assets.publishing.rankings import INDICATORS, published_periods

PERIOD_COLUMN = {"week": "week", "half_year": "half_year", "year": "year"}
BUMP_WEEKS_FOR_A_WEEK = 8


class ReportError(LookupError):
    """The report cannot be built (period not published, no warehouse); the message is one line."""


@dataclass(frozen=True)
class Climber:
    person_id: str
    akim_name: str
    from_rank: int
    to_rank: int
    from_label: str
    to_label: str
    basis: str  # "previous" (the previous period's ranking) or "weeks" (first vs last ranked week)


@dataclass
class ReportData:
    period: str
    period_kind: str
    period_start: date
    period_end: date
    is_complete: bool
    ranking: list[dict[str, Any]]
    not_ranked: list[dict[str, Any]]
    weeks: list[str]
    weekly_ranks: dict[str, dict[str, int]]
    names: dict[str, str]
    previous_period: str | None
    previous_ranks: dict[str, int]
    sentiment_buckets: list[str]
    sentiment: dict[str, list[int]]
    summary: dict[str, Any]
    first_places: list[dict[str, Any]]
    quality: list[dict[str, Any]] | None
    settings: dict[str, Any]
    build: dict[str, Any]
    published_at: Any
    # rank intervals (marts.fct_rank_intervals): False when the warehouse was built before the mart;
    # the ranking rows carry place_range, rank_low, rank_high, p_above_next (None when missing)
    has_intervals: bool = False
    interval_replicates: int | None = None


def _rows(con: duckdb.DuckDBPyConnection, sql: str, args: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, args)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def previous_label(kind: str, start: date) -> str:
    """The label of the period of the same kind just before the one starting on `start`."""
    if kind == "week":
        year, week, _ = (start - timedelta(days=7)).isocalendar()
        return f"{year}-W{week:02d}"
    if kind == "half_year":
        return f"{start.year - 1}-H2" if start.month <= 6 else f"{start.year}-H1"
    return str(start.year - 1)


def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    (found,) = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, name]
    ).fetchone()
    return bool(found)


def read_quality(con: duckdb.DuckDBPyConnection, period: str) -> list[dict[str, Any]] | None:
    """Data-quality findings of the period per check (None when this warehouse has no such mart)."""
    if not _table_exists(con, "marts", "fct_data_quality"):
        return None
    try:
        rows = _rows(
            con,
            """
            select check_name, outcome, is_blocking, detail
            from marts.fct_data_quality where period = ?
            order by check_name, outcome, measure desc nulls last, subject
            """,
            [period],
        )
    except duckdb.Error:
        return None
    return summarise_quality(rows)


def summarise_quality(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per check: worst outcome, findings (non-pass rows), blocking or not, first details."""
    order = {"fail": 0, "warn": 1, "pass": 2}
    checks: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = checks.setdefault(
            row["check_name"],
            {"check": row["check_name"], "outcome": "pass", "findings": 0, "blocking": False, "details": []},
        )
        if row["outcome"] == "pass":
            continue
        entry["findings"] += 1
        entry["blocking"] = entry["blocking"] or bool(row["is_blocking"])
        if order.get(row["outcome"], 2) < order[entry["outcome"]]:
            entry["outcome"] = row["outcome"]
        if len(entry["details"]) < 3:
            entry["details"].append(str(row["detail"]))
    return sorted(checks.values(), key=lambda e: (order[e["outcome"]], e["check"]))


def load_report_data(con: duckdb.DuckDBPyConnection, period: str) -> ReportData:
    """Everything the report shows for a published period. ReportError when it is not published,
    with the data-quality gate's reason when the gate refuses it (no data, no ranking)."""
    from assets.quality.report import period_refusal

    refused = period_refusal(con, period)
    if refused:
        raise ReportError(refused)
    periods = published_periods(con)
    if period not in periods:
        raise ReportError(f"no published ranking for {period} in this warehouse; build it first with `akims run`")
    meta = periods[period]
    summary_rows = _rows(con, "select * from marts.fct_period_summary where period = ?", [period])
    if not summary_rows:
        raise ReportError(f"{period} is published but has no row in marts.fct_period_summary; rebuild with `akims run`")
    summary = summary_rows[0]
    kind, start, end = str(summary["period_kind"]), summary["period_start"], summary["period_end"]
    points = ", ".join(f"m.{c}_points" for c in INDICATORS)
    ranking = _rows(
        con,
        f"""
        select p.rank, p.person_id, p.akim_name, p.region_code, g.name_ru as region_name,
               g.name_ru_genitive as region_genitive, p.score, {", ".join("p." + c for c in INDICATORS)},
               {points}
        from publish.rankings p
        left join marts.fct_akim_ranking m on m.period = p.period and m.person_id = p.person_id and m.is_ranked
        left join marts.dim_regions g on g.region_code = p.region_code
        where p.period = ? order by p.rank
        """,
        [period],
    )
    intervals = read_intervals(con, period)
    ranking = with_intervals(ranking, intervals)
    not_ranked = _rows(
        con,
        """
        select r.person_id, r.akim_name, r.region_code, g.name_ru as region_name, r.not_ranked_reason_code,
               r.overlap_days
        from marts.fct_akim_ranking r left join marts.dim_regions g on g.region_code = r.region_code
        where r.period = ? and not r.is_ranked order by r.region_code, r.person_id
        """,
        [period],
    )
    if kind == "week":
        window_start, window_end = start - timedelta(days=7 * (BUMP_WEEKS_FOR_A_WEEK - 1)), start
        week_filter = "p.period_start between ? and ?"
    else:  # a week belongs to the half-year and year containing its Thursday: the rule of
        # fct_weekly_first_places (tests/test_report.py proves the two agree)
        window_start, window_end = start, end
        week_filter = "p.period_start + interval 3 day between ? and ?"
    weekly = _rows(
        con,
        f"""
        select r.period as week, r.person_id, r.akim_name, r.rank
        from marts.fct_akim_ranking r
        join marts.dim_periods p on p.period_kind = 'week' and p.period = r.period
        where r.period_kind = 'week' and r.is_ranked and {week_filter}
        order by p.period_start, r.rank
        """,
        [window_start, window_end],
    )
    weeks = sorted({r["week"] for r in weekly})
    weekly_ranks: dict[str, dict[str, int]] = {}
    names: dict[str, str] = {}
    for r in weekly:
        weekly_ranks.setdefault(r["person_id"], {})[r["week"]] = int(r["rank"])
        names[r["person_id"]] = str(r["akim_name"])
    for r in ranking + not_ranked:
        names[r["person_id"]] = str(r["akim_name"])
    prev = previous_label(kind, start)
    previous_ranks: dict[str, int] = {}
    if prev in periods:
        previous_ranks = {
            str(p): int(r)
            for p, r in con.execute("select person_id, rank from publish.rankings where period = ?", [prev]).fetchall()
        }
    column = PERIOD_COLUMN[kind]
    bucket = "cast(local_date as varchar)" if kind == "week" else "week"
    tones = _rows(
        con,
        f"""
        select {bucket} as bucket, sentiment, count(*) as n
        from marts.fct_mention_eligibility
        where {column} = ? and is_eligible group by all order by 1, 2
        """,
        [period],
    )
    buckets = sorted({str(t["bucket"]) for t in tones})
    sentiment = {tone: [0] * len(buckets) for tone in ("positive", "neutral", "negative")}
    for t in tones:
        if t["sentiment"] in sentiment:
            sentiment[t["sentiment"]][buckets.index(str(t["bucket"]))] = int(t["n"])
    first_places = _rows(
        con,
        """
        select person_id, akim_name, weeks_won, first_week_won, last_week_won
        from marts.fct_weekly_first_places where period = ? order by weeks_won desc, person_id
        """,
        [period],
    )
    return ReportData(
        period=period,
        period_kind=kind,
        period_start=start,
        period_end=end,
        is_complete=bool(summary.get("is_complete")),
        ranking=ranking,
        not_ranked=not_ranked,
        weeks=weeks,
        weekly_ranks=weekly_ranks,
        names=names,
        previous_period=prev if previous_ranks else None,
        previous_ranks=previous_ranks,
        sentiment_buckets=buckets,
        sentiment=sentiment,
        summary=summary,
        first_places=first_places,
        quality=read_quality(con, period),
        settings=meta["settings"],
        build=meta["build"],
        published_at=meta["published_at"],
        has_intervals=intervals is not None,
        interval_replicates=max((i.replicates for i in intervals or ()), default=None),
    )


def biggest_climber(data: ReportData) -> Climber | None:
    """The ranked akim who rose most: against the previous period's ranking when that is published,
    else from their first to their last ranked week of the period. None when nobody rose."""
    candidates: list[tuple[int, int, Climber]] = []
    for row in data.ranking:
        pid = str(row["person_id"])
        if data.previous_ranks:
            if pid not in data.previous_ranks or data.previous_period is None:
                continue
            climber = Climber(
                pid,
                str(row["akim_name"]),
                data.previous_ranks[pid],
                int(row["rank"]),
                data.previous_period,
                data.period,
                "previous",
            )
        else:
            series = data.weekly_ranks.get(pid, {})
            weeks = [w for w in data.weeks if w in series]
            if len(weeks) < 2:
                continue
            climber = Climber(
                pid, str(row["akim_name"]), series[weeks[0]], series[weeks[-1]], weeks[0], weeks[-1], "weeks"
            )
        rise = climber.from_rank - climber.to_rank
        if rise > 0:
            candidates.append((-rise, int(row["rank"]), climber))
    return min(candidates, key=lambda c: (c[0], c[1]))[2] if candidates else None

"""What is reported beside a ranking: settings, mention counts by rule, not-ranked tenures,
weekly first places; and the mentions behind one akim's indicators (`akims explain`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from assets.publishing.intervals import match_interval, next_interval, read_intervals
from assets.publishing.rankings import INDICATORS

EXCLUSION_RULES = (
    ("excluded_no_akim", "no akim"),
    ("excluded_official_author", "official author"),
    ("excluded_official_reshare", "official reshare"),
    ("excluded_out_of_tenure", "out of tenure"),
    ("excluded_duplicate", "duplicate"),
)
PERIOD_COLUMN = {"week": "week", "half_year": "half_year", "year": "year"}


@dataclass
class PeriodSummary:
    period: str
    period_kind: str
    counts: dict[str, Any]
    settings: dict[str, Any]
    not_ranked: list[dict[str, Any]] = field(default_factory=list)
    first_places: list[dict[str, Any]] = field(default_factory=list)


def period_summary(con: duckdb.DuckDBPyConnection, period: str) -> PeriodSummary | None:
    cursor = con.execute("select * from marts.fct_period_summary where period = ?", [period])
    names = [d[0] for d in cursor.description]
    row = cursor.fetchone()
    if row is None:
        return None
    counts = dict(zip(names, row, strict=True))
    settings = dict(con.execute("select setting, value from marts.dim_settings order by setting").fetchall())
    cursor = con.execute(
        """
        select person_id, akim_name, region_code, not_ranked_reason, overlap_days
        from marts.fct_akim_ranking where period = ? and not is_ranked
        order by region_code, person_id
        """,
        [period],
    )
    not_ranked = [dict(zip([d[0] for d in cursor.description], r, strict=True)) for r in cursor.fetchall()]
    cursor = con.execute(
        """
        select person_id, akim_name, weeks_won from marts.fct_weekly_first_places
        where period = ? order by weeks_won desc, person_id
        """,
        [period],
    )
    first_places = [dict(zip([d[0] for d in cursor.description], r, strict=True)) for r in cursor.fetchall()]
    return PeriodSummary(period, counts["period_kind"], counts, settings, not_ranked, first_places)


def render_summary(summary: PeriodSummary) -> str:
    c = summary.counts
    lines = [
        f"{summary.period}: {c['period_start']}..{c['period_end']}"
        + ("" if c.get("is_complete") else "  (incomplete: not every day is loaded)"),
        f"mentions read: {c['mentions_read']}   eligible (mention × akim): {c['eligible']}",
        "excluded: " + ", ".join(f"{label} {c[column]}" for column, label in EXCLUSION_RULES),
        f"tenures ranked: {c['tenures_ranked']}   not ranked: {c['tenures_not_ranked']}",
    ]
    for row in summary.not_ranked:
        lines.append(
            f"  not ranked: {row['akim_name']} ({row['person_id']}, {row['region_code']}): "
            f"{row['not_ranked_reason']} ({row['overlap_days']} days)"
        )
    if summary.first_places:
        lines.append(
            "weekly first places: " + ", ".join(f"{r['akim_name']} {r['weeks_won']}" for r in summary.first_places)
        )
    lines.append("settings: " + ", ".join(f"{k}={v}" for k, v in summary.settings.items()))
    return "\n".join(lines)


def explain(con: duckdb.DuckDBPyConnection, period: str, person_id: str) -> dict[str, Any] | None:
    """The akim's row of the period (ranked or not) and the mentions behind it, by status."""
    cursor = con.execute(
        "select * from marts.fct_akim_ranking where period = ? and person_id = ? order by is_ranked desc",
        [period, person_id],
    )
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    if not rows:
        return None
    row = rows[0]
    column = PERIOD_COLUMN[row["period_kind"]]
    if row.get("indicator_scope") == "region":
        scope_sql, scope_args = "region_code = ?", [row["region_code"]]
    else:
        scope_sql, scope_args = "tenure_id = ?", [row["tenure_id"]]
    cursor = con.execute(
        f"""
        select platform, mention_id, local_date, author_id, sentiment, engagement, author_followers
        from marts.fct_mention_eligibility
        where {column} = ? and is_eligible and {scope_sql}
        order by published_utc, platform, mention_id
        """,
        [period, *scope_args],
    )
    eligible = [dict(zip([d[0] for d in cursor.description], r, strict=True)) for r in cursor.fetchall()]
    excluded = dict(
        con.execute(
            f"""
            select status, count(*) from marts.fct_mention_eligibility
            where {column} = ? and person_id = ? and not is_eligible group by status order by status
            """,
            [period, person_id],
        ).fetchall()
    )
    return {
        "row": row,
        "indicators": {k: row[k] for k in INDICATORS},
        "eligible": eligible,
        "excluded": excluded,
        **explain_interval(con, period, row),
    }


def explain_interval(con: duckdb.DuckDBPyConnection, period: str, row: dict[str, Any]) -> dict[str, Any]:
    """The ranked row's rank interval and the akim one place lower: `interval` (None when not ranked
    or not found) and `intervals_available` (False when the warehouse has no interval mart)."""
    intervals = read_intervals(con, period)
    found = match_interval(row, intervals) if row["is_ranked"] else None
    interval = None
    if found is not None:
        following = next_interval(found, intervals or [])
        interval = {
            "rank_low": found.rank_low,
            "rank_high": found.rank_high,
            "p_above_next": found.p_above_next,
            "replicates": found.replicates,
            "next_person_id": following.person_id if following else None,
            "next_akim_name": following.akim_name if following else None,
        }
    return {"interval": interval, "intervals_available": intervals is not None}

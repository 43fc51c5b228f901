"""The official-like account and roster detectors over the warehouse, week by week.

A weekly run must not re-read the whole history, so the work is split by what it depends on:

- roster signals ("аким … области" next to an unknown name) depend on one post: they are found
  for the run's weeks and stored per week in `raw.quality_roster_signals`;
- praise bursts depend on posts minutes apart: they are found week by week (posts up to
  `burst_window_minutes` around the week are read too, so a burst crossing midnight on Sunday
  is whole) and stored per week, by the week of their first post, in `raw.quality_bursts`;
- per-account facts (posts, reposts of official posts, display name) are aggregates over the
  whole history, which DuckDB computes in one query without Python touching the posts.

The accounts are then judged from the facts and every stored burst (`detect.judge_accounts`),
which gives the same list as `detect.suspect_accounts` over all posts at once; the one
difference: a post counted in a burst that began in the week before may count in a burst of
this week too (the greedy grouping sees one week at a time).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import pyarrow as pa

from assets.duckdb_tx import transaction
from assets.quality.detect import (
    AccountFacts,
    BurstPost,
    Post,
    RosterSignal,
    SuspectAccount,
    judge_accounts,
    praise_bursts,
    registry,
    roster_names,
    roster_signals,
)
from assets.quality.settings import QualitySettings
from assets.quality.store import unknown_akim_names
from assets.records import monday_of

BURSTS_DDL = """
create table if not exists raw.quality_bursts (
    week_start date not null, burst_no integer not null, position integer not null,
    platform varchar not null, id varchar not null, author_id varchar not null, published_utc timestamp not null
);
"""

POST_COLUMNS = """
    m.platform, m.id, m.author_id, coalesce(m.author_name, ''), m.text, m.published_utc, m.local_date,
    nullif(trim(m.reshare_of), ''), coalesce(c.author_type, ''), coalesce(c.sentiment, ''),
    coalesce(c.official_reshare, false)
"""


@dataclass(frozen=True)
class Detection:
    suspects: list[SuspectAccount]
    signals: list[RosterSignal]
    """the roster signals of the scanned weeks"""
    unknown_names: list[str]
    """the names of roster signals over the whole history"""


def scanned_weeks(con: duckdb.DuckDBPyConnection, weeks: Sequence[date] | None) -> list[date]:
    """The weeks to scan: the given ones, or every week in raw.mentions."""
    if weeks is not None:
        return sorted(set(weeks))
    return [w for (w,) in con.execute("select distinct week_start from raw.mentions order by 1").fetchall()]


def _week_table(con: duckdb.DuckDBPyConnection, weeks: Sequence[date]) -> None:
    con.execute("create or replace temp table scan_weeks as select unnest(?::date[]) as week_start", [list(weeks)])


def find_roster_signals(con: duckdb.DuckDBPyConnection) -> list[RosterSignal]:
    """Roster signals among the posts of the weeks in `scan_weeks`."""
    rows = con.execute(
        f"""
        select {POST_COLUMNS}
        from raw.mentions m left join raw.classified_mentions c using (platform, id)
        where m.week_start in (select week_start from scan_weeks)
          -- every pattern needs "аким" and "области": most posts are ruled out here, not in Python
          and lower(m.text) like '%аким%' and m.text like '%области%'
        order by m.platform, m.published_utc, m.id
        """
    ).fetchall()
    return roster_signals([Post(*r) for r in rows], roster_names(con))


def find_bursts(con: duckdb.DuckDBPyConnection, week: date, settings: QualitySettings) -> list[list[Post]]:
    """Praise bursts whose first post lies in this week. Each week is scanned on its own (with
    the minutes around it), so what is found does not depend on which weeks ran together, and
    memory holds one week's candidate posts."""
    window = timedelta(minutes=settings.burst_window_minutes)
    first, last = con.execute(
        "select min(published_utc), max(published_utc) from raw.mentions where week_start = ?", [week]
    ).fetchone()
    if first is None:
        return []
    rows = con.execute(
        f"""
        select {POST_COLUMNS}
        from raw.mentions m join raw.classified_mentions c using (platform, id)
        where m.published_utc between ? and ?
          and c.sentiment = 'positive' and c.author_type <> 'official' and not c.official_reshare
          and nullif(trim(m.reshare_of), '') is null
        order by m.platform, m.published_utc, m.id
        """,
        [first - window, last + window],
    ).fetchall()
    return [b for b in praise_bursts([Post(*r) for r in rows], settings) if monday_of(b[0].local_date) == week]


def store_bursts(con: duckdb.DuckDBPyConnection, bursts: Sequence[Sequence[Post]]) -> None:
    """Replace the stored bursts of the weeks in `scan_weeks`."""
    con.execute(BURSTS_DDL)
    con.execute("delete from raw.quality_bursts where week_start in (select week_start from scan_weeks)")
    numbers: dict[date, int] = defaultdict(int)
    rows = []
    for burst in bursts:
        week = monday_of(burst[0].local_date)
        numbers[week] += 1
        rows.extend(
            (week, numbers[week], position, p.platform, p.id, p.author_id, p.published_utc)
            for position, p in enumerate(burst)
        )
    if rows:
        columns = ("week_start", "burst_no", "position", "platform", "id", "author_id", "published_utc")
        table = pa.table({name: [row[n] for row in rows] for n, name in enumerate(columns)})
        con.register("burst_rows", table)
        con.execute(f"insert into raw.quality_bursts ({', '.join(columns)}) select * from burst_rows")
        con.unregister("burst_rows")


def stored_bursts(con: duckdb.DuckDBPyConnection) -> list[list[BurstPost]]:
    """Every burst found so far, posts in their order."""
    con.execute(BURSTS_DDL)
    bursts: dict[tuple[date, int], list[BurstPost]] = {}
    for week, number, platform, author_id, published in con.execute(
        "select week_start, burst_no, platform, author_id, published_utc from raw.quality_bursts "
        "order by week_start, burst_no, position"
    ).fetchall():
        bursts.setdefault((week, number), []).append(BurstPost(platform, author_id, published))
    return list(bursts.values())


def account_facts(con: duckdb.DuckDBPyConnection, official: set[tuple[str, str]]) -> list[AccountFacts]:
    """Posts, reposts of official authors' posts and first display name of every account."""
    con.execute("create or replace temp table scan_registry (platform varchar, author_id varchar)")
    if official:
        con.executemany("insert into scan_registry values (?, ?)", sorted(official))
    rows = con.execute(
        """
        with posts as (
            select m.platform, m.id, m.author_id, coalesce(m.author_name, '') as author_name, m.published_utc,
                   nullif(trim(m.reshare_of), '') as reshare_of, coalesce(c.author_type, '') as author_type
            from raw.mentions m left join raw.classified_mentions c using (platform, id)
        ),
        official_authors as (
            select platform, author_id from posts where author_type = 'official'
            union
            select platform, author_id from scan_registry
        ),
        official_posts as (
            select posts.platform, posts.id from posts inner join official_authors using (platform, author_id)
        ),
        reposts as (
            select p.platform, p.author_id, count(*) as official_reposts
            from posts p inner join official_posts o on o.platform = p.platform and o.id = p.reshare_of
            group by p.platform, p.author_id
        )
        select p.platform, p.author_id, first(p.author_name order by p.published_utc, p.id), count(*),
               coalesce(any_value(r.official_reposts), 0)
        from posts p left join reposts r using (platform, author_id)
        group by p.platform, p.author_id
        """
    ).fetchall()
    con.execute("drop table scan_registry")
    return [AccountFacts(*r) for r in rows]


def detect(con: duckdb.DuckDBPyConnection, weeks: Sequence[date] | None, settings: QualitySettings) -> Detection:
    """Scan the weeks (None: all), store their signals and bursts, judge every account.
    One transaction: a failure leaves the stored signals and bursts as they were."""
    with transaction(con, "quality_scan"):
        scan = scanned_weeks(con, weeks)
        _week_table(con, scan)
        signals = find_roster_signals(con)
        con.execute("delete from raw.quality_roster_signals where week_start in (select week_start from scan_weeks)")
        if signals:
            con.executemany(
                "insert into raw.quality_roster_signals values (?, ?, ?, ?, ?, ?, ?)",
                [
                    (s.platform, s.id, s.local_date, monday_of(s.local_date), s.name, s.position, s.excerpt)
                    for s in signals
                ],
            )
        store_bursts(con, [b for week in scan for b in find_bursts(con, week, settings)])
        con.execute("drop table scan_weeks")
        official = registry(con)
        suspects = judge_accounts(account_facts(con, official), official, stored_bursts(con), settings)
        names = unknown_akim_names(con)
    return Detection(suspects, signals, names)

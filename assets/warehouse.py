"""The DuckDB warehouse file: tables written by Python (landing, raw, overrides, quarantine).

DuckDB allows one writer, so every function opens a short-lived connection (or takes one)
and writes a week as one transaction: delete the window, then insert. A killed run leaves
the previous state; a re-run leaves the same rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from assets.duckdb_tx import transaction
from assets.paths import warehouse_path
from assets.records import Mention, RejectedRow
from assets.schemas import CLASSIFIED_MENTIONS, DBT_BUILDS, LOADED_WEEKS, MENTIONS, QUARANTINE, now_utc, placeholders
from assets.settings import duckdb_memory_limit

__all__ = ["duckdb_memory_limit", "now_utc"]  # re-exported: the sources and checks stamp rows with now_utc

# the raw.mentions columns copied from a Mention record as they are (the rest: label, source, load time)
MENTION_FIELDS = MENTIONS.column_names[: MENTIONS.column_names.index("source_sentiment")]

SCHEMAS_DDL = """
create schema if not exists landing;
create schema if not exists raw;
create schema if not exists overrides;
create schema if not exists publish;
"""
# warehouses built before per-akim tone (classifier embedded-0.2) gain the column, NULL in old rows
AKIM_SENTIMENTS_UPGRADE = "alter table raw.classified_mentions add column if not exists akim_sentiments varchar[];"


# A backfill commits a week at a time; with DuckDB's default (16 MiB of WAL) most commits would
# rewrite the file. The WAL is replayed after a crash, and the file is checkpointed on close.
CHECKPOINT_THRESHOLD = "1GB"


@contextmanager
def connect(path: Path | None = None, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection to the warehouse file (created with its tables if new)."""
    target = path or warehouse_path()
    if read_only and not target.exists():
        raise FileNotFoundError(f"no warehouse at {target}: run `akims demo` or `akims run` first")
    con = duckdb.connect(
        str(target),
        read_only=read_only,
        config={"memory_limit": duckdb_memory_limit(), "checkpoint_threshold": CHECKPOINT_THRESHOLD},
    )
    try:
        con.execute("set enable_progress_bar = false")  # our own progress lines, not DuckDB's bars
        if not read_only:
            ensure_tables(con)
        yield con
    finally:
        con.close()


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMAS_DDL)
    con.execute(MENTIONS.ddl("landing"))
    con.execute(MENTIONS.ddl("raw"))
    con.execute(CLASSIFIED_MENTIONS.ddl("raw"))
    con.execute(AKIM_SENTIMENTS_UPGRADE)
    con.execute(LOADED_WEEKS.ddl("raw"))
    con.execute(QUARANTINE.ddl("raw"))
    con.execute(DBT_BUILDS.ddl("raw"))
    from assets.quality.store import ensure_quality_tables

    ensure_quality_tables(con)


def mentions_table(mentions: Sequence[Mention], *, source: str, keep_source_label: bool) -> pa.Table:
    loaded_at = now_utc()
    columns: dict[str, list[Any]] = {name: [] for name in MENTIONS.column_names}
    for m in mentions:
        for name in MENTION_FIELDS:
            columns[name].append(getattr(m, name))
        columns["source_sentiment"].append(m.sentiment)
        columns["keep_source_label"].append(keep_source_label and m.sentiment is not None)
        columns["source"].append(source)
        columns["loaded_at"].append(loaded_at)
    return pa.table(columns, schema=MENTIONS.arrow_schema())


def quarantine_rows(
    con: duckdb.DuckDBPyConnection, rejected: Iterable[RejectedRow], *, source: str, week_start: date | None
) -> int:
    rows = [
        (source, r.reason, json.dumps(r.row, ensure_ascii=False, default=str), week_start, now_utc()) for r in rejected
    ]
    if rows:
        con.executemany(f"insert into raw.quarantine values {placeholders(QUARANTINE)}", rows)
    return len(rows)


def replace_week(
    con: duckdb.DuckDBPyConnection,
    week_start: date,
    mentions: Sequence[Mention] | pa.Table,
    rejected: Sequence[RejectedRow],
    *,
    source: str,
    keep_source_label: bool = False,
) -> None:
    """Replace one week of raw mentions (and its quarantine rows) in one transaction.

    `mentions` are records, or the Arrow table `mentions_table` made of them."""
    table = (
        mentions
        if isinstance(mentions, pa.Table)
        else mentions_table(mentions, source=source, keep_source_label=keep_source_label)
    )
    with transaction(con, "raw_week"):
        con.execute("delete from raw.mentions where week_start = ?", [week_start])
        con.execute("delete from raw.quarantine where week_start = ? and source = ?", [week_start, source])
        con.execute("delete from raw.loaded_weeks where week_start = ?", [week_start])
        con.register("week_rows", table)
        con.execute("insert into raw.mentions select * from week_rows")
        con.unregister("week_rows")
        quarantined = quarantine_rows(con, rejected, source=source, week_start=week_start)
        con.execute(
            f"insert into raw.loaded_weeks values {placeholders(LOADED_WEEKS)}",
            [week_start, source, table.num_rows, quarantined, now_utc()],
        )


def copy_landing_weeks(con: duckdb.DuckDBPyConnection, weeks: Sequence[date]) -> dict[date, tuple[int, int]]:
    """Replace the raw mentions of these weeks with the landing area's rows of them, in one
    transaction and one pass over the landing table. Returns (mentions, quarantined) per week."""
    wanted = sorted(set(weeks))
    with transaction(con, "raw_week"):
        con.execute("create or replace temp table copy_weeks as select unnest(?::date[]) as week_start", [wanted])
        con.execute("delete from raw.mentions where week_start in (select week_start from copy_weeks)")
        con.execute("delete from raw.loaded_weeks where week_start in (select week_start from copy_weeks)")
        con.execute(
            "insert into raw.mentions select * from landing.mentions "
            "where week_start in (select week_start from copy_weeks)"
        )
        rows = con.execute(
            """
            with counts as (
                select week_start, count(*) as mentions from raw.mentions
                where week_start in (select week_start from copy_weeks) group by week_start
            ),
            held as (
                select week_start, count(*) as quarantined from raw.quarantine
                where source <> 'demo' and week_start in (select week_start from copy_weeks) group by week_start
            )
            select w.week_start, coalesce(c.mentions, 0), coalesce(h.quarantined, 0)
            from copy_weeks w left join counts c using (week_start) left join held h using (week_start)
            order by w.week_start
            """
        ).fetchall()
        loaded_at = now_utc()
        con.executemany(
            "insert into raw.loaded_weeks values (?, 'landing', ?, ?, ?)",
            [(week, count, quarantined, loaded_at) for week, count, quarantined in rows],
        )
        con.execute("drop table copy_weeks")
    return {week: (int(count), int(quarantined)) for week, count, quarantined in rows}


def copy_landing_week(con: duckdb.DuckDBPyConnection, week_start: date) -> tuple[int, int]:
    """Replace one week of raw mentions with the landing area's rows of that week."""
    return copy_landing_weeks(con, [week_start])[week_start]


def landing_row_count(con: duckdb.DuckDBPyConnection) -> int:
    (count,) = con.execute("select count(*) from landing.mentions").fetchone()
    return int(count)


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    (found,) = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(found)


def land_mentions(
    con: duckdb.DuckDBPyConnection,
    mentions: Sequence[Mention],
    rejected: Sequence[RejectedRow],
    *,
    source: str,
    keep_source_label: bool,
) -> dict[str, int]:
    """Add mentions to the landing area. The same post arriving again is counted once.

    A post already landed with the same (platform, id) and the same content (date, author,
    text, reshare_of) is not added again; its counters are refreshed. One with other
    content is quarantined as "duplicate id with different content".
    """
    table = mentions_table(mentions, source=source, keep_source_label=keep_source_label)
    with transaction(con):
        con.register("batch_rows", table)
        con.execute(
            """
            create or replace temp table batch as
            select *, row_number() over (partition by platform, id order by loaded_at) as batch_rank
            from batch_rows
            """
        )
        con.unregister("batch_rows")
        conflicts = con.sql(
            """
            select b.* exclude (batch_rank), 'duplicate id with different content' as reason
            from batch b
            left join landing.mentions l using (platform, id)
            left join batch first on first.platform = b.platform and first.id = b.id and first.batch_rank = 1
            where (l.id is not null and (l.published_at <> b.published_at or l.author_id <> b.author_id
                       or l.text <> b.text or coalesce(l.reshare_of, '') <> coalesce(b.reshare_of, '')))
               or (b.batch_rank > 1 and (first.published_at <> b.published_at or first.author_id <> b.author_id
                       or first.text <> b.text or coalesce(first.reshare_of, '') <> coalesce(b.reshare_of, '')))
            """
        ).to_arrow_table()
        conflict_rows = [RejectedRow(row.pop("reason"), row) for row in conflicts.to_pylist()]
        (already,) = con.execute(
            """
            select count(*) from batch b join landing.mentions l using (platform, id)
            where l.published_at = b.published_at and l.author_id = b.author_id and l.text = b.text
              and coalesce(l.reshare_of, '') = coalesce(b.reshare_of, '')
            """
        ).fetchone()
        # the same post twice in the batch (not landed before): the second copy is already loaded too
        (repeated,) = con.execute(
            """
            select count(*) from batch b
            join batch first on first.platform = b.platform and first.id = b.id and first.batch_rank = 1
            anti join landing.mentions l on l.platform = b.platform and l.id = b.id
            where b.batch_rank > 1 and first.published_at = b.published_at and first.author_id = b.author_id
              and first.text = b.text and coalesce(first.reshare_of, '') = coalesce(b.reshare_of, '')
            """
        ).fetchone()
        con.execute(
            """
            update landing.mentions l set likes = b.likes, comments = b.comments, reposts = b.reposts,
                views = b.views, author_followers = coalesce(b.author_followers, l.author_followers)
            from batch b
            where b.batch_rank = 1 and l.platform = b.platform and l.id = b.id
              and l.published_at = b.published_at and l.author_id = b.author_id and l.text = b.text
            """
        )
        (before,) = con.execute("select count(*) from landing.mentions").fetchone()
        con.execute(
            """
            insert into landing.mentions
            select b.* exclude (batch_rank) from batch b
            anti join landing.mentions l using (platform, id)
            where b.batch_rank = 1
            """
        )
        (after,) = con.execute("select count(*) from landing.mentions").fetchone()
        for row in conflict_rows:
            for key, value in list(row.row.items()):
                if isinstance(value, (date, datetime)):
                    row.row[key] = value.isoformat()
        quarantined = quarantine_rows(con, [*rejected, *conflict_rows], source=source, week_start=None)
        con.execute("drop table batch")
    return {
        "read": len(mentions) + len(rejected),
        "added": int(after - before),
        "already_loaded": int(already + repeated),
        "quarantined": quarantined,
    }


def replace_overrides(
    con: duckdb.DuckDBPyConnection, name: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], types: str
) -> None:
    """Replace `overrides.<name>` (the warehouse's own tenures or registry) in one transaction."""
    with transaction(con):
        con.execute(f"create or replace table overrides.{name} ({types})")
        if rows:
            placeholders = ", ".join("?" for _ in columns)
            con.executemany(f"insert into overrides.{name} values ({placeholders})", [list(r) for r in rows])


WEEK_ROWS_QUERY = """
    select id, platform, published_at, published_utc, local_date, author_id, text, author_name,
           author_followers, url, likes, comments, reposts, views, reshare_of, lang,
           case when keep_source_label then source_sentiment end as sentiment
    from raw.mentions where week_start = ? order by published_utc, platform, id
"""


def read_week_rows(con: duckdb.DuckDBPyConnection, week_start: date) -> list[tuple[Any, ...]]:
    """The raw mentions of one week as tuples, in `assets.weekly.CLASSIFIER_COLUMNS` order."""
    return con.execute(WEEK_ROWS_QUERY, [week_start]).fetchall()


def posts_of_week(con: duckdb.DuckDBPyConnection, week_start: date) -> list[tuple[str, str, str | None, str]]:
    """(platform, author_id, author_name, text) of one week's raw mentions: the classifier picks
    the official ones out of the week before the one it classifies (near copies of them)."""
    return con.execute(
        "select platform, author_id, author_name, text from raw.mentions where week_start = ?", [week_start]
    ).fetchall()


def replace_classified_week(con: duckdb.DuckDBPyConnection, week_start: date, table: pa.Table) -> None:
    with transaction(con, "classified_week"):
        con.execute("delete from raw.classified_mentions where week_start = ?", [week_start])
        con.register("classified_rows", table)
        con.execute("insert into raw.classified_mentions by name select * from classified_rows")
        con.unregister("classified_rows")


def load_overrides(con: duckdb.DuckDBPyConnection):  # -> tuple[tenures | None, accounts | None]
    """This warehouse's replacement tenures and registry, when `--tenures/--official-accounts` set them."""
    from assets.reference import OfficialAccount, Tenure

    tenures = None
    accounts = None
    if table_exists(con, "overrides", "akim_tenures"):
        tenures = tuple(
            Tenure(r[0], r[1], r[2], r[3])
            for r in con.execute(
                "select region_code, person_id, start_date, end_date from overrides.akim_tenures"
            ).fetchall()
        )
    if table_exists(con, "overrides", "official_accounts"):
        accounts = tuple(
            OfficialAccount(*r)
            for r in con.execute(
                "select platform, author_id, coalesce(author_name, ''), coalesce(region_code, ''), "
                "coalesce(kind, '') from overrides.official_accounts"
            ).fetchall()
        )
    return tenures, accounts

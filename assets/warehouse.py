"""The DuckDB warehouse file: tables written by Python (landing, raw, overrides, quarantine).

DuckDB allows one writer, so every function opens a short-lived connection (or takes one)
and writes a week as one transaction: delete the window, then insert. A killed run leaves
the previous state; a re-run leaves the same rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from assets.paths import warehouse_path
from assets.records import Mention, RejectedRow

DDL = """
create schema if not exists landing;
create schema if not exists raw;
create schema if not exists overrides;
create schema if not exists publish;
create table if not exists {schema}.mentions (
    id varchar not null, platform varchar not null, published_at varchar not null,
    published_utc timestamp not null, local_date date not null, week_start date not null,
    author_id varchar not null, author_name varchar, author_followers bigint, text varchar not null,
    url varchar, likes bigint, comments bigint, reposts bigint, views bigint, reshare_of varchar,
    lang varchar, source_sentiment varchar, keep_source_label boolean not null, source varchar not null,
    loaded_at timestamp not null
);
"""

MENTION_COLUMNS = (
    "id",
    "platform",
    "published_at",
    "published_utc",
    "local_date",
    "week_start",
    "author_id",
    "author_name",
    "author_followers",
    "text",
    "url",
    "likes",
    "comments",
    "reposts",
    "views",
    "reshare_of",
    "lang",
    "source_sentiment",
    "keep_source_label",
    "source",
    "loaded_at",
)

OTHER_DDL = """
create table if not exists raw.classified_mentions (
    platform varchar not null, id varchar not null, week_start date not null, akims varchar[] not null,
    sentiment varchar not null, sentiment_score double not null, sentiment_origin varchar not null,
    author_type varchar not null, official_reshare boolean not null, lang varchar not null,
    classifier_backend varchar not null, classifier_version varchar not null, evidence varchar,
    classified_at timestamp not null
);
create table if not exists raw.loaded_weeks (
    week_start date not null, source varchar not null, mention_count bigint not null,
    quarantined_count bigint not null, loaded_at timestamp not null
);
create table if not exists raw.quarantine (
    source varchar not null, reason varchar not null, row_json varchar not null,
    week_start date, quarantined_at timestamp not null
);
"""


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def connect(path: Path | None = None, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection to the warehouse file (created with its tables if new)."""
    target = path or warehouse_path()
    if read_only and not target.exists():
        raise FileNotFoundError(f"no warehouse at {target}: run `akims demo` or `akims run` first")
    con = duckdb.connect(str(target), read_only=read_only)
    try:
        if not read_only:
            ensure_tables(con)
        yield con
    finally:
        con.close()


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL.format(schema="landing"))
    con.execute(DDL.format(schema="raw"))
    con.execute(OTHER_DDL)
    from assets.quality.store import ensure_quality_tables

    ensure_quality_tables(con)


def mentions_table(mentions: Sequence[Mention], *, source: str, keep_source_label: bool) -> pa.Table:
    loaded_at = now_utc()
    columns: dict[str, list[Any]] = {name: [] for name in MENTION_COLUMNS}
    for m in mentions:
        columns["id"].append(m.id)
        columns["platform"].append(m.platform)
        columns["published_at"].append(m.published_at)
        columns["published_utc"].append(m.published_utc)
        columns["local_date"].append(m.local_date)
        columns["week_start"].append(m.week_start)
        columns["author_id"].append(m.author_id)
        columns["author_name"].append(m.author_name)
        columns["author_followers"].append(m.author_followers)
        columns["text"].append(m.text)
        columns["url"].append(m.url)
        columns["likes"].append(m.likes)
        columns["comments"].append(m.comments)
        columns["reposts"].append(m.reposts)
        columns["views"].append(m.views)
        columns["reshare_of"].append(m.reshare_of)
        columns["lang"].append(m.lang)
        columns["source_sentiment"].append(m.sentiment)
        columns["keep_source_label"].append(keep_source_label and m.sentiment is not None)
        columns["source"].append(source)
        columns["loaded_at"].append(loaded_at)
    schema = pa.schema(
        [
            ("id", pa.string()),
            ("platform", pa.string()),
            ("published_at", pa.string()),
            ("published_utc", pa.timestamp("us")),
            ("local_date", pa.date32()),
            ("week_start", pa.date32()),
            ("author_id", pa.string()),
            ("author_name", pa.string()),
            ("author_followers", pa.int64()),
            ("text", pa.string()),
            ("url", pa.string()),
            ("likes", pa.int64()),
            ("comments", pa.int64()),
            ("reposts", pa.int64()),
            ("views", pa.int64()),
            ("reshare_of", pa.string()),
            ("lang", pa.string()),
            ("source_sentiment", pa.string()),
            ("keep_source_label", pa.bool_()),
            ("source", pa.string()),
            ("loaded_at", pa.timestamp("us")),
        ]
    )
    return pa.table(columns, schema=schema)


def quarantine_rows(
    con: duckdb.DuckDBPyConnection, rejected: Iterable[RejectedRow], *, source: str, week_start: date | None
) -> int:
    rows = [
        (source, r.reason, json.dumps(r.row, ensure_ascii=False, default=str), week_start, now_utc()) for r in rejected
    ]
    if rows:
        con.executemany("insert into raw.quarantine values (?, ?, ?, ?, ?)", rows)
    return len(rows)


def replace_week(
    con: duckdb.DuckDBPyConnection,
    week_start: date,
    mentions: Sequence[Mention],
    rejected: Sequence[RejectedRow],
    *,
    source: str,
    keep_source_label: bool = False,
) -> None:
    """Replace one week of raw mentions (and its quarantine rows) in one transaction."""
    table = mentions_table(mentions, source=source, keep_source_label=keep_source_label)
    con.execute("begin transaction")
    try:
        con.execute("delete from raw.mentions where week_start = ?", [week_start])
        con.execute("delete from raw.quarantine where week_start = ? and source = ?", [week_start, source])
        con.execute("delete from raw.loaded_weeks where week_start = ?", [week_start])
        con.register("week_rows", table)
        con.execute("insert into raw.mentions select * from week_rows")
        con.unregister("week_rows")
        quarantined = quarantine_rows(con, rejected, source=source, week_start=week_start)
        con.execute(
            "insert into raw.loaded_weeks values (?, ?, ?, ?, ?)",
            [week_start, source, len(mentions), quarantined, now_utc()],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def copy_landing_week(con: duckdb.DuckDBPyConnection, week_start: date) -> tuple[int, int]:
    """Replace one week of raw mentions with the landing area's rows of that week."""
    con.execute("begin transaction")
    try:
        con.execute("delete from raw.mentions where week_start = ?", [week_start])
        con.execute("delete from raw.loaded_weeks where week_start = ?", [week_start])
        con.execute("insert into raw.mentions select * from landing.mentions where week_start = ?", [week_start])
        (count,) = con.execute("select count(*) from raw.mentions where week_start = ?", [week_start]).fetchone()
        (quarantined,) = con.execute(
            "select count(*) from raw.quarantine where week_start = ? and source <> 'demo'", [week_start]
        ).fetchone()
        con.execute(
            "insert into raw.loaded_weeks values (?, 'landing', ?, ?, ?)", [week_start, count, quarantined, now_utc()]
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return count, quarantined


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
    con.execute("begin transaction")
    try:
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
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return {
        "read": len(mentions) + len(rejected),
        "added": int(after - before),
        "already_loaded": int(already),
        "quarantined": quarantined,
    }


def replace_overrides(
    con: duckdb.DuckDBPyConnection, name: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], types: str
) -> None:
    """Replace `overrides.<name>` (the warehouse's own tenures or registry) in one transaction."""
    con.execute("begin transaction")
    try:
        con.execute(f"create or replace table overrides.{name} ({types})")
        if rows:
            placeholders = ", ".join("?" for _ in columns)
            con.executemany(f"insert into overrides.{name} values ({placeholders})", [list(r) for r in rows])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def read_week_mentions(con: duckdb.DuckDBPyConnection, week_start: date) -> list[Mention]:
    """The raw mentions of one week, as records for the classifier."""
    rows = con.execute(
        """
        select id, platform, published_at, published_utc, local_date, author_id, text, author_name,
               author_followers, url, likes, comments, reposts, views, reshare_of, lang,
               case when keep_source_label then source_sentiment end as sentiment
        from raw.mentions where week_start = ? order by published_utc, platform, id
        """,
        [week_start],
    ).fetchall()
    return [
        Mention(
            id=r[0],
            platform=r[1],
            published_at=r[2],
            published_utc=r[3],
            local_date=r[4],
            author_id=r[5],
            text=r[6],
            author_name=r[7],
            author_followers=r[8],
            url=r[9],
            likes=r[10],
            comments=r[11],
            reposts=r[12],
            views=r[13],
            reshare_of=r[14],
            lang=r[15],
            sentiment=r[16],
        )
        for r in rows
    ]


def official_texts_before(con: duckdb.DuckDBPyConnection, week_start: date) -> list[tuple[str, str, str]]:
    """(platform, id, text) of last week's posts by officially classified authors, for near-copy checks."""
    return con.execute(
        """
        select m.platform, m.id, m.text from raw.mentions m
        join raw.classified_mentions c using (platform, id)
        where c.author_type = 'official' and m.week_start = ? - interval 7 day
        """,
        [week_start],
    ).fetchall()


def replace_classified_week(con: duckdb.DuckDBPyConnection, week_start: date, table: pa.Table) -> None:
    con.execute("begin transaction")
    try:
        con.execute("delete from raw.classified_mentions where week_start = ?", [week_start])
        con.register("classified_rows", table)
        con.execute("insert into raw.classified_mentions by name select * from classified_rows")
        con.unregister("classified_rows")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


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

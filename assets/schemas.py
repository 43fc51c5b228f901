"""The one declaration of each table Python writes: column name, DuckDB type, Arrow type.

The DDL of `assets.warehouse.ensure_tables`, the Arrow tables written into them and the column
lists of INSERT/SELECT all follow from these, so a column is added in one place.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa

from assets.records import Mention


@dataclass(frozen=True)
class Column:
    name: str
    duckdb_type: str
    arrow_type: pa.DataType
    not_null: bool = True


@dataclass(frozen=True)
class TableSchema:
    name: str  # without its schema: the mentions table lives in landing and in raw
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([(c.name, c.arrow_type) for c in self.columns])

    def ddl(self, schema: str) -> str:
        body = ", ".join(f"{c.name} {c.duckdb_type}{' not null' if c.not_null else ''}" for c in self.columns)
        return f"create table if not exists {schema}.{self.name} ({body});"


def _varchar(name: str, not_null: bool = True) -> Column:
    return Column(name, "varchar", pa.string(), not_null)


def _bigint(name: str, not_null: bool = True) -> Column:
    return Column(name, "bigint", pa.int64(), not_null)


def _timestamp(name: str) -> Column:
    return Column(name, "timestamp", pa.timestamp("us"))


def _date(name: str, not_null: bool = True) -> Column:
    return Column(name, "date", pa.date32(), not_null)


def _labels(name: str, not_null: bool = True) -> Column:
    return Column(name, "varchar[]", pa.list_(pa.string()), not_null)


# landing.mentions and raw.mentions: the mention record with its dates, its origin and load time
MENTIONS = TableSchema(
    "mentions",
    (
        _varchar("id"),
        _varchar("platform"),
        _varchar("published_at"),
        _timestamp("published_utc"),
        _date("local_date"),
        _date("week_start"),
        _varchar("author_id"),
        _varchar("author_name", False),
        _bigint("author_followers", False),
        _varchar("text"),
        _varchar("url", False),
        _bigint("likes", False),
        _bigint("comments", False),
        _bigint("reposts", False),
        _bigint("views", False),
        _varchar("reshare_of", False),
        _varchar("lang", False),
        _varchar("source_sentiment", False),
        Column("keep_source_label", "boolean", pa.bool_()),
        _varchar("source"),
        _timestamp("loaded_at"),
    ),
)

CLASSIFIED_MENTIONS = TableSchema(
    "classified_mentions",
    (
        _varchar("platform"),
        _varchar("id"),
        _date("week_start"),
        _labels("akims"),
        _varchar("sentiment"),
        Column("sentiment_score", "double", pa.float64()),
        _varchar("sentiment_origin"),
        _varchar("author_type"),
        Column("official_reshare", "boolean", pa.bool_()),
        _varchar("lang"),
        _varchar("classifier_backend"),
        _varchar("classifier_version"),
        _varchar("evidence", False),
        _timestamp("classified_at"),
        # the tone toward each akim in `akims`, same order; NULL in rows classified before embedded-0.2
        _labels("akim_sentiments", False),
    ),
)

LOADED_WEEKS = TableSchema(
    "loaded_weeks",
    (
        _date("week_start"),
        _varchar("source"),
        _bigint("mention_count"),
        _bigint("quarantined_count"),
        _timestamp("loaded_at"),
    ),
)

QUARANTINE = TableSchema(
    "quarantine",
    (
        _varchar("source"),
        _varchar("reason"),
        _varchar("row_json"),
        _date("week_start", False),
        _timestamp("quarantined_at"),
    ),
)


# the fingerprint of the last dbt build of the whole project that succeeded (assets/dbt_scope.py)
DBT_BUILDS = TableSchema(
    "dbt_builds",
    (
        _varchar("project_fingerprint"),
        _varchar("dbt_version"),
        _timestamp("built_at"),
    ),
)


def placeholders(table: TableSchema) -> str:
    """`(?, ?, …)`: one parameter per column, for an INSERT of whole rows."""
    return "(" + ", ".join("?" for _ in table.columns) + ")"


def now_utc() -> datetime:
    """The time of a load, as the tables store it: naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def classified_table(
    week_start: date, mentions: Sequence[Mention], results: Sequence[Any], backend: str, version: str
) -> pa.Table:
    """The rows of raw.classified_mentions for one classified week (`results` the classifier's, in order)."""
    n = len(mentions)
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    return pa.table(
        {
            "platform": [m.platform for m in mentions],
            "id": [m.id for m in mentions],
            "week_start": pa.repeat(pa.scalar(week_start, pa.date32()), n),
            "akims": [list(r.akims) for r in results],
            "sentiment": [r.sentiment for r in results],
            "sentiment_score": [float(r.sentiment_score) for r in results],
            "sentiment_origin": ["source" if m.sentiment is not None else "classifier" for m in mentions],
            "author_type": [r.author_type for r in results],
            "official_reshare": [bool(r.official_reshare) for r in results],
            "lang": [r.lang for r in results],
            "classifier_backend": pa.repeat(pa.scalar(backend), n),
            "classifier_version": pa.repeat(pa.scalar(version), n),
            "evidence": [dumps(r.evidence) for r in results],
            "classified_at": pa.repeat(pa.scalar(now_utc(), pa.timestamp("us")), n),
            # the tone toward each akim in `akims`, same order (differs when a post names several)
            "akim_sentiments": [[label for _, label, _ in r.akim_tones] or None for r in results],
        },
        schema=CLASSIFIED_MENTIONS.arrow_schema(),
    )

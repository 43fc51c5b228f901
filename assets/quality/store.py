"""Warehouse tables the quality checks write before dbt runs (dbt sources of `fct_data_quality`)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import duckdb

from assets.duckdb_tx import transaction
from assets.quality.expectations import ExpectationOutcome
from assets.quality.settings import QualitySettings

QUALITY_DDL = """
create schema if not exists raw;
create table if not exists raw.quality_settings (setting varchar not null, value varchar not null, description varchar);
create table if not exists raw.quality_accounts (
    platform varchar not null, author_id varchar not null, author_name varchar, signals varchar not null,
    evidence varchar not null, posts bigint not null, detected_at timestamp not null
);
create table if not exists raw.quality_roster_signals (
    platform varchar not null, id varchar not null, local_date date not null, week_start date not null,
    name varchar not null, position varchar not null, excerpt varchar not null
);
create table if not exists raw.quality_expectations (
    asset varchar not null, suite varchar not null, expectation varchar not null, column_name varchar,
    success boolean not null, unexpected_count bigint, examples varchar, checked_at timestamp not null,
    week_start date
);
alter table raw.quality_expectations add column if not exists week_start date;
alter table raw.quality_expectations add column if not exists example_keys varchar;
create table if not exists raw.quality_bursts (
    week_start date not null, burst_no integer not null, position integer not null,
    platform varchar not null, id varchar not null, author_id varchar not null, published_utc timestamp not null
);
"""

# Reason categories of quarantined rows (the contract's kinds of bad input), first match wins.
REASON_CATEGORIES: tuple[tuple[str, str], ...] = (
    (r"^missing required field", "missing required field"),
    (r"^unparsable published_at", "unparsable date"),
    (r"^negative counter", "negative counter"),
    (r"not valid UTF-8", "text not valid UTF-8"),
    (r"^duplicate id with different content", "duplicate id with different content"),
    (r"not valid JSON|not a JSON object", "not a JSON object"),
    (r"^unknown platform", "unknown platform"),
    (r"is not an integer", "counter not an integer"),
    (r"^unknown sentiment", "unknown sentiment label"),
)


def reason_category(reason: str) -> str:
    """The contract's kind of bad input behind a quarantine reason ('other' when none fits)."""
    for pattern, category in REASON_CATEGORIES:
        if re.search(pattern, reason):
            return category
    return "other"


def ensure_quality_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(QUALITY_DDL)


def write_settings(con: duckdb.DuckDBPyConnection, settings: QualitySettings) -> None:
    ensure_quality_tables(con)
    con.execute("delete from raw.quality_settings")
    con.executemany("insert into raw.quality_settings values (?, ?, ?)", settings.as_rows())


def quarantine_counts(con: duckdb.DuckDBPyConnection, weeks: Sequence[date] | None = None) -> dict[str, int]:
    """Quarantined rows per kind of bad input: of the given weeks plus those set aside at ingest
    (no week), or of the whole warehouse when `weeks` is None."""
    if weeks is None:
        rows = con.execute("select reason from raw.quarantine").fetchall()
    else:
        rows = con.execute(
            "select reason from raw.quarantine where week_start is null or list_contains(?, week_start)",
            [list(weeks)],
        ).fetchall()
    counts: dict[str, int] = {}
    for (reason,) in rows:
        category = reason_category(reason)
        counts[category] = counts.get(category, 0) + 1
    return dict(sorted(counts.items()))


def column_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """The number of columns of `raw.<table>` as the schema (QUALITY_DDL) defines it."""
    row = con.execute(
        "select count(*) from information_schema.columns where table_schema = 'raw' and table_name = ?", [table]
    ).fetchone()
    return int(row[0]) if row else 0


def replace_table(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Sequence[Any]]) -> None:
    """Replace every row of one quality table in one transaction."""
    ensure_quality_tables(con)
    width = column_count(con, table)
    with transaction(con, table):
        con.execute(f"delete from raw.{table}")
        if rows:
            con.executemany(f"insert into raw.{table} values ({', '.join('?' for _ in range(width))})", rows)


EXPECTATION_COLUMNS = (
    "asset",
    "suite",
    "expectation",
    "column_name",
    "success",
    "unexpected_count",
    "examples",
    "checked_at",
    "week_start",
    "example_keys",
)


def replace_expectations(
    con: duckdb.DuckDBPyConnection,
    asset: str,
    outcomes: Sequence[ExpectationOutcome],
    weeks: Sequence[date],
    checked_at: datetime,
) -> None:
    """Store one validation's outcomes, one row per expectation and week (the columns of
    EXPECTATION_COLUMNS), replacing the earlier outcomes of those weeks: a week keeps the
    outcome of its latest validation."""
    rows = [
        (
            asset,
            o.suite,
            o.expectation,
            o.column,
            o.success,
            o.unexpected_count,
            to_json(o.examples),
            checked_at,
            o.week_start,
            to_json(o.example_keys) if o.example_keys else None,
        )
        for o in outcomes
    ]
    ensure_quality_tables(con)
    with transaction(con, "quality_expectations"):
        con.execute(
            "delete from raw.quality_expectations "
            "where asset = ? and (week_start is null or list_contains(?, week_start))",
            [asset, list(weeks)],
        )
        if rows:
            con.executemany(
                f"insert into raw.quality_expectations ({', '.join(EXPECTATION_COLUMNS)}) "
                f"values ({', '.join('?' for _ in EXPECTATION_COLUMNS)})",
                rows,
            )


def read_expectations(
    con: duckdb.DuckDBPyConnection, asset: str, weeks: Sequence[date] | None
) -> list[ExpectationOutcome]:
    """The stored outcomes of the asset's suite for these weeks (None: every stored week)."""
    ensure_quality_tables(con)
    rows = con.execute(
        "select suite, expectation, column_name, success, unexpected_count, examples, week_start, example_keys "
        "from raw.quality_expectations where asset = ? and (? or list_contains(?, week_start)) "
        "order by week_start, expectation, column_name",
        [asset, weeks is None, list(weeks or [])],
    ).fetchall()
    return [
        ExpectationOutcome(
            suite, expectation, column, success, count, json.loads(examples or "[]"), week, json.loads(keys or "[]")
        )
        for suite, expectation, column, success, count, examples, week, keys in rows
    ]


def read_suspects(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, list[str], list[str]]]:
    """The accounts the last scan listed: (platform, author_id, signals, evidence)."""
    ensure_quality_tables(con)
    rows = con.execute(
        "select platform, author_id, signals, evidence from raw.quality_accounts order by platform, author_id"
    ).fetchall()
    return [
        (platform, author, signals.split(","), json.loads(evidence)) for platform, author, signals, evidence in rows
    ]


def unknown_akim_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of roster signals over the whole history (people called akim the roster lacks)."""
    ensure_quality_tables(con)
    return [n for (n,) in con.execute("select distinct name from raw.quality_roster_signals order by 1").fetchall()]


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)

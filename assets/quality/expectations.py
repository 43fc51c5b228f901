"""Great Expectations 1.x suites on raw and classified mentions, run on an ephemeral context
with a pandas data source over a DuckDB query result."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from assets.records import PLATFORMS, SENTIMENTS

COUNTERS = ("likes", "comments", "reposts", "views", "author_followers")


@dataclass(frozen=True)
class ExpectationOutcome:
    suite: str
    expectation: str
    column: str | None
    success: bool
    unexpected_count: int | None
    examples: list[Any]


def _raw_suite(gx: Any) -> list[Any]:
    e = gx.expectations
    suite: list[Any] = [
        e.ExpectTableColumnsToMatchSet(
            column_set=["id", "platform", "published_utc", "local_date", "author_id", "text", *COUNTERS],
            exact_match=False,
        ),
        e.ExpectColumnValuesToBeInSet(column="platform", value_set=sorted(PLATFORMS)),
        e.ExpectColumnValuesToBeInSet(column="source_sentiment", value_set=sorted(SENTIMENTS), mostly=1.0),
        e.ExpectCompoundColumnsToBeUnique(column_list=["platform", "id"]),
    ]
    for name in ("id", "platform", "published_utc", "local_date", "author_id", "text"):
        suite.append(e.ExpectColumnValuesToNotBeNull(column=name))
    for name in COUNTERS:
        suite.append(e.ExpectColumnValuesToBeBetween(column=name, min_value=0))
    return suite


def _classified_suite(gx: Any) -> list[Any]:
    e = gx.expectations
    return [
        e.ExpectCompoundColumnsToBeUnique(column_list=["platform", "id"]),
        e.ExpectColumnValuesToBeInSet(column="sentiment", value_set=sorted(SENTIMENTS)),
        e.ExpectColumnValuesToBeInSet(column="author_type", value_set=["official", "media", "person"]),
        e.ExpectColumnValuesToBeInSet(column="sentiment_origin", value_set=["source", "classifier"]),
        e.ExpectColumnValuesToBeBetween(column="sentiment_score", min_value=-1.0, max_value=1.0),
        e.ExpectColumnValuesToNotBeNull(column="official_reshare"),
        e.ExpectColumnValuesToNotBeNull(column="lang"),
    ]


SUITES = {
    # Only what the suite checks is read into pandas, so a million rows stay cheap: author_id and
    # text are checked for presence only, so their first 0 characters ('' or NULL) stand for them;
    # counters as doubles (NULL -> NaN) let GE compare them vectorised instead of value by value.
    "raw_mentions": (
        "select id, platform, published_utc, local_date, left(author_id, 0) as author_id, left(text, 0) as text, "
        + ", ".join(f"cast({c} as double) as {c}" for c in COUNTERS)
        + ", source_sentiment from raw.mentions",
        _raw_suite,
    ),
    "classified_mentions": (
        "select platform, id, sentiment, author_type, sentiment_origin, sentiment_score, official_reshare, lang "
        "from raw.classified_mentions",
        _classified_suite,
    ),
}


def validated_weeks(con: duckdb.DuckDBPyConnection, asset: str, weeks: Sequence[date] | None) -> list[date]:
    """The weeks a validation covers: the given ones, or every week of the asset's table."""
    if weeks is not None:
        return sorted(set(weeks))
    table = {"raw_mentions": "raw.mentions", "classified_mentions": "raw.classified_mentions"}[asset]
    return [w for (w,) in con.execute(f"select distinct week_start from {table} order by 1").fetchall()]


def run_suite(
    con: duckdb.DuckDBPyConnection, asset: str, weeks: Sequence[date] | None = None
) -> list[ExpectationOutcome]:
    """Validate the rows of these weeks (None: all) of the asset's table with its suite; one
    outcome per expectation. A weekly run validates its own weeks, not the whole history."""
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    query, build = SUITES[asset]
    if weeks is None:
        frame = con.execute(query).df()
    else:
        frame = con.execute(f"{query} where list_contains(?, week_start)", [sorted(set(weeks))]).df()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = gx.data_context.types.base.ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas(f"{asset}_source")
    batch = (
        source.add_dataframe_asset(asset)
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    suite = gx.ExpectationSuite(name=f"{asset}_suite", expectations=build(gx))
    result = batch.validate(suite)
    outcomes = []
    for r in result.results:
        config = r.expectation_config
        kwargs = config.kwargs
        column = kwargs.get("column") or ",".join(kwargs.get("column_list") or []) or None
        examples = list(r.result.get("partial_unexpected_list") or [])[:5]
        outcomes.append(
            ExpectationOutcome(
                suite=suite.name,
                expectation=config.type,
                column=column,
                success=bool(r.success),
                unexpected_count=r.result.get("unexpected_count"),
                examples=[str(x) for x in examples],
            )
        )
    return outcomes

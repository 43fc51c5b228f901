"""Great Expectations 1.x suites on raw and classified mentions, run on an ephemeral context
with a pandas data source over a DuckDB query result.

One validation covers all the weeks of a run; its outcomes are then told per week: a row-level
expectation fails only the weeks holding an unexpected row (GE reports each row's week and
`platform:id` through `unexpected_index_column_names`), so one bad row in a backfill of 26
weeks withdraws its own week, not all 26. A table-level expectation (the column set) fails
every week validated."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import duckdb

from assets.records import PLATFORMS, SENTIMENTS

COUNTERS = ("likes", "comments", "reposts", "views", "author_followers")


EXAMPLES_PER_WEEK = 5
# the columns GE reports for each unexpected row: the week it belongs to and the mention's key
ROW_KEY_COLUMNS = ["week_start", "platform", "id"]


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's outcome for one validated week. `examples` are up to five unexpected
    values (empty for a table-level expectation's observed columns, see below) and
    `example_keys` the `platform:id` of the rows holding them, in the same order; a table-level
    expectation has no rows, its `examples` describe what was observed and `example_keys` is
    empty."""

    suite: str
    expectation: str
    column: str | None
    success: bool
    unexpected_count: int | None
    examples: list[str]
    week_start: date
    example_keys: list[str] = field(default_factory=list)


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
        + ", source_sentiment, week_start from raw.mentions",
        _raw_suite,
    ),
    "classified_mentions": (
        "select platform, id, sentiment, author_type, sentiment_origin, sentiment_score, official_reshare, lang, "
        "week_start from raw.classified_mentions",
        _classified_suite,
    ),
}


def validated_weeks(con: duckdb.DuckDBPyConnection, asset: str, weeks: Sequence[date] | None) -> list[date]:
    """The weeks a validation covers: the given ones, or every week of the asset's table."""
    if weeks is not None:
        return sorted(set(weeks))
    table = {"raw_mentions": "raw.mentions", "classified_mentions": "raw.classified_mentions"}[asset]
    return [w for (w,) in con.execute(f"select distinct week_start from {table} order by 1").fetchall()]


def _week(value: Any) -> date:
    return (
        value.date()
        if isinstance(value, datetime)
        else value
        if isinstance(value, date)
        else date.fromisoformat(str(value)[:10])
    )


def _row_value(row: dict[str, Any], column: str | None) -> str:
    """The unexpected value GE reported for a row ('' for an id column: the key names it)."""
    names = [c for c in (column or "").split(",") if c and c not in ROW_KEY_COLUMNS]
    return ",".join(str(row.get(c)) for c in names)


def per_week(
    suite: str, expectation: str, column: str | None, result: dict[str, Any], success: bool, weeks: Sequence[date]
) -> list[ExpectationOutcome]:
    """One validation result told per week (see the module's docstring)."""
    rows = result.get("unexpected_index_list")
    if success or rows is None:
        examples = [] if success else [str(x) for x in list(result.get("partial_unexpected_list") or [])[:5]]
        if not success and not examples and result.get("details"):
            examples = [str(result["details"])]
        count = result.get("unexpected_count")
        return [ExpectationOutcome(suite, expectation, column, success, count, examples, w) for w in weeks]
    by_week: dict[date, list[dict[str, Any]]] = {}
    for row in rows:
        by_week.setdefault(_week(row["week_start"]), []).append(row)
    outcomes = []
    for week in weeks:
        failed = by_week.get(week, [])
        shown = failed[:EXAMPLES_PER_WEEK]
        outcomes.append(
            ExpectationOutcome(
                suite,
                expectation,
                column,
                success=not failed,
                unexpected_count=len(failed),
                examples=[_row_value(r, column) for r in shown],
                week_start=week,
                example_keys=[f"{r['platform']}:{r['id']}" for r in shown],
            )
        )
    return outcomes


def suite_frame(con: duckdb.DuckDBPyConnection, asset: str, weeks: Sequence[date] | None) -> tuple[list[date], Any]:
    """The weeks a validation covers (None: every week of the table) and the pandas frame of
    their rows, as the asset's suite reads them."""
    query, _ = SUITES[asset]
    covered = validated_weeks(con, asset, weeks)
    return covered, con.execute(f"{query} where list_contains(?, week_start)", [covered]).df()


def validate_frame(asset: str, frame: Any, weeks: Sequence[date]) -> list[ExpectationOutcome]:
    """The asset's suite over a frame of `suite_frame` in one GE validation; one outcome per
    expectation and week. Needs no connection: assets/quality/gx_worker.py runs it in a worker."""
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    _, build = SUITES[asset]
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = gx.data_context.types.base.ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas(f"{asset}_source")
    batch = (
        source.add_dataframe_asset(asset)
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    suite = gx.ExpectationSuite(name=f"{asset}_suite", expectations=build(gx))
    # COMPLETE lists every unexpected row with its week and key: rows only when something fails
    result = batch.validate(
        suite, result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ROW_KEY_COLUMNS}
    )
    outcomes = []
    for r in result.results:
        config = r.expectation_config
        kwargs = config.kwargs
        column = kwargs.get("column") or ",".join(kwargs.get("column_list") or []) or None
        outcomes.extend(per_week(suite.name, config.type, column, dict(r.result), bool(r.success), weeks))
    return outcomes


def run_suite(
    con: duckdb.DuckDBPyConnection, asset: str, weeks: Sequence[date] | None = None
) -> list[ExpectationOutcome]:
    """Validate the rows of these weeks (None: every week of the table) of the asset's table with
    its suite in one GE validation; one outcome per expectation and week. A weekly run validates
    its own weeks, not the whole history. In the worker process of assets/quality/gx_worker.py
    when the run started one (its GE import then overlapped the run's loading), else here."""
    from assets.quality import gx_worker

    covered, frame = suite_frame(con, asset, weeks)
    return gx_worker.validate(asset, frame, covered)

"""Python assets: fetch a week of mentions, classify it, publish the period rankings."""

import json
from collections.abc import Iterator
from datetime import date, timedelta

import dagster as dg
import pyarrow as pa

from assets import __version__ as project_version
from assets import progress
from assets.quality.store import quarantine_counts
from assets.records import Mention, RejectedRow, validate
from assets.reference import load_reference
from assets.warehouse import (
    connect,
    copy_landing_week,
    landing_row_count,
    load_overrides,
    now_utc,
    official_texts_before,
    read_week_mentions,
    replace_classified_week,
    replace_week,
)
from orchestration.partitions import (
    week_label,
    weekly_partitions,
)
from orchestration.resources import ClassifierResource, MentionSourceResource, WarehouseResource

DUCKDB_POOL = "duckdb_writer"


def _weeks(context: dg.AssetExecutionContext) -> list[date]:
    window = context.partition_time_window
    first = window.start.date()
    weeks = []
    while first < window.end.date():
        weeks.append(first)
        first += timedelta(days=7)
    return weeks


def _demo_week(source: MentionSourceResource, reference, week_start: date) -> tuple[list[Mention], list[RejectedRow]]:
    from assets.sources.demo import DemoConfig, generate_mentions

    config = DemoConfig(mentions_per_half_year=source.effective_demo_size(), seed=source.effective_demo_seed())
    first = max(week_start, config.start)
    last = min(week_start + timedelta(days=6), config.end)
    mentions: list[Mention] = []
    rejected: list[RejectedRow] = []
    if first > last:
        return mentions, rejected
    for row in generate_mentions(config, reference, first, last):
        record = validate(row)
        (rejected if isinstance(record, RejectedRow) else mentions).append(record)
    return mentions, rejected


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            "raw_mentions",
            deps=["landing_mentions"],  # the inbox / fetched sources land first (orchestration/sensors.py)
            group_name="mentions",
            kinds={"python", "duckdb"},
            owners=["team:data-desk"],
            description=(
                "One ISO week (Monday–Sunday, Asia/Almaty) of mentions from the configured source "
                "(landing area of `akims ingest`, or the embedded demo generator), written to "
                "`raw.mentions`. Rows that break the mention contract go to `raw.quarantine` with the reason."
            ),
        ),
        dg.AssetSpec(
            "loaded_weeks",
            group_name="mentions",
            kinds={"duckdb"},
            owners=["team:data-desk"],
            description="`raw.loaded_weeks`: which weeks were loaded, from which source, with row counts.",
        ),
    ],
    partitions_def=weekly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=DUCKDB_POOL,
)
def raw_mentions(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, mention_source: MentionSourceResource
) -> Iterator[dg.MaterializeResult]:
    weeks = _weeks(context)
    per_week: dict[str, int] = {}
    quarantined_total = 0
    with connect(warehouse.duckdb_path()) as con:
        kind = mention_source.effective_kind()
        if kind == "auto":
            kind = "landing" if landing_row_count(con) > 0 else "demo"
        tenures, accounts = load_overrides(con)
        reference = load_reference(tenures, accounts)
        for number, week_start in enumerate(weeks, start=1):
            if kind == "landing":
                count, quarantined = copy_landing_week(con, week_start)
            elif kind == "demo":
                mentions, rejected = _demo_week(mention_source, reference, week_start)
                replace_week(con, week_start, mentions, rejected, source="demo")
                count, quarantined = len(mentions), len(rejected)
            else:
                raise dg.Failure(f"unknown mention source {kind!r}: use auto, demo or landing")
            per_week[week_label(week_start)] = count
            quarantined_total += quarantined
            progress.report(f"loaded {week_label(week_start)}: {count} mentions ({number}/{len(weeks)})")
        by_reason = quarantine_counts(con, weeks)
    yield dg.MaterializeResult(asset_key="loaded_weeks", metadata={"weeks": len(weeks)})
    yield dg.MaterializeResult(
        asset_key="raw_mentions",
        metadata={
            "source": kind,
            "weeks": len(weeks),
            "dagster/row_count": sum(per_week.values()),
            "quarantined": quarantined_total,
            "quarantined_by_reason": dg.MetadataValue.json(by_reason),
            "mentions_per_week": dg.MetadataValue.json(per_week),
        },
    )


def _classified_table(week_start: date, mentions: list[Mention], results, backend: str, version: str) -> pa.Table:
    classified_at = now_utc()
    return pa.table(
        {
            "platform": [m.platform for m in mentions],
            "id": [m.id for m in mentions],
            "week_start": pa.array([week_start] * len(mentions), pa.date32()),
            "akims": pa.array([list(r.akims) for r in results], pa.list_(pa.string())),
            "sentiment": [r.sentiment for r in results],
            "sentiment_score": pa.array([float(r.sentiment_score) for r in results], pa.float64()),
            "sentiment_origin": ["source" if m.sentiment is not None else "classifier" for m in mentions],
            "author_type": [r.author_type for r in results],
            "official_reshare": pa.array([bool(r.official_reshare) for r in results], pa.bool_()),
            "lang": [r.lang for r in results],
            "classifier_backend": [backend] * len(mentions),
            "classifier_version": [version] * len(mentions),
            "evidence": [json.dumps(r.evidence, ensure_ascii=False) for r in results],
            "classified_at": pa.array([classified_at] * len(mentions), pa.timestamp("us")),
        }
    )


@dg.asset(
    partitions_def=weekly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=DUCKDB_POOL,
    deps=["raw_mentions"],
    group_name="mentions",
    kinds={"python", "duckdb"},
    owners=["team:data-desk"],
    description=(
        "The week's mentions classified: which akims they are about (by name or position on the "
        "date), tone toward the akim, author type (official / media / person), official reshare, "
        "language. Written to `raw.classified_mentions`."
    ),
)
def classified_mentions(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, classifier: ClassifierResource
) -> dg.MaterializeResult:
    from assets.classification import CLASSIFIER_VERSION, classify_records

    weeks = _weeks(context)
    total = 0
    attributed = 0
    with connect(warehouse.duckdb_path()) as con:
        tenures, accounts = load_overrides(con)
        reference = load_reference(tenures, accounts)
        for number, week_start in enumerate(weeks, start=1):
            mentions = read_week_mentions(con, week_start)
            previous_official = official_texts_before(con, week_start)
            results = classify_records(
                mentions,
                reference,
                backend=classifier.effective_backend(),
                keep_source_labels=True,
                known_official_texts=[text for _, _, text in previous_official],
            )
            table = _classified_table(week_start, mentions, results, classifier.effective_backend(), CLASSIFIER_VERSION)
            replace_classified_week(con, week_start, table)
            total += len(mentions)
            attributed += sum(1 for r in results if r.akims)
            progress.report(f"classified {week_label(week_start)}: {len(mentions)} mentions ({number}/{len(weeks)})")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": total,
            "attributed_to_an_akim": attributed,
            "backend": classifier.effective_backend(),
            "classifier_version": CLASSIFIER_VERSION,
            "project_version": project_version,
        }
    )

"""Asset checks of the data-quality gates (issue #5). They only read: the scans that write
`raw.quality_*` are assets of the quality group (orchestration/quality.py), and each check runs
after the scan it reads (`additional_deps`) in the same run, judging the run's weeks. The dbt
mart `fct_data_quality` reads the same tables; the ranking assets consult it before publishing.
Results show in the Dagster UI on the asset checked."""

from collections import Counter
from datetime import date, timedelta

import dagster as dg
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
    PARTITION_NAME_TAG,
)

from assets.calendar import weeks_starting_in
from assets.quality.expectations import ExpectationOutcome
from assets.quality.store import quarantine_counts, read_expectations, read_suspects, unknown_akim_names
from assets.warehouse import connect
from orchestration.resources import WarehouseResource


def run_weeks(context: dg.AssetCheckExecutionContext) -> list[date] | None:
    """The weeks (Mondays) the checked asset was materialised for in this run: the run's
    partition range or partition; None when the run names none (then the checks cover all)."""
    tags = context.run.tags
    first = tags.get(ASSET_PARTITION_RANGE_START_TAG) or tags.get(PARTITION_NAME_TAG)
    last = tags.get(ASSET_PARTITION_RANGE_END_TAG) or first
    if not first:
        return None
    try:
        start, end = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        return None
    return weeks_starting_in(start, end + timedelta(days=1))  # the Mondays start … end, both included


def _expectation_summary(outcomes: list[ExpectationOutcome]) -> str:
    """The check's metadata table: one line per expectation, with the weeks it failed."""
    lines = ["| expectation | column | success | unexpected | failed weeks | examples |", "|---|---|---|---|---|---|"]
    by_expectation: dict[tuple[str, str | None], list[ExpectationOutcome]] = {}
    for o in outcomes:
        by_expectation.setdefault((o.expectation, o.column), []).append(o)
    for (expectation, column), weekly in by_expectation.items():
        failed = [o for o in weekly if not o.success]
        unexpected = sum(o.unexpected_count or 0 for o in failed)
        weeks = ", ".join(str(o.week_start) for o in failed[:6]) + (" …" if len(failed) > 6 else "")
        examples = ", ".join(
            f"{key} {value}".strip() if key else value
            for o in failed[:1]
            for key, value in zip(o.example_keys or [""] * len(o.examples), o.examples, strict=False)
        )
        lines.append(f"| {expectation} | {column or ''} | {not failed} | {unexpected} | {weeks} | {examples[:80]} |")
    return "\n".join(lines)


def _expectations(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource, asset: str
) -> dg.AssetCheckResult:
    weeks = run_weeks(context)
    with connect(warehouse.duckdb_path()) as con:
        outcomes = read_expectations(con, asset, weeks)
        quarantined = quarantine_counts(con) if asset == "raw_mentions" else {}
    failed = [o for o in outcomes if not o.success]
    metadata: dict[str, dg.RawMetadataValue] = {
        "weeks_validated": len({o.week_start for o in outcomes}),
        "weeks_failed": dg.MetadataValue.json(sorted({str(o.week_start) for o in failed})),
        "expectations": len({(o.expectation, o.column) for o in outcomes}),
        "failed": len({(o.expectation, o.column) for o in failed}),
        "results": dg.MetadataValue.md(_expectation_summary(outcomes)),
    }
    if asset == "raw_mentions":
        metadata["quarantined_by_reason"] = dg.MetadataValue.json(quarantined)
    return dg.AssetCheckResult(
        passed=bool(outcomes) and not failed, severity=dg.AssetCheckSeverity.ERROR, metadata=metadata
    )


def expectations_check(asset: str, description: str) -> dg.AssetChecksDefinition:
    """The Great Expectations check of one asset: the outcome of the run's weeks as the
    quality_expectations asset stored it (no outcome stored for them fails the check)."""

    @dg.asset_check(
        asset=asset,
        name=f"{asset}_expectations",
        description=description,
        blocking=False,
        additional_deps=["quality_expectations"],
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
        return _expectations(context, warehouse, asset)

    return _check


raw_mentions_expectations = expectations_check(
    "raw_mentions",
    "Great Expectations suite on raw.mentions (validated by the quality_expectations asset): columns, "
    "allowed platforms and labels, non-negative counters, required fields present, (platform, id) unique. "
    "Quarantine counts per reason.",
)
classified_mentions_expectations = expectations_check(
    "classified_mentions",
    "Great Expectations suite on raw.classified_mentions (validated by the quality_expectations asset): "
    "allowed tone, author type and origin values, score in [-1, 1], (platform, id) unique.",
)


@dg.asset_check(
    asset="classified_mentions",
    name="official_like_accounts",
    description="Unregistered accounts that look official (name patterns, reposts of official posts, bursts "
    "of near-identical praise) and akim names the roster does not know, as the quality_accounts scan "
    "listed them; fct_data_quality weighs their share of each tenure's weekly eligible mentions.",
    blocking=False,
    additional_deps=["quality_accounts", "quality_roster_signals"],
)
def official_like_accounts(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with connect(warehouse.duckdb_path()) as con:
        suspects = read_suspects(con)
        names = unknown_akim_names(con)
    by_signal = Counter(signal for _, _, signals, _ in suspects for signal in signals)
    return dg.AssetCheckResult(
        passed=not suspects and not names,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "suspected_accounts": len(suspects),
            "by_signal": dg.MetadataValue.json(dict(by_signal)),
            "accounts": dg.MetadataValue.md(
                "\n".join(
                    f"- {platform}:{author} — {'; '.join(evidence)}" for platform, author, _, evidence in suspects[:50]
                )
                or "_none_"
            ),
            "unknown_akim_names": dg.MetadataValue.json(names),
        },
    )


QUALITY_CHECKS = [raw_mentions_expectations, classified_mentions_expectations, official_like_accounts]

"""Report assets: the readable report (HTML + Markdown) of each published period.

Partitioned like the ranking assets and downstream of them; each materialisation writes
`$AKIMS_HOME/reports/<period>.html` and `.md` and shows the path and a Markdown preview.
"""

from datetime import date

import dagster as dg
import duckdb

from assets.publishing.report import ReportError, preview_markdown, write_report
from orchestration.dbt import akims_dbt_models
from orchestration.partitions import (
    half_year_label,
    half_year_partitions,
    week_label,
    weekly_partitions,
    year_label,
    year_partitions,
)
from orchestration.resources import WarehouseResource


def _build(context: dg.AssetExecutionContext, warehouse: WarehouseResource, labels: list[str]) -> dg.MaterializeResult:
    written: dict[str, str] = {}
    skipped: dict[str, str] = {}
    preview = ""
    out_dir = warehouse.path() / "reports"
    con = duckdb.connect(str(warehouse.duckdb_path()), read_only=True)
    try:
        for label in labels:
            try:
                data, paths = write_report(con, label, out_dir)
            except ReportError as exc:  # not published (e.g. held by the data-quality gate)
                skipped[label] = str(exc)
                context.log.warning(f"{label}: {exc}")
                continue
            written[label] = str(paths["html"])
            preview = f"**{label}**\n\n" + preview_markdown(data)
    finally:
        con.close()
    return dg.MaterializeResult(
        metadata={
            "reports": dg.MetadataValue.json(written),
            "skipped": dg.MetadataValue.json(skipped),
            "path": dg.MetadataValue.path(next(reversed(written.values()), str(out_dir))),
            "preview": dg.MetadataValue.md(preview or "_no report written_"),
        }
    )


def _starts(context: dg.AssetExecutionContext) -> list[date]:
    return [date.fromisoformat(k) for k in context.partition_keys]


# A report reads most marts (dbt exposure `period_report`) and comes after the dbt build, which is
# one non-subsettable step (orchestration/dbt.py): depending on every mart says both, and makes
# `+half_year_report` select the whole build, as a backfill of it must.
REPORT_MARTS = sorted(spec.key for spec in akims_dbt_models.specs if spec.group_name == "marts")

COMMON = {
    "backfill_policy": dg.BackfillPolicy.single_run(),
    "group_name": "reports",
    "kinds": {"html", "markdown"},
    "owners": ["team:data-desk"],
}


@dg.asset(
    partitions_def=weekly_partitions,
    deps=[dg.AssetKey("weekly_ranking"), *REPORT_MARTS],
    description="The week's report: self-contained HTML and Markdown in `$AKIMS_HOME/reports/`.",
    **COMMON,
)
def weekly_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    return _build(context, warehouse, [week_label(d) for d in _starts(context)])


@dg.asset(
    partitions_def=half_year_partitions,
    deps=[dg.AssetKey("half_year_ranking"), *REPORT_MARTS],
    description="The half-year's report (ranking, podium, weekly bump chart, tone, exclusions, data quality).",
    **COMMON,
)
def half_year_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    return _build(context, warehouse, [half_year_label(d) for d in _starts(context)])


@dg.asset(
    partitions_def=year_partitions,
    deps=[dg.AssetKey("year_ranking"), *REPORT_MARTS],
    description="The year's report (ranking, podium, weekly bump chart, tone, exclusions, data quality).",
    **COMMON,
)
def year_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    return _build(context, warehouse, [year_label(d) for d in _starts(context)])


REPORT_ASSETS = [weekly_report, half_year_report, year_report]

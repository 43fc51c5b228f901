"""Report assets: the readable report (HTML + Markdown) of each published period.

Partitioned like the ranking assets and downstream of them; each materialisation writes
`$AKIMS_HOME/reports/<period>.html` and `.md` and shows the path and a Markdown preview.
"""

from datetime import date

import dagster as dg

from assets.publishing.report import ReportError, preview_markdown, write_report
from assets.serving import open_for_reading
from orchestration.dbt import akims_dbt_models
from orchestration.partitions import PERIOD_KINDS
from orchestration.resources import WarehouseResource


def _build(context: dg.AssetExecutionContext, warehouse: WarehouseResource, labels: list[str]) -> dg.MaterializeResult:
    """Write each period's report; each partition's metadata is its own report (path, preview)
    or why none was written (not published, e.g. held by the data-quality gate)."""
    out_dir = warehouse.path() / "reports"
    with open_for_reading(warehouse.duckdb_path()) as con:  # the published state, as every reader
        for key, label in zip(context.partition_keys, labels, strict=True):
            try:
                data, paths = write_report(con, label, out_dir)
            except ReportError as exc:
                context.log.warning(f"{label}: {exc}")
                context.add_asset_metadata({"period": label, "skipped": str(exc)}, partition_key=key)
                continue
            context.add_asset_metadata(
                {
                    "period": label,
                    "path": dg.MetadataValue.path(str(paths["html"])),
                    "preview": dg.MetadataValue.md(f"**{label}**\n\n" + preview_markdown(data)),
                },
                partition_key=key,
            )
    return dg.MaterializeResult()


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


def report_asset(period: str, description: str) -> dg.AssetsDefinition:
    """The report asset of a period kind (PERIOD_KINDS), downstream of that kind's ranking."""
    partitions_def, label = PERIOD_KINDS[period]

    @dg.asset(
        name=f"{period}_report",
        partitions_def=partitions_def,
        deps=[dg.AssetKey(f"{period}_ranking"), *REPORT_MARTS],
        description=description,
        **COMMON,
    )
    def _report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        return _build(context, warehouse, [label(d) for d in _starts(context)])

    return _report


_SECTIONS = "(ranking, podium, weekly bump chart, tone, exclusions, data quality)."
weekly_report = report_asset(
    "weekly",
    "The week's report: self-contained HTML and Markdown in `$AKIMS_HOME/reports/`.",
)
half_year_report = report_asset("half_year", f"The half-year's report {_SECTIONS}")
year_report = report_asset("year", f"The year's report {_SECTIONS}")


REPORT_ASSETS = [weekly_report, half_year_report, year_report]

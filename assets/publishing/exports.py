"""Exports of the marts for one period as CSV and/or Parquet: `<exports dir>/<period>/<mart>.<ext>`.

Period tables are filtered to the period (the mention-level mart by its week, half_year or year
column); the dimensions are exported whole so the files can be joined without the warehouse.
A `manifest.json` lists every file with its row count and the published build. A warehouse built
before a newer mart existed (`fct_rank_intervals`) exports the others; the manifest's `skipped`
says which is missing and how to get it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from assets.publishing.rankings import published_periods

EXPORT_FORMATS = ("csv", "parquet")
PERIOD_MARTS = (
    "fct_akim_ranking",
    "fct_akim_indicators",
    "fct_period_summary",
    "fct_weekly_first_places",
    "fct_rank_intervals",
)
OPTIONAL_PERIOD_MARTS = ("fct_data_quality",)
DIMENSIONS = ("dim_akims", "dim_regions", "dim_settings", "dim_periods")
MENTION_MART = "fct_mention_eligibility"
PERIOD_COLUMN = {"week": "week", "half_year": "half_year", "year": "year"}
# marts an older warehouse may lack (built before they existed): skipped with a note, not an error
NEWER_MARTS = {"fct_rank_intervals": "rank intervals (issue #18)"}


class ExportError(LookupError):
    """Nothing to export for the period (not in this warehouse); the message is one line."""


def _marts(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("select table_name from information_schema.tables where table_schema = 'marts'").fetchall()
    return {r[0] for r in rows}


def export_queries(con: duckdb.DuckDBPyConnection, period: str) -> dict[str, tuple[str, list[Any]]]:
    """Mart name -> (select statement, parameters) of what is exported for `period`."""
    row = con.execute("select period_kind from marts.dim_periods where period = ?", [period]).fetchone()
    if row is None:
        raise ExportError(f"{period} has no data in this warehouse; build it first with `akims run`")
    present = _marts(con)
    queries: dict[str, tuple[str, list[Any]]] = {}
    for mart in (*PERIOD_MARTS, *OPTIONAL_PERIOD_MARTS):
        if mart in present:
            queries[mart] = (f"select * from marts.{mart} where period = ?", [period])
    if MENTION_MART in present:
        column = PERIOD_COLUMN[str(row[0])]
        queries[MENTION_MART] = (
            f"select * from marts.{MENTION_MART} where {column} = ? order by published_utc, mention_key, person_id",
            [period],
        )
    for dim in DIMENSIONS:
        if dim in present:
            queries[dim] = (f"select * from marts.{dim}", [])
    return queries


def skipped_marts(con: duckdb.DuckDBPyConnection, build_hint: str = "akims run") -> list[dict[str, str]]:
    """The newer period marts this warehouse does not have, each with a one-line note."""
    present = _marts(con)
    return [
        {
            "mart": mart,
            "note": f"{mart} not exported: this warehouse was built before {what}; "
            f"rebuild with `{build_hint}` to get it",
        }
        for mart, what in NEWER_MARTS.items()
        if mart not in present
    ]


def _copy(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any], path: Path, fmt: str) -> int:
    """Write the rows of `sql` to `path` (atomically); the row count."""
    tmp = path.with_name(path.name + ".tmp")
    options = "format csv, header true" if fmt == "csv" else "format parquet, compression zstd"
    literal = str(tmp).replace("'", "''")
    con.execute(f"copy ({sql}) to '{literal}' ({options})", params)
    tmp.replace(path)
    (count,) = con.execute(f"select count(*) from ({sql})", params).fetchone()
    return int(count)


def export_period(
    con: duckdb.DuckDBPyConnection,
    period: str,
    out_dir: Path,
    formats: Sequence[str] = EXPORT_FORMATS,
    *,
    build_hint: str = "akims run",
) -> dict[str, Any]:
    """Export the period's marts into `out_dir/<period>/`; returns the manifest written beside them,
    whose `skipped` lists the newer marts this warehouse lacks (`build_hint` says how to get them)."""
    unknown = sorted(set(formats) - set(EXPORT_FORMATS))
    if unknown:
        raise ExportError(f"unknown export format: {', '.join(unknown)} (use csv or parquet)")
    queries = export_queries(con, period)
    target = out_dir / period
    target.mkdir(parents=True, exist_ok=True)
    files: list[dict[str, Any]] = []
    for mart, (sql, params) in queries.items():
        for fmt in formats:
            path = target / f"{mart}.{fmt}"
            rows = _copy(con, sql, params, path, fmt)
            files.append({"mart": mart, "format": fmt, "file": path.name, "rows": rows})
    published = published_periods(con).get(period)
    manifest = {
        "period": period,
        "published": published is not None,
        "settings": published["settings"] if published else None,
        "build": published["build"] if published else None,
        "files": files,
        "skipped": skipped_marts(con, build_hint),
    }
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest

"""Exports of the marts for one period as CSV and/or Parquet: `<exports dir>/<period>/<mart>.<ext>`.

Period tables are filtered to the period (the mention-level mart by its week, half_year or year
column); the dimensions are exported whole so the files can be joined without the warehouse.
A `manifest.json` lists every file with its row count and the published build.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from assets.publishing.rankings import published_periods

EXPORT_FORMATS = ("csv", "parquet")
PERIOD_MARTS = ("fct_akim_ranking", "fct_akim_indicators", "fct_period_summary", "fct_weekly_first_places")
OPTIONAL_PERIOD_MARTS = ("fct_data_quality",)
DIMENSIONS = ("dim_akims", "dim_regions", "dim_settings", "dim_periods")
MENTION_MART = "fct_mention_eligibility"
PERIOD_COLUMN = {"week": "week", "half_year": "half_year", "year": "year"}


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
    con: duckdb.DuckDBPyConnection, period: str, out_dir: Path, formats: Sequence[str] = EXPORT_FORMATS
) -> dict[str, Any]:
    """Export the period's marts into `out_dir/<period>/`; returns the manifest written beside them."""
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
    }
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest

"""Published rankings: a snapshot per period of the mart's ranked rows, with how it was built."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from assets.duckdb_tx import transaction
from assets.paths import DBT_PROJECT_DIR
from assets.warehouse import now_utc

DBT_PROJECT_VERSION = next(
    (
        line.split(":", 1)[1].strip().strip('"')
        for line in (DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8").splitlines()
        if line.startswith("version:")
    ),
    "unknown",
)
INDICATORS = ("mentions", "positive", "negative", "tone_index", "authors", "engagement", "reach")
RANKING_COLUMNS = ("rank", "person_id", "akim_name", "region_code", "score", *INDICATORS)

PUBLISH_DDL = """
create schema if not exists publish;
create table if not exists publish.rankings (
    period varchar not null, period_kind varchar not null, rank integer not null, person_id varchar not null,
    akim_name varchar, region_code varchar not null, score integer not null, mentions bigint not null,
    positive bigint not null, negative bigint not null, tone_index double not null, authors bigint not null,
    engagement bigint not null, reach bigint not null, published_at timestamp not null
);
create table if not exists publish.periods (
    period varchar not null, period_kind varchar not null, published_at timestamp not null,
    ranked integer not null, settings varchar not null, build varchar not null
);
"""


def _settings(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    rows = con.execute("select setting, value from marts.dim_settings order by setting").fetchall()
    return {str(k): v for k, v in rows}


def _build_info(con: duckdb.DuckDBPyConnection, project_version: str) -> dict[str, Any]:
    classifiers = [
        f"{b} {v}"
        for b, v in con.execute(
            "select distinct classifier_backend, classifier_version from raw.classified_mentions order by 1, 2"
        ).fetchall()
    ]
    sources = [r[0] for r in con.execute("select distinct source from raw.loaded_weeks order by 1").fetchall()]
    dbt_version = con.execute("select value from marts.dim_settings where setting = 'methodology_version'").fetchone()
    return {
        "project_version": project_version,
        "dbt_project_version": DBT_PROJECT_VERSION,
        "methodology_version": dbt_version[0] if dbt_version else None,
        "classifier": classifiers,
        "sources": sources,
    }


def publish_period(path: Path, period: str, *, project_version: str) -> list[dict[str, Any]]:
    """Copy the mart's ranked rows of `period` into `publish.rankings` (replacing earlier ones)."""
    con = duckdb.connect(str(path))
    try:
        con.execute(PUBLISH_DDL)
        published_at = now_utc()
        columns = ", ".join(RANKING_COLUMNS)
        with transaction(con, "publish_period"):
            con.execute("delete from publish.rankings where period = ?", [period])
            con.execute("delete from publish.periods where period = ?", [period])
            con.execute(
                f"""
                insert into publish.rankings (period, period_kind, {columns}, published_at)
                select period, period_kind, {columns}, ?
                from marts.fct_akim_ranking where period = ? and is_ranked
                """,
                [published_at, period],
            )
            kind_row = con.execute("select period_kind from marts.dim_periods where period = ?", [period]).fetchone()
            ranked = con.execute("select count(*) from publish.rankings where period = ?", [period]).fetchone()[0]
            con.execute(
                "insert into publish.periods values (?, ?, ?, ?, ?, ?)",
                [
                    period,
                    kind_row[0] if kind_row else "unknown",
                    published_at,
                    ranked,
                    json.dumps(_settings(con), ensure_ascii=False, default=str),
                    json.dumps(_build_info(con, project_version), ensure_ascii=False),
                ],
            )
        return read_ranking(con, period)
    finally:
        con.close()


def withdraw_period(path: Path, period: str) -> bool:
    """Remove an earlier publication of a period the data-quality gate now refuses (its data went
    missing or empty since). True when there was one."""
    con = duckdb.connect(str(path))
    try:
        con.execute(PUBLISH_DDL)
        (found,) = con.execute("select count(*) from publish.periods where period = ?", [period]).fetchone()
        with transaction(con, "withdraw_period"):
            con.execute("delete from publish.rankings where period = ?", [period])
            con.execute("delete from publish.periods where period = ?", [period])
        return bool(found)
    finally:
        con.close()


def read_ranking(con: duckdb.DuckDBPyConnection, period: str) -> list[dict[str, Any]]:
    columns = ", ".join(RANKING_COLUMNS)
    cursor = con.execute(f"select {columns} from publish.rankings where period = ? order by rank", [period])
    return [dict(zip(RANKING_COLUMNS, row, strict=True)) for row in cursor.fetchall()]


def published_periods(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    try:
        rows = con.execute("select period, period_kind, published_at, settings, build from publish.periods").fetchall()
    except duckdb.CatalogException:
        return {}
    return {
        r[0]: {"period_kind": r[1], "published_at": r[2], "settings": json.loads(r[3]), "build": json.loads(r[4])}
        for r in rows
    }


def ranking_markdown(rows: list[dict[str, Any]], limit: int | None = None) -> str:
    shown = rows if limit is None else rows[:limit]
    if not shown:
        return ""
    header = "| " + " | ".join(RANKING_COLUMNS) + " |"
    rule = "|" + "|".join("---" for _ in RANKING_COLUMNS) + "|"
    lines = [header, rule]
    for row in shown:
        lines.append("| " + " | ".join(format_value(c, row[c]) for c in RANKING_COLUMNS) + " |")
    return "\n".join(lines)


def format_value(column: str, value: Any) -> str:
    if column == "tone_index":
        return f"{float(value):.4f}"
    return "" if value is None else str(value)

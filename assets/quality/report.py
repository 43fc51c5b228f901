"""Reading `marts.fct_data_quality`: the publication gate and the `akims quality` report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from assets.quality.settings import QualitySettings, load_settings

OUTCOME_ORDER = {"fail": 0, "warn": 1, "pass": 2}
# the blocking problem named first when a period is refused: no data before everything else
REFUSAL_ORDER = {"no_data": 0, "missing_partition": 1, "region_silent": 2}


@dataclass
class QualityReport:
    period: str
    rows: list[dict[str, Any]]
    settings: QualitySettings
    by_check: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def blocking(self) -> list[dict[str, Any]]:
        return [r for r in self.rows if r["is_blocking"]]

    def outcome(self, check: str) -> str:
        rows = self.by_check.get(check, [])
        return min((r["outcome"] for r in rows), key=OUTCOME_ORDER.__getitem__, default="pass")


def _has_mart(con: duckdb.DuckDBPyConnection) -> bool:
    (found,) = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'marts' and table_name = 'fct_data_quality'"
    ).fetchone()
    return bool(found)


def read_report(con: duckdb.DuckDBPyConnection, period: str, settings: QualitySettings | None = None) -> QualityReport:
    rows: list[dict[str, Any]] = []
    if _has_mart(con):
        cursor = con.execute(
            """
            select check_name, outcome, is_blocking, subject, measure, threshold, detail, evidence
            from marts.fct_data_quality where period = ?
            order by check_name, outcome, measure desc nulls last, subject
            """,
            [period],
        )
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    by_check: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_check[row["check_name"]].append(row)
    return QualityReport(period, rows, settings or load_settings(), dict(by_check))


def blocking_checks(path: Path, period: str) -> list[str]:
    """One line per blocking problem of the period, or [] when the gate lets it through
    (nothing blocking, or the gate setting is `warn`)."""
    settings = load_settings()
    if settings.gate != "block":
        return []
    con = duckdb.connect(str(path), read_only=False)
    try:
        report = read_report(con, period, settings)
    finally:
        con.close()
    return [f"{r['check_name']}: {r['detail']}" for r in refusal_rows(report)]


def refusal_rows(report: QualityReport) -> list[dict[str, Any]]:
    """The period's blocking problems, no-data ones first ([] when the gate is `warn`)."""
    if report.settings.gate != "block":
        return []
    return sorted(report.blocking, key=lambda r: REFUSAL_ORDER.get(r["check_name"], len(REFUSAL_ORDER)))


def refusal(report: QualityReport, build_hint: str = "") -> str | None:
    """One line saying why the period is not published, e.g. `2019-H2: not published: no_data: no
    mentions loaded for 26 of 27 week(s) (...)`; None when nothing blocks it. `build_hint` (a
    command) is offered when the first reason is a week not loaded."""
    rows = refusal_rows(report)
    if not rows:
        return None
    first = rows[0]
    more = f" (and {len(rows) - 1} more blocking problem(s))" if len(rows) > 1 else ""
    remedy = f"build it with `{build_hint}`" if build_hint and first["check_name"] == "missing_partition" else ""
    return (
        f"{report.period}: not published: {first['check_name']}: {first['detail']}{more}; "
        f"{remedy or f'see `akims quality --period {report.period}`'}"
    )


def period_refusal(con: duckdb.DuckDBPyConnection, period: str, build_hint: str = "") -> str | None:
    """`refusal` of the period as the warehouse's data-quality mart has it now."""
    return refusal(read_report(con, period), build_hint)


def gate_message(blocked: dict[str, list[str]]) -> str:
    """One line naming the blocked periods and the checks that blocked them, with one example."""
    by_checks: dict[str, list[str]] = defaultdict(list)
    for period, problems in sorted(blocked.items()):
        by_checks[", ".join(sorted({p.split(":", 1)[0] for p in problems}))].append(period)
    parts = [f"{', '.join(periods)} blocked by {checks}" for checks, periods in by_checks.items()]
    example = next(iter(blocked.values()))[0]
    if len(example) > 160:
        example = example[:157] + "…"
    return (
        "data quality gate: ranking not published: "
        + "; ".join(parts)
        + f" (e.g. {example}; see `akims quality --period P`)"
    )


def render_report(report: QualityReport, *, limit: int = 8) -> str:
    lines = [f"data quality of {report.period}:"]
    if not report.rows:
        return f"{report.period}: no data-quality results in this warehouse (run `akims run` for it first)"
    refused = refusal(report)
    if refused:
        lines.append(f"  {refused}")
    for check in sorted(report.by_check, key=lambda c: (OUTCOME_ORDER[report.outcome(c)], c)):
        rows = [r for r in report.by_check[check] if r["outcome"] != "pass"]
        outcome = report.outcome(check)
        blocking = any(r["is_blocking"] for r in rows)
        label = outcome.upper() + (" (blocking)" if blocking else "")
        lines.append(f"  {label:<16} {check}" + ("" if rows else ": nothing found"))
        for row in rows[:limit]:
            lines.append(f"      - {row['detail']}")
        if len(rows) > limit:
            lines.append(f"      … and {len(rows) - limit} more")
    verdict = (
        "publication blocked by: " + ", ".join(sorted({r["check_name"] for r in report.blocking}))
        if report.blocking and report.settings.gate == "block"
        else "blocking problems found, but gate=warn: reported only"
        if report.blocking
        else "nothing blocks publication"
    )
    lines.append(verdict)
    lines.append("settings: " + ", ".join(f"{name}={value}" for name, value, _ in report.settings.as_rows()))
    return "\n".join(lines)


def quality_text(period: str) -> str:
    """What `akims quality --period P` prints, read from the serving snapshot (assets/serving.py).
    FileNotFoundError without a warehouse, ValueError for a bad setting, WarehouseBusyError when a
    writer holds a warehouse that has no snapshot yet for the whole bounded wait."""
    from assets.paths import warehouse_path
    from assets.serving import open_for_reading

    settings = load_settings()
    with open_for_reading(warehouse_path()) as con:
        return render_report(read_report(con, period, settings))

"""The period report: what an editor reads, gathered from the marts and the published ranking.

Three jobs, three modules: `report_data` reads everything once (one read-only connection) into
`ReportData`; `wording` turns it into Russian sentences and table rows; `rendering` lays them out
from the Jinja2 templates in `templates/` as a self-contained HTML page and its Markdown twin.
`write_report` writes `<reports dir>/<period>.html` and `.md`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from assets.publishing.rendering import build_charts, preview_markdown, render_html, render_markdown
from assets.publishing.report_data import ReportData, ReportError, load_report_data

__all__ = ["FORMATS", "ReportData", "ReportError", "load_report_data", "preview_markdown", "write_report"]

FORMATS = ("html", "md")


def write_report(
    con: duckdb.DuckDBPyConnection, period: str, out_dir: Path, formats: tuple[str, ...] = FORMATS
) -> tuple[ReportData, dict[str, Path]]:
    """Write the report of `period` as `<out_dir>/<period>.html` and/or `.md`: its data and the paths written."""
    data = load_report_data(con, period)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    if "html" in formats:
        written["html"] = _write(out_dir / f"{period}.html", render_html(data, build_charts(data)))
    if "md" in formats:
        written["md"] = _write(out_dir / f"{period}.md", render_markdown(data))
    return data, written


def _write(path: Path, text: str) -> Path:
    """Write atomically: a reader never sees half a report."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path

"""The inbox: `$AKIMS_HOME/landing/inbox/`, where exports are dropped to be loaded.

* `inbox/telegram/...`, `inbox/vk/...`, `inbox/files/...`: the first folder names the source;
  files elsewhere go by content (a Telegram export or VK pages for `.json`, else `files`);
* a `mapping.yaml` beside CSV/JSONL/Parquet files is their column mapping;
* names starting with `.` or `~`, or ending in `.part`, `.tmp`, `.crdownload`, are still being
  written and wait.

Processing lands each file (see `registry.ingest_file`: the same bytes twice change nothing) and
moves it to `landing/processed/`; a file that cannot be read at all is quarantined as one row
naming it and moved to `landing/rejected/` with a `.reason.txt` beside it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from assets.sources.base import SOURCES, SourceError
from assets.sources.files import ColumnMapping, load_mapping
from assets.sources.landing import forget_repeated_quarantine
from assets.sources.registry import IngestReport, detect_source, ingest_file, quarantine_unreadable, read_path
from assets.warehouse import now_utc

MAPPING_NAMES = ("mapping.yaml", "mapping.yml")
WAITING_SUFFIXES = (".part", ".tmp", ".crdownload")


def inbox_dir(home: Path) -> Path:
    return home / "landing" / "inbox"


def pending_files(inbox: Path) -> list[Path]:
    if not inbox.is_dir():
        return []
    return sorted(
        p
        for p in inbox.rglob("*")
        if p.is_file()
        and not p.name.startswith((".", "~"))
        and not p.name.lower().endswith(WAITING_SUFFIXES)
        and p.name.lower() not in MAPPING_NAMES
    )


def source_for(inbox: Path, path: Path) -> str:
    parts = path.relative_to(inbox).parts
    if len(parts) > 1 and parts[0] in SOURCES and parts[0] != "hf":
        return parts[0]
    return detect_source(path)


def mapping_for(path: Path) -> ColumnMapping | None:
    for name in MAPPING_NAMES:
        candidate = path.parent / name
        if candidate.is_file():
            return load_mapping(candidate)
    return None


def file_key(inbox: Path, path: Path) -> str:
    stat = path.stat()
    return f"{path.relative_to(inbox).as_posix()}|{stat.st_size}|{stat.st_mtime_ns}"


def weeks_in(inbox: Path, path: Path) -> list[date]:
    """The weeks a pending file covers ([] when it cannot be read)."""
    source = source_for(inbox, path)
    try:
        mapping = mapping_for(path) if source == "files" else None
        return read_path(source, path, mapping=mapping).weeks()
    except SourceError:
        return []


def _move(path: Path, inbox: Path, target_dir: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    flat = "__".join(path.relative_to(inbox).parts)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{stamp}-{flat}"
    path.replace(target)
    return target


def process_inbox(con: duckdb.DuckDBPyConnection, home: Path) -> list[IngestReport]:
    """Land every pending file of the inbox and move it out; one report per file."""
    inbox = inbox_dir(home)
    reports: list[IngestReport] = []
    for path in pending_files(inbox):
        source = source_for(inbox, path)
        try:
            mapping = mapping_for(path) if source == "files" else None
            report = ingest_file(con, source, path, mapping=mapping)
        except SourceError as exc:
            reason = str(exc).replace(str(path), path.name)
            since = now_utc()
            quarantine_unreadable(con, source, path, reason)
            forget_repeated_quarantine(con, source, since)
            moved = _move(path, inbox, home / "landing" / "rejected")
            moved.with_name(moved.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")
            reports.append(IngestReport(path.name, {"quarantined": 1}, note=f"unreadable: {reason}"))
            continue
        _move(path, inbox, home / "landing" / "processed")
        reports.append(report)
    return reports

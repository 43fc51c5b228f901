"""The connectors by name, and ingesting into the landing area: what `akims ingest` and the inbox use.

* `files`    CSV / JSONL / Parquet exports (presets or a YAML mapping), `assets.sources.files`;
* `telegram` Telegram Desktop `result.json`, `assets.sources.telegram`;
* `vk`       live `newsfeed.search` over a date range, or recorded API pages (JSON), `assets.sources.vk`;
* `hf`       weekly Parquet shards of a Hub dataset over a date range, `assets.sources.hf`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from assets.calendar import weeks_overlapping
from assets.records import max_text_chars
from assets.sources.base import SOURCES, Batch, SourceError
from assets.sources.files import ColumnMapping, files_in, not_read_in, read_file, read_file_chunks
from assets.sources.landing import fingerprint, land_batch, loaded_file, record_file
from assets.warehouse import now_utc

FETCHED = ("vk", "hf")  # sources read over a date range rather than from files


@dataclass
class IngestReport:
    label: str
    counts: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    weeks: list[date] = field(default_factory=list)
    note: str = ""

    def line(self) -> str:
        c = self.counts
        text = (
            f"{self.label}: {c.get('read', 0)} read, {c.get('added', 0)} added, "
            f"{c.get('already_loaded', 0)} already loaded, {c.get('quarantined', 0)} quarantined"
        )
        shown = {k: v for k, v in self.skipped.items() if k != "api calls"}
        if shown:
            text += ", " + ", ".join(f"{n} skipped ({reason})" for reason, n in sorted(shown.items()))
        if c.get("long_texts"):
            text += (
                f", {c['long_texts']} long text(s) kept whole but classified on their first "
                f"{max_text_chars()} characters"
            )
        return text + (f" ({self.note})" if self.note else "")


def detect_source(path: Path) -> str:
    """`telegram` or `vk` for a JSON file by its content, else `files`."""
    if path.suffix.lower() != ".json":
        return "files"
    from assets.sources.telegram import is_telegram_export, load_export

    try:
        obj = load_export(path)
    except SourceError:
        return "telegram"  # read_path reports why it is unreadable
    return "telegram" if is_telegram_export(obj) else "vk"


def read_path(source: str, path: Path, *, mapping: ColumnMapping | None = None) -> Batch:
    """One file of a file-based source as a batch. SourceError when it cannot be read at all."""
    if source == "files":
        return read_file(path, mapping)
    if source == "telegram":
        from assets.sources.telegram import read_export

        return read_export(path)
    if source == "vk":
        from assets.sources.vk import read_pages_file

        return read_pages_file(path)
    raise SourceError(f"--source {source} reads no files; give --from and --to")


def read_path_chunks(
    source: str, path: Path, *, mapping: ColumnMapping | None = None, chunk_rows: int | None = None
) -> Iterator[Batch]:
    """A file in batches of bounded size (a big export is landed a chunk at a time)."""
    if source == "files":
        yield from read_file_chunks(path, mapping, chunk_rows=chunk_rows)
    else:
        yield read_path(source, path, mapping=mapping)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise SourceError(f"{path}: no such file or folder")
        found.extend(files_in(path) if path.is_dir() else [path])
    return found


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    source: str,
    path: Path,
    *,
    mapping: ColumnMapping | None = None,
    keep_source_label: bool = False,
    chunk_rows: int | None = None,
) -> IngestReport:
    """Read and land one file, unless the same bytes were loaded before; the file is recorded
    as loaded once every chunk of it is landed (each row added, already loaded or quarantined)."""
    sha = fingerprint(path)
    earlier = loaded_file(con, sha)
    if earlier is not None:
        return IngestReport(str(path), note=f"same content as {earlier}, loaded before: nothing to do")
    counts: dict[str, int] = {}
    skipped: dict[str, int] = {}
    weeks: set[date] = set()
    started = now_utc()
    for batch in read_path_chunks(source, path, mapping=mapping, chunk_rows=chunk_rows):
        for key, value in land_batch(con, batch, keep_source_label=keep_source_label, since=started).items():
            counts[key] = counts.get(key, 0) + value
        for reason, value in batch.skipped.items():
            skipped[reason] = skipped.get(reason, 0) + value
        weeks.update(batch.weeks())
    record_file(con, path, sha, source, sorted(weeks), counts)
    return IngestReport(str(path), counts, skipped, sorted(weeks))


def fetch(source: str, weeks: list[date], home: Path) -> Batch:
    """The given weeks from a fetched source (vk, hf)."""
    if source == "vk":
        from assets.reference import load_reference
        from assets.sources.vk import VkClient, fetch_weeks, queries_for

        client = VkClient.from_env()
        with_overrides = _reference_of(home) or load_reference()
        queries = queries_for(with_overrides, weeks[0], max(weeks))
        return fetch_weeks(client, queries, weeks)
    if source == "hf":
        from assets.sources.hf import HfConfig
        from assets.sources.hf import fetch_weeks as hf_fetch

        return hf_fetch(HfConfig.from_env(home), weeks)
    raise SourceError(f"unknown fetched source {source!r}: use {', '.join(FETCHED)}")


def _reference_of(home: Path) -> Any:
    """This warehouse's reference (its tenure/registry overrides), when it has a warehouse file."""
    from assets.reference import load_reference
    from assets.warehouse import connect, load_overrides

    path = home / "warehouse.duckdb"
    if not path.exists():
        return None
    with connect(path) as con:
        tenures, accounts = load_overrides(con)
    return load_reference(tenures, accounts)


def ingest_fetched(
    con: duckdb.DuckDBPyConnection, source: str, batch: Batch, *, keep_source_label: bool = False
) -> IngestReport:
    counts = land_batch(con, batch, keep_source_label=keep_source_label)
    return IngestReport(batch.label, counts, dict(batch.skipped), batch.weeks())


def quarantine_unreadable(con: duckdb.DuckDBPyConnection, source: str, path: Path, reason: str) -> None:
    """A file that cannot be read at all is set aside as one quarantined row naming it."""
    from assets.records import RejectedRow
    from assets.warehouse import quarantine_rows

    quarantine_rows(
        con, [RejectedRow(f"unreadable file: {reason}", {"file": path.name})], source=source, week_start=None
    )


def parse_sources(value: str) -> list[str]:
    names = [s.strip() for s in value.split(",") if s.strip()]
    unknown = [s for s in names if s not in SOURCES]
    if unknown:
        raise SourceError(f"unknown source(s) {', '.join(unknown)}: use {', '.join(SOURCES)}")
    return names


def ingest(
    source: str,
    paths: list[str],
    *,
    mapping_path: str | None = None,
    first: date | None = None,
    last: date | None = None,
    keep_source_label: bool = False,
    home: Path | None = None,
) -> list[str]:
    """`akims ingest`: land files or fetched weeks; one report line per file (and a total)."""
    from assets.paths import akims_home
    from assets.sources.files import load_mapping
    from assets.warehouse import connect

    home = home or akims_home()
    if source not in SOURCES:
        raise SourceError(f"unknown source {source!r}: use {', '.join(SOURCES)}")
    if (first is None) != (last is None):
        raise SourceError("give both --from and --to")
    if mapping_path and source != "files":
        raise SourceError("--mapping applies to --source files only")
    if source in FETCHED and not paths:
        if first is None or last is None:
            raise SourceError(f"--source {source} needs --from and --to")
        if last < first:
            raise SourceError(f"--to {last} is before --from {first}")
        batch = fetch(source, weeks_overlapping(first, last), home)
        with connect(home / "warehouse.duckdb") as con:
            return [ingest_fetched(con, source, batch, keep_source_label=keep_source_label).line()]
    if source == "hf":
        raise SourceError("--source hf reads a dataset repository, not files: give --from and --to, no PATH")
    if not paths:
        raise SourceError(f"--source {source} needs at least one PATH")
    if first is not None:
        raise SourceError("--from/--to fetch a date range: they apply to --source vk (without PATH) and hf")
    mapping = load_mapping(mapping_path) if mapping_path else None
    files = expand_paths(paths)
    lines = [note for note in (not_read_in(Path(p)) for p in paths if Path(p).is_dir()) if note]
    totals = {"read": 0, "added": 0, "already_loaded": 0, "quarantined": 0, "long_texts": 0}
    with connect(home / "warehouse.duckdb") as con:
        for path in files:
            report = ingest_file(con, source, path, mapping=mapping, keep_source_label=keep_source_label)
            lines.append(report.line())
            for key in totals:
                totals[key] += report.counts.get(key, 0)
    if len(files) > 1:
        lines.append(IngestReport("total", totals).line())
    return lines

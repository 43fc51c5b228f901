"""Landing a batch in the warehouse so that loading the same data twice changes nothing.

* Mentions go through `warehouse.land_mentions`: the same (platform, id) with the same content
  is kept once (counters refreshed), other content is quarantined as a conflicting duplicate.
* A file is recorded in `landing.source_files` by the SHA-256 of its bytes; the same bytes
  again (the same export re-sent, under any name) are not read a second time.
* Quarantine rows that repeat an earlier row of the same source (same reason and row, the
  load time aside) are not added again, so re-fetching a VK week or a Hub shard is harmless.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from assets.records import RejectedRow, is_long, max_text_chars
from assets.sources.base import Batch
from assets.warehouse import land_mentions, now_utc

# what storing a row can raise for that row's values (out-of-range numbers, bad types)
LANDING_ERRORS = (duckdb.Error, OverflowError, ValueError, TypeError, ArithmeticError)

LEDGER_DDL = """
create schema if not exists landing;
create table if not exists landing.source_files (
    sha256 varchar not null, source varchar not null, name varchar not null, bytes bigint not null,
    weeks varchar not null, read bigint not null, added bigint not null, already_loaded bigint not null,
    quarantined bigint not null, skipped bigint not null, loaded_at timestamp not null
);
"""
VOLATILE_KEYS = ("loaded_at", "quarantined_at")


def fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def ensure_ledger(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(LEDGER_DDL)


def loaded_file(con: duckdb.DuckDBPyConnection, sha256: str) -> str | None:
    """The name under which these bytes were loaded before, if they were."""
    ensure_ledger(con)
    found = con.execute("select name from landing.source_files where sha256 = ? limit 1", [sha256]).fetchone()
    return str(found[0]) if found else None


def _stable_row(row_json: str) -> str:
    try:
        row = json.loads(row_json)
    except json.JSONDecodeError:
        return row_json
    if isinstance(row, dict):
        for key in VOLATILE_KEYS:
            row.pop(key, None)
    return json.dumps(row, sort_keys=True, ensure_ascii=False)


def forget_repeated_quarantine(con: duckdb.DuckDBPyConnection, source: str, since: datetime) -> int:
    """Delete this load's quarantine rows that repeat an earlier row of the same source."""
    earlier = {
        (reason, _stable_row(row_json))
        for reason, row_json in con.execute(
            "select reason, row_json from raw.quarantine where source = ? and quarantined_at < ?", [source, since]
        ).fetchall()
    }
    if not earlier:
        return 0
    fresh = con.execute(
        "select rowid, reason, row_json from raw.quarantine where source = ? and quarantined_at >= ?",
        [source, since],
    ).fetchall()
    repeated = [rowid for rowid, reason, row_json in fresh if (reason, _stable_row(row_json)) in earlier]
    if repeated:
        con.executemany("delete from raw.quarantine where rowid = ?", [[r] for r in repeated])
    return len(repeated)


def land_batch(
    con: duckdb.DuckDBPyConnection, batch: Batch, *, keep_source_label: bool = False, since: datetime | None = None
) -> dict[str, int]:
    """Land a batch; counts read / added / already_loaded / quarantined / skipped.

    `since`: when the load this batch belongs to began (a file landed in chunks): bad rows
    repeating one quarantined before then are not counted again."""
    started = since or now_utc()
    try:
        counts = land_mentions(
            con, batch.mentions, batch.rejected, source=batch.source, keep_source_label=keep_source_label
        )
    except LANDING_ERRORS:
        # one row the warehouse cannot take must not cost the chunk: land row by row instead
        # (land_mentions rolled its transaction back, so nothing of the chunk is in yet)
        counts = land_one_by_one(con, batch, keep_source_label=keep_source_label)
    repeated = forget_repeated_quarantine(con, batch.source, started)
    counts["quarantined"] -= repeated
    counts["skipped"] = sum(n for reason, n in batch.skipped.items() if reason != "api calls")
    counts["long_texts"] = sum(1 for m in batch.mentions if is_long(m, max_text_chars()))
    return counts


def land_one_by_one(con: duckdb.DuckDBPyConnection, batch: Batch, *, keep_source_label: bool) -> dict[str, int]:
    """Land a batch a mention at a time: a mention that still fails is quarantined with the error."""
    counts = land_mentions(con, [], batch.rejected, source=batch.source, keep_source_label=keep_source_label)
    for mention in batch.mentions:
        try:
            one = land_mentions(con, [mention], [], source=batch.source, keep_source_label=keep_source_label)
        except LANDING_ERRORS as exc:
            reason = f"could not be stored: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
            row = {k: (v.isoformat() if isinstance(v, (date, datetime)) else v) for k, v in mention.raw.items()}
            one = land_mentions(
                con, [], [RejectedRow(reason, row)], source=batch.source, keep_source_label=keep_source_label
            )
            one["read"] = 1
        for key, value in one.items():
            counts[key] = counts.get(key, 0) + value
    return counts


def record_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    sha256: str,
    source: str,
    weeks: Sequence[date],
    counts: dict[str, Any],
) -> None:
    """The file is landed: note it in the ledger, so the same bytes are not loaded twice."""
    ensure_ledger(con)
    con.execute(
        "insert into landing.source_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            sha256,
            source,
            path.name,
            path.stat().st_size,
            ",".join(w.isoformat() for w in weeks),
            counts["read"],
            counts["added"],
            counts["already_loaded"],
            counts["quarantined"],
            counts.get("skipped", 0),
            now_utc(),
        ],
    )

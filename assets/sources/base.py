"""What every connector returns: a batch of contract mentions, the rows set aside, the rows skipped.

A connector turns its native format (a vendor CSV, a Telegram export, VK API pages, a Parquet
shard) into plain dict rows of the mention contract and lets `records.validate` judge them, so
one set of rules decides what is a usable mention whatever the source.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assets.records import Mention, RejectedRow, validate

SOURCES = ("files", "telegram", "vk", "hf")


class SourceError(ValueError):
    """A source that cannot be read or reached at all; the message is one line for the user."""


@dataclass
class Batch:
    """Mentions read from one export, page set or shard, with what was set aside and skipped."""

    source: str
    label: str
    mentions: list[Mention] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str, count: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + count

    def weeks(self) -> list[date]:
        return sorted({m.week_start for m in self.mentions})

    def extend(self, other: Batch) -> None:
        self.mentions.extend(other.mentions)
        self.rejected.extend(other.rejected)
        for reason, count in other.skipped.items():
            self.skip(reason, count)


def batch_from_rows(source: str, label: str, rows: Iterable[dict[str, Any] | RejectedRow]) -> Batch:
    """Validate contract rows into a batch; a row breaking the contract is set aside with its reason."""
    batch = Batch(source=source, label=label)
    for row in rows:
        record = row if isinstance(row, RejectedRow) else validated(row)
        if isinstance(record, RejectedRow):
            batch.rejected.append(record)
        else:
            batch.mentions.append(record)
    return batch


def validated(row: dict[str, Any]) -> Mention | RejectedRow:
    """`validate`, and a row it cannot judge (an error no rule foresaw) set aside with that
    error as its reason: one odd row never costs the rest of its chunk."""
    try:
        return validate(row)
    except Exception as exc:  # the safety net itself: any error becomes a reason
        return RejectedRow(f"row could not be read: {type(exc).__name__}: {str(exc)[:200]}", row)


def drop_none(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if v is not None}

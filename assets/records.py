"""The mention record of `shared/contracts/mentions.md`: reading, validating, local dates.

Reading never drops a row silently: a row that breaks the contract comes back as a
`RejectedRow` with its reason, for the caller to quarantine and count.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from assets.settings import max_text_chars as max_text_chars  # the classifier's share of a text

ALMATY = ZoneInfo("Asia/Almaty")
PLATFORMS = frozenset({"telegram", "vk", "facebook", "instagram", "x", "youtube", "tiktok", "threads", "web", "other"})
# the mention record's fields, in the contract's order (shared/contracts/mentions.md, section 1)
CONTRACT_FIELDS = (
    "id",
    "platform",
    "published_at",
    "author_id",
    "author_name",
    "author_followers",
    "text",
    "url",
    "likes",
    "comments",
    "reposts",
    "views",
    "reshare_of",
    "lang",
    "sentiment",
)
REQUIRED_FIELDS = ("id", "platform", "published_at", "author_id", "text")
COUNTER_FIELDS = ("likes", "comments", "reposts", "views", "author_followers")
SENTIMENTS = frozenset({"positive", "negative", "neutral"})
# counters are stored as DuckDB BIGINT: a larger value is set aside, never lets a chunk crash
COUNTER_MAX = 2**63 - 1
# the dates a mention may have: those `akims run` can build (its week must exist whole)
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)


class InputError(ValueError):
    """Input that cannot be read at all (unknown format, unreadable file)."""


@dataclass(frozen=True)
class Mention:
    """One validated mention, with its Asia/Almaty calendar date."""

    id: str
    platform: str
    published_at: str
    published_utc: datetime  # naive UTC
    local_date: date
    author_id: str
    text: str
    author_name: str | None = None
    author_followers: int | None = None
    url: str | None = None
    likes: int | None = None
    comments: int | None = None
    reposts: int | None = None
    views: int | None = None
    reshare_of: str | None = None
    lang: str | None = None
    sentiment: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def week_start(self) -> date:
        return monday_of(self.local_date)


@dataclass(frozen=True)
class RejectedRow:
    reason: str
    row: dict[str, Any]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def parse_timestamp(value: str) -> datetime:
    """ISO 8601 with a UTC offset -> aware datetime. Raises ValueError otherwise."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError("no UTC offset")
    return parsed


def _text_field(row: dict[str, Any], name: str) -> str | None:
    value = row.get(name)
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from a Parquet/pandas null
        return None
    text = str(value)
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    return text


def _number(value: Any) -> int | float:
    """A counter's value as a number: digit strings exactly (a float would round 19 digits)."""
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value.strip())
    return float(value)


def _counter(row: dict[str, Any], name: str) -> int | None:
    value = row.get(name)
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{name} is not an integer")
    try:
        number = value if isinstance(value, int) else _number(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} is not an integer: {value!r}") from exc
    if isinstance(number, float) and not number.is_integer():
        raise ValueError(f"{name} is not an integer: {value!r}")
    if number < 0:
        raise ValueError(f"negative counter {name}: {value!r}")
    if number > COUNTER_MAX:
        raise ValueError(f"counter {name} out of range (more than {COUNTER_MAX}): {value!r}")
    return int(number)


def is_long(mention: Mention, limit: int) -> bool:
    return len(mention.text) > limit


def for_classification(mentions: list[Mention], limit: int) -> list[Mention]:
    """The mentions with texts longer than `limit` cut to their first `limit` characters: a
    10 MB post is classified on its start instead of stalling the week (the stored text stays whole)."""
    return [replace(m, text=m.text[:limit]) if is_long(m, limit) else m for m in mentions]


def validate(row: dict[str, Any]) -> Mention | RejectedRow:
    """Check one input row against the contract."""
    missing = [name for name in REQUIRED_FIELDS if name != "text" and not _text_field(row, name)]
    if "text" not in row or row.get("text") is None:
        missing.append("text")
    if missing:
        return RejectedRow(f"missing required field: {', '.join(missing)}", row)
    platform = str(row["platform"]).strip().lower()
    if platform not in PLATFORMS:
        return RejectedRow(f"unknown platform: {row['platform']!r}", row)
    try:
        published = parse_timestamp(str(row["published_at"]))
    except ValueError:
        return RejectedRow(f"unparsable published_at: {row['published_at']!r}", row)
    try:
        utc = published.astimezone(UTC).replace(tzinfo=None)
        local_date = published.astimezone(ALMATY).date()
        week_start = monday_of(local_date)
    except OverflowError:  # 9999-12-31T23:00-05:00 is in year 10000 in UTC
        return RejectedRow(f"published_at out of range: {row['published_at']!r}", row)
    if not FIRST_DAY <= week_start <= LAST_DAY:
        return RejectedRow(f"published_at out of range: {row['published_at']!r}", row)
    text = _text_field(row, "text") or ""
    if "\ufffd" in text:
        return RejectedRow("text is not valid UTF-8", row)
    try:
        counters = {name: _counter(row, name) for name in COUNTER_FIELDS}
    except ValueError as exc:
        return RejectedRow(str(exc), row)
    sentiment = (_text_field(row, "sentiment") or "").strip().lower() or None
    if sentiment is not None and sentiment not in SENTIMENTS:
        return RejectedRow(f"unknown sentiment label: {row['sentiment']!r}", row)
    return Mention(
        id=_text_field(row, "id").strip(),  # type: ignore[union-attr]
        platform=platform,
        published_at=str(row["published_at"]).strip(),
        published_utc=utc,
        local_date=local_date,
        author_id=_text_field(row, "author_id").strip(),  # type: ignore[union-attr]
        text=text,
        author_name=_text_field(row, "author_name"),
        url=_text_field(row, "url"),
        reshare_of=(_text_field(row, "reshare_of") or "").strip() or None,
        lang=(_text_field(row, "lang") or "").strip().lower() or None,
        sentiment=sentiment,
        raw=row,
        **counters,
    )


def _jsonl_rows(lines: Iterator[str], source: str) -> Iterator[dict[str, Any] | RejectedRow]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RejectedRow(f"{source} line {number}: not valid JSON ({exc.msg})", {"line": line.rstrip("\n")})
            continue
        if not isinstance(obj, dict):
            yield RejectedRow(f"{source} line {number}: not a JSON object", {"line": line.rstrip("\n")})
            continue
        yield obj


def utf16_or_32(head: bytes) -> bool:
    """True when a file's first bytes are a UTF-16/32 byte-order mark or NUL-padded ASCII."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    return b"\x00" in head[:64]


def _decode_lines(path: Path) -> Iterator[str]:
    """The lines of a UTF-8 file (a leading BOM dropped). InputError for UTF-16/32 text, which
    would otherwise read as a file of invalid JSON lines."""
    with path.open("rb") as handle:
        if utf16_or_32(handle.read(64)):
            raise InputError(f"{path}: the file is UTF-16 or UTF-32 text; save it as UTF-8")
        handle.seek(0)
        for number, raw_line in enumerate(handle):
            if number == 0:
                raw_line = raw_line.removeprefix(b"\xef\xbb\xbf")
            yield raw_line.decode("utf-8", errors="replace")


def read_rows(path: str | Path) -> Iterator[dict[str, Any] | RejectedRow]:
    """Rows of a JSONL, CSV or Parquet file (by extension); `-` is standard input as JSONL."""
    if str(path) == "-":
        stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors="replace")  # a BOM is not a row
        yield from _jsonl_rows(iter(stream), "stdin")
        return
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson", ".json"}:
        yield from _jsonl_rows(_decode_lines(path), str(path))
    elif suffix == ".csv":
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames:
                raise InputError(f"{path}: empty CSV (no header row)")
            for row in reader:
                yield {k: (None if v == "" else v) for k, v in row.items() if k is not None}
    elif suffix == ".parquet":
        try:
            import pyarrow.parquet as pq

            parquet = pq.ParquetFile(path)
        except Exception as exc:
            raise InputError(f"{path}: not a readable Parquet file ({exc})") from exc
        for batch in parquet.iter_batches(batch_size=10_000):  # a batch at a time: memory stays flat
            yield from batch.to_pylist()
    else:
        raise InputError(f"{path}: unknown format {suffix or '(no extension)'}; use .jsonl, .csv or .parquet")


def read_mentions(path: str | Path) -> Iterator[Mention | RejectedRow]:
    for row in read_rows(path):
        yield row if isinstance(row, RejectedRow) else validate(row)

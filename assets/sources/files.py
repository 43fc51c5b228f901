"""File exports: CSV (UTF-8 or Windows-1251, `,` or `;`), JSONL and Parquet, mapped onto the contract.

A file whose columns are already the contract's is read as is. Others go through a column
mapping: a preset for a common export (`vendor`: a monitoring-vendor style export with
text/url/published/author/likes/comments/reposts/views/reach/sentiment columns, in Russian or
English; `4cat`: 4CAT's `id, thread_id, author, body, timestamp`) picked by the header, or a
custom mapping in a small YAML file (see docs/sources.md).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import chain, islice
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from assets.records import (
    CONTRACT_FIELDS,
    PLATFORMS,
    REQUIRED_FIELDS,
    InputError,
    RejectedRow,
    read_rows,
    utf16_or_32,
)
from assets.sources.base import Batch, SourceError, batch_from_rows, drop_none

FILE_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".parquet")

# Platform labels and domains seen in exports -> contract platform.
PLATFORM_LABELS = {
    "vk": "vk",
    "vk.com": "vk",
    "vkontakte": "vk",
    "вконтакте": "vk",
    "вк": "vk",
    "telegram": "telegram",
    "t.me": "telegram",
    "телеграм": "telegram",
    "facebook": "facebook",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "instagram": "instagram",
    "instagram.com": "instagram",
    "x": "x",
    "x.com": "x",
    "twitter": "x",
    "twitter.com": "x",
    "youtube": "youtube",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "tiktok": "tiktok",
    "tiktok.com": "tiktok",
    "threads": "threads",
    "threads.net": "threads",
}
SENTIMENT_LABELS = {
    "positive": "positive",
    "позитив": "positive",
    "позитивная": "positive",
    "позитивный": "positive",
    "негатив": "negative",
    "negative": "negative",
    "негативная": "negative",
    "негативный": "negative",
    "neutral": "neutral",
    "нейтрально": "neutral",
    "нейтральная": "neutral",
    "нейтральный": "neutral",
    "1": "positive",
    "-1": "negative",
    "0": "neutral",
}
# Labels that carry no usable tone: the mention is kept without a source label.
NO_SENTIMENT = frozenset({"", "смешанная", "mixed", "не определена", "undefined"})


@dataclass(frozen=True)
class ColumnMapping:
    """How an export's columns become the contract's fields."""

    name: str
    columns: Mapping[str, tuple[str, ...]]  # contract field -> candidate headers, first present wins
    platform: str | None = None  # a constant platform for every row
    timezone: str = "Asia/Almaty"  # for timestamps without an offset
    date_formats: tuple[str, ...] = ()
    encoding: str | None = None  # None: UTF-8, else Windows-1251
    delimiter: str | None = None  # None: sniffed among , ; and tab
    signature: tuple[str, ...] = ()  # headers that identify the preset
    extra_sentiments: Mapping[str, str] = field(default_factory=dict)


IDENTITY = ColumnMapping(name="contract", columns={f: (f,) for f in CONTRACT_FIELDS}, signature=REQUIRED_FIELDS)

PRESETS: dict[str, ColumnMapping] = {
    "vendor": ColumnMapping(
        name="vendor",
        columns={
            "id": ("id", "ID", "ID поста", "ID сообщения"),
            "platform": ("platform", "Площадка", "Источник", "Тип площадки", "Соцсеть"),
            "published_at": ("published", "published_at", "date", "Дата", "Дата публикации", "Время публикации"),
            "author_id": ("author_id", "author_url", "ID автора", "Ссылка на автора", "Профиль автора"),
            "author_name": ("author", "author_name", "Автор", "Имя автора"),
            "author_followers": ("reach", "followers", "audience", "Аудитория", "Подписчики", "Охват"),
            "text": ("text", "Текст", "Текст сообщения", "Сообщение"),
            "url": ("url", "link", "Ссылка", "URL"),
            "likes": ("likes", "Лайки", "Лайков"),
            "comments": ("comments", "Комментарии", "Комментариев"),
            "reposts": ("reposts", "shares", "Репосты", "Репостов"),
            "views": ("views", "Просмотры", "Просмотров"),
            "sentiment": ("sentiment", "tone", "Тональность"),
            "lang": ("lang", "language", "Язык"),
        },
        date_formats=("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d.%m.%Y"),
        signature=("text|Текст|Текст сообщения|Сообщение", "url|link|Ссылка|URL"),
    ),
    "4cat": ColumnMapping(
        name="4cat",
        columns={
            "id": ("id",),
            "platform": ("platform",),
            "published_at": ("unix_timestamp", "timestamp"),
            "author_id": ("author", "author_id"),
            "author_name": ("author_fullname", "author_name", "author"),
            "author_followers": ("author_followers",),
            "text": ("body",),
            "url": ("url", "link"),
            "likes": ("likes", "score", "reactions_count"),
            "comments": ("num_replies", "comments"),
            "reposts": ("forwards", "num_shares", "reposts"),
            "views": ("views",),
            "reshare_of": ("reshare_of",),
            "lang": ("lang", "language"),
        },
        platform="other",
        timezone="UTC",  # 4CAT writes timestamps in UTC
        date_formats=("%Y-%m-%d %H:%M:%S",),
        signature=("id", "thread_id", "author", "body", "timestamp"),
    ),
}


# ---------------------------------------------------------------- mapping files
def load_mapping(path: str | Path) -> ColumnMapping:
    """A custom mapping from a YAML file; `preset:` starts from a preset. SourceError when unusable."""
    import yaml

    path = Path(path)
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SourceError(f"{path}: no such mapping file") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: not a readable YAML mapping ({type(exc).__name__})") from exc
    if not isinstance(spec, dict):
        raise SourceError(f"{path}: a mapping file is a YAML object with `columns:`")
    return mapping_from_spec(spec, origin=str(path))


def mapping_from_spec(spec: Mapping[str, Any], *, origin: str = "mapping") -> ColumnMapping:
    unknown_keys = set(spec) - {
        "preset",
        "columns",
        "platform",
        "timezone",
        "date_format",
        "date_formats",
        "encoding",
        "delimiter",
        "sentiment_values",
    }
    if unknown_keys:
        raise SourceError(f"{origin}: unknown key(s) {', '.join(sorted(unknown_keys))}")
    base_name = spec.get("preset")
    if base_name is not None and base_name not in PRESETS and base_name != "contract":
        raise SourceError(f"{origin}: unknown preset {base_name!r}; use {', '.join(['contract', *PRESETS])}")
    base = PRESETS.get(str(base_name), IDENTITY) if base_name else ColumnMapping(name="custom", columns={})
    columns = dict(base.columns)
    raw_columns = spec.get("columns") or {}
    if not isinstance(raw_columns, dict):
        raise SourceError(f"{origin}: `columns:` maps contract fields to column names")
    for target, headers in raw_columns.items():
        if target not in CONTRACT_FIELDS:
            raise SourceError(f"{origin}: {target!r} is not a field of the mention contract")
        names = [headers] if isinstance(headers, str) else list(headers or [])
        if not names or not all(isinstance(h, str) for h in names):
            raise SourceError(f"{origin}: columns.{target} must name one column or a list of columns")
        columns[target] = tuple(names)
    platform = spec.get("platform", base.platform)
    if platform is not None and str(platform).lower() not in PLATFORMS:
        raise SourceError(f"{origin}: unknown platform {platform!r}")
    timezone = str(spec.get("timezone", base.timezone))
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SourceError(f"{origin}: unknown timezone {timezone!r}") from exc
    formats = spec.get("date_formats") or ([spec["date_format"]] if spec.get("date_format") else [])
    encoding = spec.get("encoding", base.encoding)
    if encoding is not None:
        try:
            "".encode(str(encoding))
        except LookupError as exc:
            raise SourceError(f"{origin}: unknown encoding {encoding!r}") from exc
    missing = [f for f in ("text",) if f not in columns]
    if missing:
        raise SourceError(f"{origin}: the mapping names no column for {', '.join(missing)}")
    return replace(
        base,
        name=f"custom:{base.name}" if base_name else "custom",
        columns=columns,
        platform=str(platform).lower() if platform else None,
        timezone=timezone,
        date_formats=tuple(formats) or base.date_formats,
        encoding=str(encoding) if encoding else None,
        delimiter=spec.get("delimiter", base.delimiter),
        signature=(),
        extra_sentiments={str(k).lower(): str(v).lower() for k, v in (spec.get("sentiment_values") or {}).items()},
    )


def detect_mapping(headers: list[str]) -> ColumnMapping:
    """The contract when the header has its required fields, else the first preset whose signature fits."""
    present = {h.strip().lower() for h in headers}
    if all(f in present for f in REQUIRED_FIELDS):
        return IDENTITY
    for preset in PRESETS.values():
        if all(any(alt.lower() in present for alt in sig.split("|")) for sig in preset.signature):
            return preset
    shown = ", ".join(headers[:8]) + (" …" if len(headers) > 8 else "")
    missing = [f for f in REQUIRED_FIELDS if f not in present]
    if len(missing) < len(REQUIRED_FIELDS):  # some of the contract's fields: say which are absent
        raise SourceError(
            f"missing required field(s) of the mention contract: {', '.join(missing)} (columns: {shown}); "
            "or give a mapping file with --mapping"
        )
    raise SourceError(
        f"columns ({shown}) are neither the mention contract nor a known export ({', '.join(PRESETS)}); "
        "give a mapping file with --mapping"
    )


# ---------------------------------------------------------------- value conversion (pure)
def _lookup(row: Mapping[str, Any], headers: tuple[str, ...]) -> Any:
    lowered = {str(k).strip().lower(): v for k, v in row.items()}
    for header in headers:
        value = lowered.get(header.lower())
        if value is not None and not (isinstance(value, str) and not value.strip()):
            return value
    return None


def parse_published(value: Any, timezone: str, formats: tuple[str, ...]) -> str | None:
    """A timestamp as ISO 8601 with an offset: ISO with offset kept, unix seconds as UTC, local
    times (ISO without offset or one of `formats`) in `timezone`. None when nothing fits."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=ZoneInfo(timezone))
        return moment.isoformat()
    text = str(value).strip()
    if re.fullmatch(r"\d{9,11}(\.\d+)?", text):
        return datetime.fromtimestamp(float(text), UTC).isoformat()
    try:
        parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        parsed = None
        for fmt in formats:
            try:
                parsed = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(timezone))
    return parsed.isoformat()


def platform_of(label: Any, url: str | None) -> str | None:
    """Contract platform from a label ('ВКонтакте', 'vk.com') or else from the post's URL."""
    if label is not None:
        key = str(label).strip().lower().removeprefix("www.")
        if key in PLATFORMS:
            return key
        if key in PLATFORM_LABELS:
            return PLATFORM_LABELS[key]
    if url:
        host = urlsplit(url if "://" in url else f"https://{url}").hostname or ""
        host = host.removeprefix("www.").removeprefix("m.")
        if host in PLATFORM_LABELS:
            return PLATFORM_LABELS[host]
        if host:
            return "web"
    return str(label).strip() if label is not None else None


def account_id(value: Any) -> str | None:
    """An author given as a profile URL becomes its last path segment ('https://t.me/akimat_abai' ->
    'akimat_abai'), so registry ids match; any other value is kept."""
    if value is None:
        return None
    text = str(value).strip()
    if re.match(r"^(https?://)?(www\.|m\.)?[\w.-]+\.\w{2,}/", text):
        parts = urlsplit(text if "://" in text else f"https://{text}")
        segments = [s for s in parts.path.split("/") if s]
        if segments:
            return segments[-1]
    return text or None


def post_id(url: str | None, author: str | None, published: str | None, text: str | None) -> str | None:
    """An id for exports without one: the post URL without scheme, query or trailing slash, else a
    hash of author, time and text (stable, so a re-sent export maps to the same ids)."""
    if url:
        parts = urlsplit(url if "://" in url else f"https://{url}")
        host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
        return f"{host}{parts.path.rstrip('/')}"
    if author and published and text is not None:
        digest = hashlib.sha256(f"{author}\x1f{published}\x1f{text}".encode()).hexdigest()
        return f"h{digest[:20]}"
    return None


def _counter(value: Any) -> Any:
    if isinstance(value, str):
        cleaned = value.replace("\u00a0", "").replace(" ", "").strip()
        return cleaned or None
    return value


def _sentiment(value: Any, extra: Mapping[str, str]) -> Any:
    if value is None:
        return None
    key = str(value).strip().lower()
    if key in extra:
        return extra[key] or None
    if key in NO_SENTIMENT:
        return None
    return SENTIMENT_LABELS.get(key, value)


def map_row(row: Mapping[str, Any], mapping: ColumnMapping) -> dict[str, Any]:
    """One export row as a contract row. Values that cannot be converted are passed on as found,
    so that validation sets the row aside with the precise reason."""
    if mapping is IDENTITY:
        return dict(row)
    get = {target: _lookup(row, headers) for target, headers in mapping.columns.items()}
    url = str(get["url"]).strip() if get.get("url") is not None else None
    raw_published = get.get("published_at")
    published = parse_published(raw_published, mapping.timezone, mapping.date_formats)
    author_id = account_id(get.get("author_id")) or account_id(get.get("author_name"))
    text = get.get("text")
    platform = mapping.platform or platform_of(get.get("platform"), url)
    if mapping.platform and get.get("platform") is not None:
        platform = platform_of(get.get("platform"), url) or mapping.platform
    mapped = {
        "id": str(get["id"]).strip()
        if get.get("id") is not None
        else post_id(url, author_id, published, None if text is None else str(text)),
        "platform": platform,
        "published_at": published if published is not None else raw_published,
        "author_id": author_id,
        "author_name": get.get("author_name"),
        "author_followers": _counter(get.get("author_followers")),
        "text": "" if text is None and "text" in mapping.columns and url else text,
        "url": url,
        "likes": _counter(get.get("likes")),
        "comments": _counter(get.get("comments")),
        "reposts": _counter(get.get("reposts")),
        "views": _counter(get.get("views")),
        "reshare_of": get.get("reshare_of"),
        "lang": get.get("lang"),
        "sentiment": _sentiment(get.get("sentiment"), mapping.extra_sentiments),
    }
    return drop_none(mapped)


# ---------------------------------------------------------------- reading
def decode_bytes(data: bytes, encoding: str | None) -> tuple[str, str]:
    """(text, encoding used): the given encoding, else UTF-8 (BOM allowed), else Windows-1251."""
    if encoding:
        return data.decode(encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    # A UTF-8 file with a few broken bytes stays UTF-8: its bad rows are then quarantined as
    # "text is not valid UTF-8" instead of the whole file turning into Windows-1251 mojibake.
    lenient = data.decode("utf-8-sig", errors="replace")
    broken = lenient.count("\ufffd")
    valid_non_ascii = sum(1 for ch in lenient if ord(ch) > 127) - broken
    if valid_non_ascii >= 10 * broken:
        return lenient, "utf-8"
    return data.decode("cp1251", errors="replace"), "cp1251"


def sniff_delimiter(first_line: str, given: str | None) -> str:
    if given:
        return given
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def csv_rows(path: Path, mapping: ColumnMapping | None) -> tuple[list[str], Iterator[dict[str, Any]]]:
    data = path.read_bytes()
    if not (mapping and mapping.encoding) and utf16_or_32(data[:64]):
        raise SourceError(f"{path}: the file is UTF-16 or UTF-32 text; save it as UTF-8 (or Windows-1251)")
    text, _ = decode_bytes(data, mapping.encoding if mapping else None)
    if not text.strip():
        raise SourceError(f"{path}: empty file (no header row)")
    first_line = text.splitlines()[0]
    delimiter = sniff_delimiter(first_line, mapping.delimiter if mapping else None)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers = [h.strip() for h in reader.fieldnames or []]
    if not headers or all(not h for h in headers):
        raise SourceError(f"{path}: empty CSV (no header row)")

    def rows() -> Iterator[dict[str, Any]]:
        for row in reader:
            cleaned = {(k or "").strip(): (None if v in ("", None) else v) for k, v in row.items() if k is not None}
            if any(v is not None for v in cleaned.values()):
                yield cleaned

    return headers, rows()


CHUNK_ROWS = 50_000
"""rows validated and landed at a time: a file of any size is read in batches of this many"""


def read_file(path: str | Path, mapping: ColumnMapping | None = None, *, source: str = "files") -> Batch:
    """One export file as a batch. SourceError (one line) when the file cannot be read at all."""
    whole: Batch | None = None
    for chunk in read_file_chunks(path, mapping, source=source):
        if whole is None:
            whole = chunk
        else:
            whole.extend(chunk)
    assert whole is not None  # read_file_chunks yields at least one batch
    return whole


def read_file_chunks(
    path: str | Path, mapping: ColumnMapping | None = None, *, source: str = "files", chunk_rows: int | None = None
) -> Iterator[Batch]:
    """One export file as consecutive batches of at most `chunk_rows` rows (at least one batch,
    perhaps empty), so memory does not grow with the file. JSON Lines and CSV rows stream from
    disk; a Parquet file is read a row group at a time. SourceError when the file cannot be
    read at all (raised before the first batch)."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix not in (*FILE_SUFFIXES, ".json"):  # .json read as JSON Lines, as `akims classify` does
        raise SourceError(f"{path}: unknown format {suffix or '(no extension)'}; use .csv, .jsonl or .parquet")
    if suffix == ".csv":
        headers, items = csv_rows(path, mapping)
        rows: Iterator[dict[str, Any] | RejectedRow] = iter(items)
        head = list(islice(rows, 50))
    else:
        rows = _checked(read_rows(path))
        head = list(islice(rows, 50))
        if not head:  # as for a CSV without a header row: nothing to load is unusable input
            raise SourceError(f"{path}: empty file (no rows)")
        headers = list(dict.fromkeys(k for r in head if isinstance(r, dict) for k in r))
    rows = chain(head, rows)
    chosen = mapping
    if chosen is None:
        if not any(isinstance(r, dict) for r in head):
            chosen = IDENTITY
        else:
            try:
                chosen = detect_mapping(headers)
            except SourceError as exc:
                raise SourceError(f"{path}: {exc}") from exc
    size = chunk_rows or CHUNK_ROWS
    first = True
    while True:
        part = list(islice(rows, size))
        if not part and not first:
            return
        first = False
        yield batch_from_rows(source, str(path), (mapped_row(r, chosen) for r in part))
        if len(part) < size:
            return


def mapped_row(row: dict[str, Any] | RejectedRow, mapping: ColumnMapping) -> dict[str, Any] | RejectedRow:
    """`map_row`, with a row it cannot convert set aside with the error instead of ending the file."""
    if isinstance(row, RejectedRow):
        return row
    try:
        return map_row(row, mapping)
    except Exception as exc:  # the safety net: any error becomes the reason
        return RejectedRow(f"row could not be mapped: {type(exc).__name__}: {str(exc)[:200]}", dict(row))


def _checked(rows: Iterator[dict[str, Any] | RejectedRow]) -> Iterator[dict[str, Any] | RejectedRow]:
    try:
        yield from rows
    except InputError as exc:
        raise SourceError(str(exc)) from exc


def files_in(path: str | Path) -> list[Path]:
    """A file, or the export files of a folder (not recursive), in name order."""
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in FILE_SUFFIXES)
    return [path]


def not_read_in(folder: Path) -> str:
    """What `files_in` leaves out of a folder, as a note for the user ('' when nothing)."""
    entries = list(folder.iterdir())
    subfolders = sum(1 for p in entries if p.is_dir())
    others = sum(1 for p in entries if p.is_file() and p.suffix.lower() not in FILE_SUFFIXES)
    parts = []
    if subfolders:
        parts.append(f"{subfolders} subfolder(s) not read (folders are not searched recursively: name them)")
    if others:
        parts.append(f"{others} file(s) not read (not .csv, .jsonl, .ndjson or .parquet)")
    return f"{folder}: " + "; ".join(parts) if parts else ""

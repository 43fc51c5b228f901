"""Telegram Desktop exports (`result.json`, JSON format): one chat or channel, or a whole account.

A single-chat export is an object with `name`, `type`, `id` and `messages`; an account export
holds them under `chats.list` (and `left_chats.list`). Each message becomes one mention:

* `id` = `<chat id>/<message id>` (message ids repeat across chats); `platform` = telegram;
* `published_at` from `date_unixtime` (UTC) when present, else `date` read in the export's
  time zone (Telegram Desktop writes the exporting computer's local time; default Asia/Almaty);
* author: `from_id` / `from` (a channel's posts are authored by the channel itself);
* `text` given as a string or as a list of plain strings and entity objects, joined;
* `forwarded_from` (a name) / `forwarded_from_id` becomes `reshare_of` = `fwd:<id or name>`:
  the original message is not in the export, so the link names the source only and, per the
  methodology, decides nothing unless such an id exists in the data;
* `reactions` summed as `likes`; `views` kept when present.

Service messages (joins, pins, title changes) are skipped and counted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from assets.records import RejectedRow
from assets.sources.base import Batch, SourceError, batch_from_rows, drop_none

CHANNEL_TYPES = frozenset({"public_channel", "private_channel"})


def load_export(path: str | Path) -> Any:
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"{path}: no such file")
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: not UTF-8 (a Telegram Desktop export is UTF-8 JSON)") from exc
    except json.JSONDecodeError as exc:
        raise SourceError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc


def is_telegram_export(obj: Any) -> bool:
    return isinstance(obj, dict) and (
        isinstance(obj.get("messages"), list) or isinstance((obj.get("chats") or {}).get("list"), list)
    )


def chats_of(export: Any) -> Iterator[Mapping[str, Any]]:
    """The chats of a single-chat or a whole-account export."""
    if not is_telegram_export(export):
        raise SourceError("not a Telegram Desktop export: expected `messages` or `chats.list` (export as JSON)")
    if isinstance(export.get("messages"), list):
        yield export
        return
    for section in ("chats", "left_chats"):
        for chat in (export.get(section) or {}).get("list") or []:
            if isinstance(chat, dict) and isinstance(chat.get("messages"), list):
                yield chat


def plain_text(value: Any) -> str | None:
    """`text` as a string, or a list of strings and `{type, text}` entities, as one string."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts: list[str] = []
        for part in value:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                parts.append(part["text"])
            else:
                return None
        return "".join(parts)
    return None


def reaction_count(reactions: Any) -> int | None:
    if not isinstance(reactions, list):
        return None
    total = 0
    for reaction in reactions:
        count = reaction.get("count") if isinstance(reaction, dict) else None
        if isinstance(count, int) and not isinstance(count, bool):
            total += count
    return total


def published_at(message: Mapping[str, Any], timezone: str) -> str | None:
    unix = message.get("date_unixtime")
    if unix is not None and str(unix).strip().isdigit():
        return datetime.fromtimestamp(int(str(unix).strip()), UTC).isoformat()
    local = message.get("date")
    if isinstance(local, str):
        try:
            parsed = datetime.fromisoformat(local)
        except ValueError:
            return local  # validation sets it aside as unparsable
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=ZoneInfo(timezone))
        return parsed.isoformat()
    return None


def message_row(chat: Mapping[str, Any], message: Mapping[str, Any], timezone: str) -> dict[str, Any] | RejectedRow:
    """One `type: message` of a chat as a contract row (or a rejection with the reason)."""
    chat_id = chat.get("id")
    message_id = message.get("id")
    if chat_id is None or message_id is None:
        return RejectedRow("telegram: message without chat id or message id", dict(message))
    text = plain_text(message.get("text"))
    if text is None:
        return RejectedRow("telegram: text is neither a string nor a list of entities", dict(message))
    is_channel = chat.get("type") in CHANNEL_TYPES
    author_id = message.get("from_id") or (f"channel{chat_id}" if is_channel else None)
    author_name = message.get("from") or (chat.get("name") if is_channel else None)
    forwarded = message.get("forwarded_from_id") or message.get("forwarded_from")
    views = message.get("views")
    return drop_none(
        {
            "id": f"{chat_id}/{message_id}",
            "platform": "telegram",
            "published_at": published_at(message, timezone),
            "author_id": str(author_id) if author_id is not None else None,
            "author_name": author_name,
            "text": text,
            "likes": reaction_count(message.get("reactions")),
            "views": views if isinstance(views, int) else None,
            "reshare_of": f"fwd:{forwarded}" if forwarded else None,
        }
    )


def read_export(path: str | Path, *, timezone: str = "Asia/Almaty") -> Batch:
    """A Telegram Desktop `result.json` as a batch; service messages are skipped and counted."""
    export = load_export(path)
    try:
        chats = list(chats_of(export))
    except SourceError as exc:
        raise SourceError(f"{path}: {exc}") from exc
    rows: list[dict[str, Any] | RejectedRow] = []
    skipped: dict[str, int] = {}
    for chat in chats:
        for message in chat["messages"]:
            if not isinstance(message, dict):
                rows.append(RejectedRow("telegram: message is not a JSON object", {"message": message}))
                continue
            kind = message.get("type")
            if kind == "service":
                skipped["service message"] = skipped.get("service message", 0) + 1
                continue
            if kind != "message":
                rows.append(RejectedRow(f"telegram: unknown message type {kind!r}", dict(message)))
                continue
            rows.append(message_row(chat, message, timezone))
    batch = batch_from_rows("telegram", str(path), rows)
    for reason, count in skipped.items():
        batch.skip(reason, count)
    return batch

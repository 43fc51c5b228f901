"""VK: `newsfeed.search` by name queries per akim, one time window per weekly partition.

The client is a plain HTTP client (requests) with a minimum interval between calls (VK allows
about three calls a second for a user token), bounded retries with exponential backoff on
rate limits (error 6, 9), VK's internal errors (10), HTTP 429/5xx, network failures and
malformed pages, and an immediate stop on authorisation errors (5: expired or revoked token).

The token comes only from the environment variable AKIMS_VK_TOKEN. It travels in the POST body
(never in a URL, so it cannot end up in access logs or exception texts), is kept out of the
client's repr, and any text shown to a user is scrubbed of it.

A page is `{"response": {"items": [...], "profiles": [...], "groups": [...], "next_from": ...}}`.
Each post becomes one mention: `id` = `<owner_id>_<post id>`, url `https://vk.com/wall<owner>_<id>`,
the author from `profiles` (users, positive ids) or `groups` (communities, negative ids) with
their screen name as `author_id` (else `id<n>` / `club<n>`) and followers as `author_followers`,
`likes/comments/reposts/views` from the counters, and `copy_history[0]` as `reshare_of`.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from assets.records import RejectedRow
from assets.sources.base import Batch, SourceError, batch_from_rows, drop_none

TOKEN_ENV = "AKIMS_VK_TOKEN"
ENDPOINT_ENV = "AKIMS_VK_ENDPOINT"
DEFAULT_ENDPOINT = "https://api.vk.com/method"
API_VERSION = "5.199"
PAGE_SIZE = 200
MAX_PAGES = 50
RETRY_CODES = frozenset({6, 9, 10})  # too many requests per second, flood control, internal error
AUTH_CODES = frozenset({5})
ALMATY = ZoneInfo("Asia/Almaty")


class VkError(SourceError):
    """VK refused or failed after the retries; the message is one line, without the token."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


SHORTEST_ECHO = 8  # a server may echo the token cut short: any part this long is hidden


@lru_cache(maxsize=4)
def _secret_grams(secret: str) -> frozenset[str]:
    """The lower-cased SHORTEST_ECHO-character pieces of the token."""
    low = secret.lower()
    return frozenset(low[i : i + SHORTEST_ECHO] for i in range(len(low) - SHORTEST_ECHO + 1))


def redact(text: str, secret: str | None) -> str:
    """`text` with the token hidden in any form a server may echo: whole, upper- or lower-cased,
    truncated or cut out of the middle (any 8 characters or more of it). Linear in the text:
    every 8-character window that is a piece of the token is covered, runs of them become ***."""
    if not secret:
        return text
    if len(secret) < SHORTEST_ECHO:
        return re.sub(re.escape(secret), "***", text, flags=re.IGNORECASE)
    low = text.lower()
    if len(low) != len(text):  # a few letters lower-case to two characters: keep positions aligned
        low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    grams = _secret_grams(secret)
    covered_to = 0
    spans: list[list[int]] = []
    for i in range(len(low) - SHORTEST_ECHO + 1):
        if low[i : i + SHORTEST_ECHO] in grams:
            if spans and i <= covered_to:
                spans[-1][1] = i + SHORTEST_ECHO
            else:
                spans.append([i, i + SHORTEST_ECHO])
            covered_to = i + SHORTEST_ECHO
    if not spans:
        return text
    parts, last = [], 0
    for begin, end in spans:
        parts.append(text[last:begin] + "***")
        last = end
    return "".join(parts) + text[last:]


def redact_value(value: Any, secret: str | None) -> Any:
    """A JSON value (page, item) with the token hidden in every string of it."""
    if not secret:
        return value
    if isinstance(value, str):
        return redact(value, secret)
    if isinstance(value, dict):
        return {redact(str(k), secret): redact_value(v, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v, secret) for v in value]
    return value


@dataclass
class VkClient:
    """`call(method, params)` -> the `response` object of a VK API method."""

    token: str = field(repr=False)
    endpoint: str = DEFAULT_ENDPOINT
    min_interval: float = 0.34
    max_attempts: int = 5
    backoff: float = 1.0
    timeout: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    calls: int = 0
    retries: int = 0
    _last_call: float | None = field(default=None, repr=False)
    _session: Any = field(default=None, repr=False)

    @classmethod
    def from_env(cls, **options: Any) -> VkClient:
        token = os.environ.get(TOKEN_ENV, "").strip()
        if not token:
            raise SourceError(f"VK needs an access token in the environment variable {TOKEN_ENV}")
        endpoint = os.environ.get(ENDPOINT_ENV, "").strip() or DEFAULT_ENDPOINT
        return cls(token=token, endpoint=endpoint, **options)

    def _wait_turn(self) -> None:
        if self._last_call is not None:
            wait = self.min_interval - (self.clock() - self._last_call)
            if wait > 0:
                self.sleep(wait)
        self._last_call = self.clock()

    def _post(self, method: str, params: Mapping[str, Any]) -> tuple[int, str]:
        import requests

        if self._session is None:
            self._session = requests.Session()
        data = {**params, "access_token": self.token, "v": API_VERSION}
        # never follow a redirect: requests would re-send the body, token included, to its target
        response = self._session.post(
            f"{self.endpoint.rstrip('/')}/{method}", data=data, timeout=self.timeout, allow_redirects=False
        )
        return response.status_code, response.text

    def call(self, method: str, params: Mapping[str, Any]) -> dict[str, Any]:
        import requests

        problem = ""
        for attempt in range(1, self.max_attempts + 1):
            if attempt > 1:
                self.retries += 1
                self.sleep(self.backoff * 2 ** (attempt - 2))
            self._wait_turn()
            self.calls += 1
            try:
                status, body = self._post(method, params)
            except requests.RequestException as exc:
                problem = f"network error ({type(exc).__name__})"
                continue
            if status == 429 or status >= 500:
                problem = f"HTTP {status}"
                continue
            if 300 <= status < 400:
                raise VkError(
                    f"VK {method}: HTTP {status}: the endpoint redirects; not followed, so the token is not "
                    f"sent elsewhere (set {ENDPOINT_ENV} to the final address if it is trusted)"
                )
            if status != 200:
                raise VkError(f"VK {method}: HTTP {status}")
            try:
                payload = json.loads(body)
            except json.JSONDecodeError:
                problem = "malformed response (not JSON)"
                continue
            if not isinstance(payload, dict):
                problem = "malformed response (not a JSON object)"
                continue
            error = payload.get("error")
            if isinstance(error, dict):
                code = error.get("error_code")
                message = redact(str(error.get("error_msg", "")), self.token)
                if code in AUTH_CODES:
                    raise VkError(
                        f"VK {method}: authorisation failed (error {code}: {message}); renew {TOKEN_ENV}", code
                    )
                if code in RETRY_CODES:
                    problem = f"error {code}: {message}"
                    continue
                raise VkError(redact(f"VK {method}: error {code}: {message}", self.token), code)
            response = payload.get("response")
            if not isinstance(response, dict):
                problem = "malformed response (no `response` object)"
                continue
            return response
        raise VkError(f"VK {method}: gave up after {self.max_attempts} attempts; last problem: {problem}")


# ---------------------------------------------------------------- windows and queries
def week_window(week_start: date, days: int = 7) -> tuple[int, int]:
    """Unix seconds [start, end) of Monday 00:00 .. the next Monday 00:00, Asia/Almaty."""
    start = datetime.combine(week_start, dtime(0), ALMATY)
    end = datetime.combine(week_start + timedelta(days=days), dtime(0), ALMATY)
    return int(start.timestamp()), int(end.timestamp())


def queries_for(reference: Any, first: date, last: date) -> list[str]:
    """Search queries for the akims in office on any day of [first, last]: "Имя Фамилия" and
    "аким Фамилия" (VK's search matches word forms)."""
    queries: list[str] = []
    for tenure in reference.tenures:
        if tenure.start_date > last or (tenure.end_date is not None and tenure.end_date < first):
            continue
        try:
            person = reference.person(tenure.person_id)
        except KeyError:
            continue
        for query in (person.name_ru, f"аким {person.surname_ru}"):
            if query.strip() and query not in queries:
                queries.append(query)
    return queries


def search_pages(
    client: VkClient, query: str, start_time: int, end_time: int, *, max_pages: int = MAX_PAGES
) -> Iterator[dict[str, Any]]:
    """The pages of one query in one window, following `next_from`."""
    params: dict[str, Any] = {
        "q": query,
        "extended": 1,
        "count": PAGE_SIZE,
        "start_time": start_time,
        "end_time": end_time - 1,
        "fields": "screen_name,followers_count,members_count",
    }
    next_from: str | None = None
    for _ in range(max_pages):
        page = client.call("newsfeed.search", {**params, **({"start_from": next_from} if next_from else {})})
        yield page
        next_from = page.get("next_from") or None
        if not next_from or not page.get("items"):
            return


# ---------------------------------------------------------------- pages -> rows (pure)
def _count(obj: Any) -> int | None:
    if isinstance(obj, dict):
        value = obj.get("count")
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    return None


def authors_of(page: Mapping[str, Any]) -> dict[int, dict[str, Any]]:
    """owner id -> {author_id, author_name, author_followers}; communities under negative ids."""
    authors: dict[int, dict[str, Any]] = {}
    for profile in page.get("profiles") or []:
        if isinstance(profile, dict) and isinstance(profile.get("id"), int):
            name = " ".join(p for p in (profile.get("first_name"), profile.get("last_name")) if p)
            authors[profile["id"]] = {
                "author_id": profile.get("screen_name") or f"id{profile['id']}",
                "author_name": name or None,
                "author_followers": profile.get("followers_count"),
            }
    for group in page.get("groups") or []:
        if isinstance(group, dict) and isinstance(group.get("id"), int):
            authors[-group["id"]] = {
                "author_id": group.get("screen_name") or f"club{group['id']}",
                "author_name": group.get("name"),
                "author_followers": group.get("members_count"),
            }
    return authors


def post_row(item: Any, authors: Mapping[int, Mapping[str, Any]]) -> dict[str, Any] | RejectedRow:
    if not isinstance(item, dict):
        return RejectedRow("vk: item is not a JSON object", {"item": item})
    owner, post, when = item.get("owner_id"), item.get("id"), item.get("date")
    if not isinstance(owner, int) or not isinstance(post, int):
        return RejectedRow("vk: post without owner_id or id", dict(item))
    if not isinstance(when, int):
        return RejectedRow(f"vk: unparsable date: {when!r}", dict(item))
    author_key = item.get("from_id") if isinstance(item.get("from_id"), int) else owner
    author = authors.get(author_key) or {
        "author_id": f"id{author_key}" if author_key > 0 else f"club{-author_key}",
    }
    history = item.get("copy_history")
    original = history[0] if isinstance(history, list) and history and isinstance(history[0], dict) else None
    reshare_of = None
    if original and isinstance(original.get("owner_id"), int) and isinstance(original.get("id"), int):
        reshare_of = f"{original['owner_id']}_{original['id']}"
    followers = author.get("author_followers")
    return drop_none(
        {
            "id": f"{owner}_{post}",
            "platform": "vk",
            "published_at": datetime.fromtimestamp(when, UTC).isoformat(),
            "author_id": author.get("author_id"),
            "author_name": author.get("author_name"),
            "author_followers": followers if isinstance(followers, int) else None,
            "text": item.get("text") if isinstance(item.get("text"), str) else "",
            "url": f"https://vk.com/wall{owner}_{post}",
            "likes": _count(item.get("likes")),
            "comments": _count(item.get("comments")),
            "reposts": _count(item.get("reposts")),
            "views": _count(item.get("views")),
            "reshare_of": reshare_of,
        }
    )


def page_rows(page: Mapping[str, Any]) -> list[dict[str, Any] | RejectedRow]:
    items = page.get("items")
    if not isinstance(items, list):
        return [RejectedRow("vk: page without an `items` list", {"page": dict(page)})]
    authors = authors_of(page)
    return [post_row(item, authors) for item in items]


def batch_from_pages(pages: Iterable[Mapping[str, Any]], label: str) -> Batch:
    """Posts of several pages (queries overlap: a post found twice is kept once)."""
    seen: set[str] = set()
    rows: list[dict[str, Any] | RejectedRow] = []
    for page in pages:
        for row in page_rows(page):
            key = row["id"] if isinstance(row, dict) else row.reason + json.dumps(row.row, sort_keys=True, default=str)
            if key in seen:
                continue
            seen.add(key)
            rows.append(row)
    return batch_from_rows("vk", label, rows)


def fetch_weeks(client: VkClient, queries: list[str], weeks: Iterable[date]) -> Batch:
    """Every query over every week's window, as one batch."""
    pages: list[dict[str, Any]] = []
    labels = []
    for week_start in weeks:
        start, end = week_window(week_start)
        labels.append(week_start.isoformat())
        for query in queries:
            pages.extend(search_pages(client, query, start, end))
    # a hostile endpoint may echo the token inside items: hidden before anything lands or is quarantined
    batch = batch_from_pages(
        [redact_value(page, client.token) for page in pages], f"vk newsfeed.search {', '.join(labels)}"
    )
    batch.skip("api calls", client.calls)
    return batch


def read_pages_file(path: str | Path) -> Batch:
    """Recorded API answers: one JSON page (or a list of pages, or JSONL) as saved from newsfeed.search."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"{path}: no such file")
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    try:
        payloads: list[Any] = [json.loads(text)]
    except json.JSONDecodeError:
        try:
            payloads = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise SourceError(f"{path}: not JSON pages of the VK API (line {exc.lineno}: {exc.msg})") from exc
    if len(payloads) == 1 and isinstance(payloads[0], list):
        payloads = payloads[0]
    pages = []
    for payload in payloads:
        if isinstance(payload, dict) and isinstance(payload.get("error"), dict):
            code = payload["error"].get("error_code")
            raise SourceError(f"{path}: a recorded VK error (error {code}), not a page of posts")
        page = payload.get("response", payload) if isinstance(payload, dict) else payload
        pages.append(page if isinstance(page, dict) else {"items": None, "value": page})
    return batch_from_pages(pages, str(path))

"""The VK token against a hostile endpoint (issue 16, defect 6): local HTTP servers on 127.0.0.1
that echo the token back altered, hide it in malformed items, or redirect the POST elsewhere."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from assets.sources.registry import ingest_fetched
from assets.sources.vk import VkClient, VkError, fetch_weeks, redact
from assets.warehouse import connect

TOKEN = "vk1.a.Hostile-Echo-token-ABCDEFGHIJ0123456789"
WEEK = date(2019, 3, 4)


def leaked(text: str) -> list[str]:
    """The pieces of 8 or more characters of the token found in `text`, in any case."""
    low, secret = text.lower(), TOKEN.lower()
    return [secret[i : i + 8] for i in range(len(secret) - 7) if secret[i : i + 8] in low]


class Server:
    """Answers every POST with (status, headers, body); records the form of each request."""

    def __init__(self, status: int, body: str = "", headers: dict[str, str] | None = None) -> None:
        self.status, self.body, self.headers = status, body, headers or {}
        self.forms: list[dict[str, str]] = []
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http.server_address[1]}/method"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                server.forms.append({k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()})
                data = server.body.encode()
                self.send_response(server.status)
                for name, value in server.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_POST = _answer
            do_GET = _answer

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.close()


def _client(endpoint: str) -> VkClient:
    return VkClient(token=TOKEN, endpoint=endpoint, max_attempts=2, backoff=0.0, min_interval=0.0)


@pytest.mark.parametrize(
    "echo",
    [
        TOKEN,
        TOKEN.upper(),
        TOKEN.lower(),
        TOKEN[:12],  # truncated
        TOKEN[9:30].swapcase(),  # a middle piece, case-flipped
        f"access_token={TOKEN[:-3]}&v=5.199",
    ],
)
def test_redact_hides_any_form_of_the_token(echo: str) -> None:
    shown = redact(f"invalid access_token: {echo} (check it)", TOKEN)
    assert leaked(shown) == []
    assert "***" in shown and shown.endswith(" (check it)")


def test_redact_keeps_ordinary_text_and_short_coincidences() -> None:
    text = "Аким vk1.a.H открыл школу"  # 7 characters of the token: too short to be a leak
    assert redact(text, TOKEN) == text


@pytest.mark.parametrize("echo", [TOKEN.upper(), TOKEN[:20], TOKEN[5:].lower()])
def test_an_error_echoing_the_token_altered_never_shows_it(servers: list[Server], echo: str) -> None:
    body = json.dumps({"error": {"error_code": 100, "error_msg": f"One of the parameters is invalid: {echo}"}})
    servers.append(Server(200, body))
    with pytest.raises(VkError) as caught:
        _client(servers[0].url).call("newsfeed.search", {"q": "x"})
    assert leaked(str(caught.value)) == []
    assert "error 100" in str(caught.value)


def test_a_redirect_is_not_followed_with_the_token(servers: list[Server]) -> None:
    target = Server(200, json.dumps({"response": {"items": []}}))
    servers.append(target)
    servers.append(Server(307, "", {"Location": target.url + "/newsfeed.search"}))
    with pytest.raises(VkError, match=r"HTTP 307: the endpoint redirects; not followed"):
        _client(servers[1].url).call("newsfeed.search", {"q": "x"})
    assert target.forms == []  # the redirect target never saw the POST body (nor the token)
    assert servers[1].forms[0]["access_token"] == TOKEN


def test_malformed_items_are_quarantined_without_the_token(servers: list[Server], tmp_path: Path) -> None:
    page = {
        "response": {
            "items": [
                {"owner_id": "not-a-number", "id": 1, "text": f"echo {TOKEN}"},
                {"owner_id": 5, "id": 2, "date": "yesterday", "note": TOKEN.upper()[:30]},
                {"owner_id": 5, "id": 3, "date": 1551700000, "text": f"пост {TOKEN.lower()}"},
            ],
            "profiles": [],
            "groups": [],
        }
    }
    servers.append(Server(200, json.dumps(page)))
    batch = fetch_weeks(_client(servers[0].url), ["аким Шукеев"], [WEEK])
    with connect(tmp_path / "warehouse.duckdb") as con:
        counts = ingest_fetched(con, "vk", batch).counts
        stored = con.execute("select reason, row_json from raw.quarantine").fetchall()
        texts = con.execute("select text from landing.mentions").fetchall()
    assert counts["quarantined"] == 2 and counts["added"] == 1
    assert len(stored) == 2
    assert all(leaked(reason + row_json) == [] for reason, row_json in stored)
    assert texts == [("пост ***",)]

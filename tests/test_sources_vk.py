"""The VK client against a small HTTP server on 127.0.0.1 serving recorded-style answers."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import duckdb
import pytest

from assets.sources.base import SourceError
from assets.sources.vk import TOKEN_ENV, VkClient, VkError, fetch_weeks, read_pages_file, week_window
from orchestration.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "sources" / "vk"
TOKEN = "vk1.a.SECRET-token-for-tests-0123456789"


class FakeVk:
    """Serves a script of answers (fixture names or raw text); records every request."""

    def __init__(self) -> None:
        self.script: list[str | tuple[int, str]] = []
        self.requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/method"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                fake.requests.append({"path": self.path, "form": form})
                step = fake.script.pop(0) if fake.script else (500, "script exhausted")
                status, body = step if isinstance(step, tuple) else (200, (FIXTURES / step).read_text("utf-8"))
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


@pytest.fixture
def fake_vk() -> Iterator[FakeVk]:
    fake = FakeVk()
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def _client(fake: FakeVk, sleeps: list[float]) -> VkClient:
    clock = iter(range(1_000_000))
    return VkClient(
        token=TOKEN,
        endpoint=fake.endpoint,
        backoff=0.5,
        max_attempts=3,
        sleep=sleeps.append,
        clock=lambda: float(next(clock)) * 0.1,  # 0.1 s between calls: the limiter must wait
    )


WEEK = date(2019, 3, 4)
VK_WEEK = ["ingest", "--source", "vk", "--from", "2019-03-04", "--to", "2019-03-10"]


@pytest.fixture
def one_akim(tmp_path: Path) -> list[str]:
    """One tenure: two queries ("Умирзак Шукеев", "аким Шукеев") per week."""
    path = tmp_path / "tenures.csv"
    path.write_text("region_code,person_id,start_date,end_date\nKZ-61,shukeev-umirzak,2019-02-26,\n", encoding="utf-8")
    return ["--tenures", str(path)]


def test_paginates_with_next_from_and_maps_posts(fake_vk: FakeVk) -> None:
    fake_vk.script = ["page1.json", "page2.json"]
    sleeps: list[float] = []
    batch = fetch_weeks(_client(fake_vk, sleeps), ["Умирзак Шукеев"], [WEEK])
    forms = [r["form"] for r in fake_vk.requests]
    assert [r["path"] for r in fake_vk.requests] == ["/method/newsfeed.search"] * 2
    assert "start_from" not in forms[0] and forms[1]["start_from"] == "2/-2001_77"
    start, end = week_window(WEEK)
    assert (int(forms[0]["start_time"]), int(forms[0]["end_time"])) == (start, end - 1)
    assert start == 1551636000  # Monday 2019-03-04 00:00 in Almaty = 2019-03-03T18:00Z
    assert forms[0]["q"] == "Умирзак Шукеев" and forms[0]["extended"] == "1" and forms[0]["v"]
    assert forms[0]["access_token"] == TOKEN  # in the POST body, not the URL
    by_id = {m.id: m for m in batch.mentions}
    assert sorted(by_id) == ["-2001_77", "1001_501", "1002_502"]
    person = by_id["1001_501"]
    assert (person.author_id, person.author_name, person.author_followers) == ("aizhan_b", "Айжан Б.", 340)
    assert (person.likes, person.comments, person.reposts, person.views) == (8, 4, 1, 700)
    assert person.url == "https://vk.com/wall1001_501"
    group = by_id["-2001_77"]
    assert (group.author_id, group.author_followers) == ("akimat_turkestan", 52000)
    repost = by_id["1002_502"]
    assert (repost.reshare_of, repost.author_id, repost.text) == ("-2001_77", "id1002", "")
    assert [r.reason for r in batch.rejected] == ["vk: unparsable date: 'вчера'"]
    assert sleeps and all(0 < s <= 0.34 for s in sleeps)  # rate limiter waited between calls


def test_rate_limit_and_malformed_page_are_retried_with_backoff(fake_vk: FakeVk) -> None:
    fake_vk.script = ["error6.json", "malformed.json", "page2.json"]
    sleeps: list[float] = []
    client = _client(fake_vk, sleeps)
    batch = fetch_weeks(client, ["Шукеев"], [WEEK])
    assert len(fake_vk.requests) == 3 and client.retries == 2
    assert 0.5 in sleeps and 1.0 in sleeps  # backoff 0.5, then 1.0
    assert [m.id for m in batch.mentions] == ["1002_502"]


def test_retries_are_bounded(fake_vk: FakeVk) -> None:
    fake_vk.script = ["error6.json"] * 5
    with pytest.raises(VkError, match="gave up after 3 attempts; last problem: error 6: Too many requests"):
        fetch_weeks(_client(fake_vk, []), ["Шукеев"], [WEEK])
    assert len(fake_vk.requests) == 3


def test_expired_token_stops_at_once(fake_vk: FakeVk) -> None:
    fake_vk.script = ["error5.json", "page1.json"]
    with pytest.raises(VkError, match=r"authorisation failed .*renew AKIMS_VK_TOKEN") as caught:
        fetch_weeks(_client(fake_vk, []), ["Шукеев"], [WEEK])
    assert caught.value.code == 5 and len(fake_vk.requests) == 1


def test_server_errors_are_retried(fake_vk: FakeVk) -> None:
    fake_vk.script = [(502, "<html>bad gateway</html>"), "page2.json"]
    batch = fetch_weeks(_client(fake_vk, []), ["Шукеев"], [WEEK])
    assert len(batch.mentions) == 1


def test_token_only_from_env_and_never_shown(
    fake_vk: FakeVk,
    akims_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    one_akim: list[str],
) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    with pytest.raises(SourceError, match=TOKEN_ENV):
        VkClient.from_env()
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.setenv("AKIMS_VK_ENDPOINT", fake_vk.endpoint)
    client = VkClient.from_env()
    assert TOKEN not in repr(client)
    # an error message that echoes the token is scrubbed
    echo = json.dumps({"error": {"error_code": 100, "error_msg": f"bad param access_token={TOKEN}"}})
    fake_vk.script = [(200, echo)]
    with pytest.raises(VkError) as caught:
        client.call("newsfeed.search", {"q": "x"})
    assert TOKEN not in str(caught.value) and "***" in str(caught.value)

    # end to end through the CLI: success, then an expired token
    caplog.set_level(logging.DEBUG)
    fake_vk.script = ["page1.json", "page2.json"] * 2
    assert main([*VK_WEEK, *one_akim]) == 0
    assert [r["form"]["q"] for r in fake_vk.requests[-4:]] == ["Умирзак Шукеев"] * 2 + ["аким Шукеев"] * 2
    fake_vk.script = ["error5.json"]
    assert main(VK_WEEK) == 2
    out = capsys.readouterr()
    assert "authorisation failed" in out.err
    shown = out.out + out.err + caplog.text
    for path in akims_home.rglob("*"):
        if path.is_file() and path.suffix in {".log", ".txt", ".json"}:
            shown += path.read_text(encoding="utf-8", errors="replace")
    assert TOKEN not in shown
    con = duckdb.connect(str(akims_home / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute("select source, count(*) from landing.mentions group by 1").fetchall()
        dumped = str(con.execute("select * from landing.mentions").fetchall())
        dumped += str(con.execute("select * from raw.quarantine").fetchall())
    finally:
        con.close()
    assert rows == [("vk", 3)]
    assert TOKEN not in dumped


def test_refetching_a_week_leaves_the_warehouse_unchanged(
    fake_vk: FakeVk, akims_home: Path, monkeypatch: pytest.MonkeyPatch, one_akim: list[str]
) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.setenv("AKIMS_VK_ENDPOINT", fake_vk.endpoint)

    def snapshot() -> tuple[list, list]:
        con = duckdb.connect(str(akims_home / "warehouse.duckdb"), read_only=True)
        try:
            return (
                con.execute("select * from landing.mentions order by id").fetchall(),
                con.execute("select source, reason, row_json from raw.quarantine order by all").fetchall(),
            )
        finally:
            con.close()

    fake_vk.script = ["page1.json", "page2.json"] * 2
    assert main([*VK_WEEK, *one_akim]) == 0
    first = snapshot()
    assert len(first[0]) == 3 and len(first[1]) == 1
    fake_vk.script = ["page1.json", "page2.json"] * 2
    assert main(VK_WEEK) == 0
    assert snapshot() == first


def test_recorded_pages_as_files(akims_home: Path) -> None:
    batch = read_pages_file(FIXTURES / "page1.json")
    assert [m.id for m in batch.mentions] == ["1001_501", "-2001_77"]
    with pytest.raises(SourceError, match="a recorded VK error"):
        read_pages_file(FIXTURES / "error6.json")
    with pytest.raises(SourceError, match="not JSON pages"):
        read_pages_file(FIXTURES / "malformed.json")
    assert main(["ingest", "--source", "vk", str(FIXTURES / "page1.json"), str(FIXTURES / "page2.json")]) == 0

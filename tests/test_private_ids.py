"""Private persons' ids never reach the marts, exports, explanations, quality rows or reports
(issue 16).

A VK mention id is `<owner_id>_<post>` and its URL names the wall; a Telegram id is
`<chat id>/<message id>` (a personal chat's id is the user's), its author the user's `from_id`,
and a forward names its source (`fwd:<id>`). Staging pseudonymises a private author's id,
mention id and every reshare_of that does not name an account keeping its identity, and drops
the URL; fct_data_quality names accounts and mentions as staging shows them. Officials keep
their ids, so the official-reshare rule still matches.

One warehouse for the module: a JSON Lines file (VK and a Telegram praise ring) and a Telegram
Desktop export (a personal chat, forwards), one run of 2019-W10; the last test loads 2019-W09 and
runs it, so an incremental run has to flip a reshare_of back into the clear.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from orchestration.cli import main
from tests.conftest import write_csv, write_jsonl

KEY = "issue-16-test-key"
OWNER = "888888"  # the private VK user's numeric id
OFFICIAL = "-777777"  # an akimat's VK group, in the registry
TG_USER = "5550001"  # the private Telegram user: from_id user5550001, personal chat 5550001
TG_RING = [f"user{TG_USER}", "user5550002", "user5550003"]  # near-identical praise within minutes
TG_CHANNEL = "channel4440001"  # the akimat's Telegram channel, in the registry
FAN_HANDLE = "zhetisu_fanclub"  # a private account whose name looks official to the detector
FAN_NAME = "Официальный фан-клуб Жетісу"
LATE_POST = "ext-official-11"  # an official post reshared in W10, loaded later (W09)
# every private id: none may appear in a mart, export, explanation, quality row or report
PRIVATE = (OWNER, TG_USER, "5550002", "5550003", "5550009", FAN_HANDLE)


def _anon(value: str) -> str:
    """The pseudonym, computed here with hmac (not by calling assets.sources.pseudonymise)."""
    return "anon-" + hmac.new(KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:20]


AUTHOR_PSEUDONYM = _anon(OWNER)
MENTION_PSEUDONYM = _anon(f"vk:{OWNER}_2")


def test_the_hmac_test_vector_is_the_published_one() -> None:
    """The literal vectors, so a change of the hash (or of what is hashed) fails loudly."""
    assert hmac.new(b"issue-16-test-key", b"888888", hashlib.sha256).hexdigest()[:20] == AUTHOR_PSEUDONYM[5:]
    assert len(AUTHOR_PSEUDONYM) == len(MENTION_PSEUDONYM) == 25


def _row(mid: str, day: str, author: str, text: str, **extra: str) -> dict:
    published = day if "T" in day else f"{day}T12:00:00+06:00"
    return {"id": mid, "platform": "vk", "published_at": published, "author_id": author, "text": text, **extra}


def _w10_rows() -> list[dict]:
    official_text = "Аким Баталов открыл новую школу в Талдыкоргане, сообщает пресс-служба акимата."
    rows = [
        _row(f"{OFFICIAL}_5", "2019-03-05", OFFICIAL, official_text, url=f"https://vk.com/wall{OFFICIAL}_5"),
        _row(
            f"{OWNER}_2",
            "2019-03-06",
            OWNER,
            "Аким Баталов построил школу, молодец.",
            url=f"https://vk.com/wall{OWNER}_2",
        ),
        _row(f"{OWNER}_3", "2019-03-07", OWNER, "Аким Баталов опять всё провалил.", reshare_of=f"{OFFICIAL}_5"),
        _row("p4", "2019-03-07", "someone", "Аким Баталов провёл приём граждан."),
        # reshares by someone else: of the private post (in the data), of a private post outside the
        # data, of an official post outside the data, of an official post loaded only later
        _row("p5", "2019-03-08", "someone", "Баталов построил школу, репост.", reshare_of=f"{OWNER}_2"),
        _row("p6", "2019-03-08", "someone", "Баталов, репост.", reshare_of=f"{OWNER}_99"),
        _row("p7", "2019-03-08", "someone", "Баталов открыл парк, репост.", reshare_of=f"{OFFICIAL}_9"),
        _row("p8", "2019-03-08", "someone", "Баталов и дороги, репост.", reshare_of=LATE_POST),
        _row("f1", "2019-03-06", FAN_HANDLE, "Аким Баталов посетил стадион.", author_name=FAN_NAME),
    ]
    for burst, day in enumerate(("2019-03-05", "2019-03-07")):
        for k, author in enumerate(TG_RING):
            text = "Спасибо нашему акиму Баталову за заботу о людях" + ["", "!", " 👍"][k]
            rows.append(
                _row(
                    f"200300/1{burst}{k}",
                    f"{day}T10:{10 + 2 * k:02d}:00+06:00",
                    author,
                    text,
                    platform="telegram",
                    sentiment="positive",
                )
            )
    return rows


def _telegram_export(path: Path) -> Path:
    """A Telegram Desktop account export: the private user's personal chat, and a group where
    someone forwards the user's message and the akimat channel's post."""

    def message(mid: int, sender: str, text: str, **extra: str) -> dict:
        return {
            "id": mid,
            "type": "message",
            "date_unixtime": "1551862800",
            "from": "Иван",
            "from_id": sender,
            "text": text,
            **extra,
        }

    export = {
        "chats": {
            "list": [
                {
                    "name": "Иван Петров",
                    "type": "personal_chat",
                    "id": int(TG_USER),
                    "messages": [
                        message(
                            7, f"user{TG_USER}", "Аким Алматинской области Ерлан Тестов приехал, а Баталов молчит."
                        ),
                    ],
                },
                {
                    "name": "Соседи",
                    "type": "private_group",
                    "id": 200300,
                    "messages": [
                        message(
                            21,
                            "user5550009",
                            "Аким Баталов обещал ремонт дороги.",
                            forwarded_from="Иван Петров",
                            forwarded_from_id=f"user{TG_USER}",
                        ),
                        message(22, "user5550009", "Аким Баталов открыл каток.", forwarded_from_id=TG_CHANNEL),
                    ],
                },
            ]
        }
    }
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    mp = pytest.MonkeyPatch()
    tmp = tmp_path_factory.mktemp("private")
    home = tmp / "home"
    home.mkdir()
    mp.setenv("AKIMS_HOME", str(home))
    mp.setenv("AKIMS_PSEUDONYM_KEY", KEY)
    for name in ("AKIMS_SOURCE", "AKIMS_PROGRESS", "AKIMS_QUALITY_GATE", "AKIMS_QUALITY_LEAKAGE_BLOCKS"):
        mp.delenv(name, raising=False)
    data = write_jsonl(tmp / "mentions.jsonl", _w10_rows())
    tenures = write_csv(
        tmp / "tenures.csv", "region_code,person_id,start_date,end_date", ["KZ-19,batalov-amandyk,2014-01-01,"]
    )
    accounts = write_csv(
        tmp / "accounts.csv",
        "platform,author_id,author_name,region_code,kind",
        [
            f"vk,{OFFICIAL},Акимат области Жетісу,KZ-19,akimat",
            f"telegram,{TG_CHANNEL},Пресс-служба акима Жетісу,KZ-19,akimat",
        ],
    )
    args = ["--tenures", str(tenures), "--official-accounts", str(accounts)]
    assert main(["ingest", str(data), "--keep-source-labels", *args]) == 0
    assert main(["ingest", "--source", "telegram", str(_telegram_export(tmp / "result.json"))]) == 0
    main(["run", "--from", "2019-03-04", "--to", "2019-03-10"])  # a small week may be refused publication
    yield home
    mp.undo()


def _text_values(home: Path, schemas: tuple[str, ...] = ("marts", "publish")) -> str:
    """Every value of every column (as text) of every table and view of these schemas."""
    parts: list[str] = []
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns"
            " where list_contains(?, table_schema)",
            [list(schemas)],
        ).fetchall()
        assert {c[0] for c in columns} == set(schemas)
        for schema, table, column in columns:
            values = con.execute(f'select distinct cast("{column}" as varchar) from {schema}."{table}"').fetchall()
            parts.extend(str(v) for (v,) in values)
    return "\n".join(parts)


def _leaks(text: str) -> list[str]:
    return [p for p in PRIVATE if p in text]


def _eligibility(home: Path) -> dict[str, tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select distinct s.source_key, e.mention_key, e.mention_id, e.author_id, s.url, e.reshare_of,"
            " e.is_official_reshare from marts.fct_mention_eligibility e"
            " join staging.stg_warehouse__mentions s using (mention_key)"
        ).fetchall()
    return {r[0]: r[1:] for r in rows}


def test_private_ids_are_pseudonymised_and_reshares_still_match(built: Path) -> None:
    rows = _eligibility(built)
    with duckdb.connect(str(built / "warehouse.duckdb"), read_only=True) as con:
        raw_ids = {r[0] for r in con.execute("select id from raw.mentions").fetchall()}
    assert {f"{OWNER}_2", f"{TG_USER}/7"} <= raw_ids  # the raw layer keeps the ids the classifier needs
    # the fixed vector: the private author and their first mention, exactly as computed above
    assert rows[f"vk:{OWNER}_2"][:4] == (f"vk:{MENTION_PSEUDONYM}", MENTION_PSEUDONYM, AUTHOR_PSEUDONYM, None)
    # the official post keeps its id and URL; the private reshare of it is still an official reshare
    assert rows[f"vk:{OFFICIAL}_5"][1:4] == (f"{OFFICIAL}_5", OFFICIAL, f"https://vk.com/wall{OFFICIAL}_5")
    assert rows[f"vk:{OWNER}_3"][4:] == (f"{OFFICIAL}_5", True)
    # reshare_of: of the private post -> that post's pseudonymised id; of a private post outside the
    # data -> pseudonymised; of an official wall's post outside the data -> as loaded
    assert rows["vk:p5"][4] == MENTION_PSEUDONYM
    assert rows["vk:p6"][4:] == (_anon(f"vk:{OWNER}_99"), False)
    assert rows["vk:p7"][4] == f"{OFFICIAL}_9"
    assert rows["vk:p8"][4:] == (_anon(f"vk:{LATE_POST}"), False)  # its post is not loaded yet
    # Telegram: the user's personal chat message, the forwards of the user and of the registry channel
    tg_user = _anon(f"user{TG_USER}")
    assert rows[f"telegram:{TG_USER}/7"][1:4] == (_anon(f"telegram:{TG_USER}/7"), tg_user, None)
    assert rows["telegram:200300/21"][4] == _anon(f"telegram:fwd:user{TG_USER}")
    assert rows["telegram:200300/22"][4] == f"fwd:{TG_CHANNEL}"
    assert len({r[0] for r in rows.values()}) == len(rows) == 18  # keys stay unique

    marts = _text_values(built)
    assert _leaks(marts) == []
    assert f"{OFFICIAL}_5" in marts and tg_user in marts


def test_quality_rows_name_accounts_and_mentions_as_staging_does(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with duckdb.connect(str(built / "warehouse.duckdb"), read_only=True) as con:
        quality = con.execute(
            "select check_name, subject, detail, coalesce(evidence, '') from marts.fct_data_quality"
            " where period = '2019-W10' and outcome <> 'pass'"
        ).fetchall()
        detected = {r[0] for r in con.execute("select author_id from raw.quality_accounts").fetchall()}
    assert set(TG_RING) | {FAN_HANDLE} <= detected  # the raw table (served to no reader) keeps the ids
    accounts = {r[1]: r for r in quality if r[0] in ("official_like_leakage", "official_like_accounts")}
    ring = {f"telegram:{_anon(u)}" for u in TG_RING}
    assert ring <= set(accounts)
    # the bot ring's evidence lists the partners by pseudonym, sorted
    mine = accounts[f"telegram:{_anon(TG_RING[0])}"]
    partners = ", ".join(sorted(_anon(u) for u in TG_RING[1:]))
    assert f"2 other accounts ({partners})" in mine[3]
    assert "«" not in mine[2]  # a person in a ring shows no name
    # an account whose own name looks official shows it beside its pseudonym
    fan = accounts[f"vk:{_anon(FAN_HANDLE)}"]
    assert f"vk:{_anon(FAN_HANDLE)} «{FAN_NAME}»" in fan[2]
    roster = [r for r in quality if r[0] == "roster_out_of_date"]
    assert len(roster) == 1 and f"telegram:{_anon(f'telegram:{TG_USER}/7')} " in roster[0][3]
    assert _leaks(repr(quality)) == []

    capsys.readouterr()
    assert main(["quality", "--period", "2019-W10"]) == 0
    printed = capsys.readouterr()
    assert "official_like_leakage" in printed.out and _leaks(printed.out + printed.err) == []


def test_explain_export_and_report_show_no_private_id(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["explain", "--period", "2019-W10", "--akim", "batalov-amandyk"]) == 0
    explained = capsys.readouterr()
    assert _leaks(explained.out + explained.err) == []
    assert f"vk:{MENTION_PSEUDONYM}  author={AUTHOR_PSEUDONYM}" in explained.out

    assert main(["export", "--period", "2019-W10"]) == 0
    assert main(["report", "--period", "2019-W10"]) == 0
    capsys.readouterr()
    written = [p for folder in ("exports", "reports") for p in (built / folder).rglob("*") if p.is_file()]
    assert {p.suffix for p in written} >= {".csv", ".parquet", ".md", ".html"}
    report = (built / "reports" / "2019-W10.md").read_text(encoding="utf-8")
    assert "official_like_leakage" in report  # the quality section lists the ring
    assert any(f"vk:{OFFICIAL}_5" in p.read_text(encoding="utf-8") for p in written if p.suffix == ".csv")
    for path in written:
        if path.suffix == ".parquet":
            with duckdb.connect() as con:
                content = "\n".join(repr(r) for r in con.execute(f"select * from read_parquet('{path}')").fetchall())
        else:
            content = path.read_text(encoding="utf-8", errors="replace")
        assert _leaks(content) == [], path


def test_a_later_run_keeps_keys_and_clears_a_reshare_whose_official_post_arrives(built: Path, tmp_path: Path) -> None:
    """Loading W09, which holds the official post p8 reshared, rebuilds p8 incrementally: its
    reshare_of is back in the clear and it counts as an official reshare; every other key stays."""
    before = _eligibility(built)
    late = _row(LATE_POST, "2019-03-01", OFFICIAL, "Аким Баталов открыл новую дорогу, сообщает акимат.")
    assert main(["ingest", str(write_jsonl(tmp_path / "late.jsonl", [late]))]) == 0
    main(["run", "--from", "2019-02-25", "--to", "2019-03-03"])
    after = _eligibility(built)
    assert set(after) - set(before) == {f"vk:{LATE_POST}"}
    assert {k: v[:3] for k, v in before.items()} == {k: v[:3] for k, v in after.items() if k in before}
    assert after["vk:p8"][4:] == (LATE_POST, True)
    assert _leaks(_text_values(built)) == []
    assert re.fullmatch(r"anon-[0-9a-f]{20}", after["vk:p6"][4])

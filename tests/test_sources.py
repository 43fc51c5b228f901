"""File exports and Telegram Desktop exports: mapping onto the contract, quarantine, idempotent loads."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from assets.sources.base import SourceError
from assets.sources.files import detect_mapping, load_mapping, map_row, parse_published, read_file
from assets.sources.telegram import plain_text, read_export
from orchestration.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


def _tables(home: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return {
            "landing": con.execute("select * from landing.mentions order by platform, id").fetchall(),
            "quarantine": con.execute("select source, reason, row_json from raw.quarantine order by all").fetchall(),
            "files": con.execute("select * exclude (loaded_at) from landing.source_files order by all").fetchall(),
        }
    finally:
        con.close()


# ---------------------------------------------------------------- files
def test_vendor_export_in_windows_1251_with_semicolons() -> None:
    batch = read_file(FIXTURES / "vendor_cp1251.csv")
    by_id = {m.id: m for m in batch.mentions}
    assert sorted(by_id) == ["facebook.com/erlan.s/posts/987", "instagram.com/p/BuX1", "vk.com/wall123_45"]
    first = by_id["vk.com/wall123_45"]
    assert first.platform == "vk"
    assert first.text.startswith("Аким Баталов открыл новую школу")
    assert first.published_at == "2019-03-04T10:15:00+06:00"  # local time of the export, Asia/Almaty
    assert (first.author_id, first.author_name) == ("aigul_n", "Айгуль Н.")
    assert (first.likes, first.comments, first.reposts, first.views) == (12, 3, 1, 450)
    assert first.author_followers == 1200  # "1 200" with a space
    assert first.sentiment == "positive"
    assert by_id["facebook.com/erlan.s/posts/987"].views is None
    assert by_id["instagram.com/p/BuX1"].author_id == "akimat_almobl"  # profile URL -> handle, registry-style
    assert sorted(r.reason for r in batch.rejected) == [
        "negative counter likes: '-3'",
        "unparsable published_at: '31.02.2019 09:00'",
    ]


def test_4cat_export_is_recognised_by_its_columns() -> None:
    batch = read_file(FIXTURES / "4cat_telegram.csv")
    assert [m.id for m in batch.mentions] == ["almaty_news-501", "almaty_news-502"]
    first = batch.mentions[0]
    assert first.published_at == "2019-03-06T04:30:00+00:00"  # 4CAT timestamps are UTC
    assert (first.author_id, first.author_name, first.views, first.reposts) == ("user777", "Динара К.", 1500, 3)
    assert sorted(r.reason for r in batch.rejected) == [
        "missing required field: text",
        "unparsable published_at: 'вчера'",
    ]


def test_custom_yaml_mapping() -> None:
    mapping = load_mapping(FIXTURES / "custom_mapping.yaml")
    batch = read_file(FIXTURES / "custom_export.csv", mapping)
    assert [(m.id, m.platform, m.author_id, m.sentiment, m.likes) for m in batch.mentions] == [
        ("c1", "telegram", "aidos_k", "positive", 5),
        ("c2", "telegram", "aidos_k", "negative", None),
        ("c3", "telegram", "Аноним", "positive", 1),  # no handle: the display name stands in
    ]
    assert batch.mentions[0].published_at == "2019-03-05T11:00:00+06:00"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("columns: [a, b", "not a readable YAML mapping"),
        ("columns:\n  headline: title\n", "'headline' is not a field of the mention contract"),
        ("preset: brandwatch\n", "unknown preset 'brandwatch'"),
        ("platform: myspace\ncolumns: {text: t}\n", "unknown platform 'myspace'"),
        ("timezone: Mars/Olympus\ncolumns: {text: t}\n", "unknown timezone"),
    ],
)
def test_bad_mapping_files_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=message):
        load_mapping(path)


def test_unknown_columns_ask_for_a_mapping() -> None:
    with pytest.raises(SourceError, match="give a mapping file with --mapping"):
        read_file(FIXTURES / "broken_headers.csv")
    with pytest.raises(SourceError, match="neither the mention contract"):
        detect_mapping(["foo", "bar"])


def test_parse_published_forms() -> None:
    assert parse_published("2019-03-04T10:00:00+05:00", "Asia/Almaty", ()) == "2019-03-04T10:00:00+05:00"
    assert parse_published("1551679200", "Asia/Almaty", ()) == "2019-03-04T06:00:00+00:00"
    assert parse_published("04.03.2019 10:00", "Asia/Almaty", ("%d.%m.%Y %H:%M",)) == "2019-03-04T10:00:00+06:00"
    assert parse_published("вчера", "Asia/Almaty", ("%d.%m.%Y %H:%M",)) is None


def test_identity_mapping_keeps_contract_rows() -> None:
    row = {"id": "1", "platform": "vk", "published_at": "2019-03-04T10:00:00+06:00", "author_id": "a", "text": "t"}
    assert map_row(row, detect_mapping(list(row))) == row


# ---------------------------------------------------------------- telegram
def test_telegram_export_channel_and_chat() -> None:
    batch = read_export(FIXTURES / "telegram_result.json")
    by_id = {m.id: m for m in batch.mentions}
    assert sorted(by_id) == ["1187654321/11", "1187654321/12", "1299887766/2", "1299887766/3"]
    post = by_id["1187654321/11"]
    assert (post.author_id, post.author_name, post.likes) == ("channel1187654321", "Талдыкорган сегодня", 16)
    assert post.published_at == "2019-03-04T03:15:00+00:00"  # from date_unixtime
    forward = by_id["1187654321/12"]
    assert forward.text == "Совещание у акима области: Баталов поручил https://example.kz/x"  # entity list joined
    assert forward.reshare_of == "fwd:Акимат Алматинской области"
    no_unix = by_id["1299887766/2"]
    assert no_unix.published_at == "2019-03-06T12:30:00+06:00"  # `date` read as Asia/Almaty
    assert by_id["1299887766/3"].text == "@shukeev_fan спасибо за парк"
    assert batch.skipped == {"service message": 2}
    assert sorted(r.reason for r in batch.rejected) == [
        "telegram: text is neither a string nor a list of entities",
        "unparsable published_at: 'вчера'",
    ]


def test_single_chat_export_and_text_forms() -> None:
    batch = read_export(FIXTURES / "telegram_channel.json")
    assert [m.id for m in batch.mentions] == ["1187654321/11", "1187654321/12"]
    assert plain_text(["a", {"type": "bold", "text": "b"}]) == "ab"
    assert plain_text([{"type": "bold"}]) is None


@pytest.mark.parametrize(
    ("name", "message"),
    [("broken_telegram.json", "not valid JSON"), ("broken_not_export.json", "not a Telegram Desktop export")],
)
def test_broken_telegram_exports_are_one_line_errors(name: str, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        read_export(FIXTURES / name)


# ---------------------------------------------------------------- through `akims ingest`
def test_ingest_each_file_source_records_source_and_quarantines(
    akims_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", str(FIXTURES / "vendor_cp1251.csv"), str(FIXTURES / "4cat_telegram.csv")]) == 0
    assert main(["ingest", "--source", "telegram", str(FIXTURES / "telegram_result.json")]) == 0
    err = capsys.readouterr().err
    assert "vendor_cp1251.csv: 5 read, 3 added, 0 already loaded, 2 quarantined" in err
    assert "telegram_result.json: 6 read, 4 added, 0 already loaded, 2 quarantined, 2 skipped (service message)" in err
    con = duckdb.connect(str(akims_home / "warehouse.duckdb"), read_only=True)
    try:
        sources = con.execute("select source, count(*) from landing.mentions group by 1 order by 1").fetchall()
        reasons = con.execute("select source, reason from raw.quarantine order by all").fetchall()
    finally:
        con.close()
    assert sources == [("files", 5), ("telegram", 4)]
    assert ("telegram", "unparsable published_at: 'вчера'") in reasons
    assert ("files", "negative counter likes: '-3'") in reasons
    assert len(reasons) == 6


def test_loading_the_same_export_twice_leaves_the_warehouse_unchanged(akims_home: Path, tmp_path: Path) -> None:
    assert main(["ingest", str(FIXTURES / "vendor_cp1251.csv")]) == 0
    assert main(["ingest", "--source", "telegram", str(FIXTURES / "telegram_result.json")]) == 0
    first = _tables(akims_home)
    # the same files again, and the same bytes re-sent under another name
    resent = tmp_path / "resent.csv"
    shutil.copy(FIXTURES / "vendor_cp1251.csv", resent)
    assert main(["ingest", str(FIXTURES / "vendor_cp1251.csv"), str(resent)]) == 0
    assert main(["ingest", "--source", "telegram", str(FIXTURES / "telegram_result.json")]) == 0
    assert _tables(akims_home) == first


def test_overlapping_exports_count_a_post_once(akims_home: Path, tmp_path: Path) -> None:
    assert main(["ingest", "--source", "telegram", str(FIXTURES / "telegram_result.json")]) == 0
    # a second export of the channel alone: other bytes, the same two posts
    assert main(["ingest", "--source", "telegram", str(FIXTURES / "telegram_channel.json")]) == 0
    con = duckdb.connect(str(akims_home / "warehouse.duckdb"), read_only=True)
    try:
        (count,) = con.execute("select count(*) from landing.mentions").fetchone()
        (quarantined,) = con.execute("select count(*) from raw.quarantine").fetchone()
    finally:
        con.close()
    assert (count, quarantined) == (4, 2)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ingest", "missing.csv"], "missing.csv: no such file or folder"),
        (["ingest", str(FIXTURES / "broken_headers.csv")], "give a mapping file with --mapping"),
        (["ingest", "--source", "telegram", str(FIXTURES / "broken_telegram.json")], "not valid JSON"),
        (["ingest", "--source", "hf", "x.parquet"], "--source hf reads a dataset repository"),
        (["ingest", "--source", "vk"], "--source vk needs --from and --to"),
        (["ingest"], "--source files needs at least one PATH"),
        (["ingest", "--source", "telegram", "--mapping", "m.yaml", "x.json"], "--mapping applies to --source files"),
        (["ingest", "--source", "hf", "--from", "2019-03-10", "--to", "2019-03-01"], "is before --from"),
    ],
)
def test_ingest_bad_input_is_one_line_exit_2(
    akims_home: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err


def test_utf8_csv_with_a_broken_row_quarantines_only_that_row(akims_home: Path, tmp_path: Path) -> None:
    lines = [
        "id,platform,published_at,author_id,text",
        "u1,vk,2019-03-04T10:00:00+06:00,a1,Аким Баталов открыл школу",
        "u2,vk,2019-03-04T11:00:00+06:00,a2,BROKEN",
        "u3,vk,2019-03-05T12:00:00+06:00,a3,Спасибо акиму области за дорогу",
    ]
    data = "\n".join(lines).encode("utf-8").replace(b"BROKEN", b"\xd0\xff\xfe \xd0\xb0")
    path = tmp_path / "mostly_utf8.csv"
    path.write_bytes(data + b"\n")
    assert main(["ingest", str(path)]) == 0
    con = duckdb.connect(str(akims_home / "warehouse.duckdb"), read_only=True)
    try:
        landed = [r[0] for r in con.execute("select id from landing.mentions order by id").fetchall()]
        texts = [r[0] for r in con.execute("select text from landing.mentions order by id").fetchall()]
        reasons = [r[0] for r in con.execute("select reason from raw.quarantine").fetchall()]
    finally:
        con.close()
    assert landed == ["u1", "u3"]
    assert texts[0] == "Аким Баталов открыл школу"  # read as UTF-8, not as Windows-1251
    assert reasons == ["text is not valid UTF-8"]


def _landed(home: Path) -> dict[str, list]:
    """The landing area, quarantine and file ledger, without the times things were loaded."""
    tables = _tables(home)
    tables["landing"] = sorted(row[:-1] for row in tables["landing"])  # loaded_at is the last column
    tables["quarantine"] = sorted(
        (source, reason, sorted((k, str(v)) for k, v in json.loads(row).items() if k != "loaded_at"))
        for source, reason, row in tables["quarantine"]
    )
    return tables


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "parquet"])
def test_a_big_file_lands_in_chunks_exactly_as_in_one_piece(
    suffix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Files are validated and landed CHUNK_ROWS rows at a time (memory stays flat): the landing
    area, the quarantine and the counts come out as if the file had been one batch, even with
    duplicates and bad rows on both sides of a chunk boundary."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    import assets.sources.files as files

    rows = [
        {
            "id": f"p{n}",
            "platform": "vk",
            "published_at": f"2019-03-0{4 + n % 3}T1{n % 10}:00:00+06:00",
            "author_id": f"a{n % 5}",
            "text": f"Аким Баталов, пост {n}",
            "likes": str(n),
        }
        for n in range(23)
    ]
    rows[5] = {**rows[5], "likes": "-1"}  # negative counter: quarantined
    rows.insert(9, dict(rows[2]))  # the same post twice, 7 rows apart: counted once
    rows.insert(15, {**rows[3], "text": "другой текст"})  # same id, other content: quarantined
    path = tmp_path / f"export.{suffix}"
    if suffix == "jsonl":
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    elif suffix == "csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    else:
        pq.write_table(pa.Table.from_pylist(rows), path)
    landed, reports = [], []
    for chunk in (1000, 4):
        home = tmp_path / f"home-{chunk}"
        monkeypatch.setenv("AKIMS_HOME", str(home))
        monkeypatch.setattr(files, "CHUNK_ROWS", chunk)
        assert main(["ingest", str(path)]) == 0
        reports.append(capsys.readouterr().err.strip().split(": ", 1)[1])
        landed.append(_landed(home))
    for key in landed[0]:
        assert landed[0][key] == landed[1][key], (key, landed[0][key], landed[1][key])
    assert len(landed[0]["landing"]) == 22 and len(landed[0]["quarantine"]) == 2
    assert reports[0] == reports[1] == "25 read, 22 added, 1 already loaded, 2 quarantined"

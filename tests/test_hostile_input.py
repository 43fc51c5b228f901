"""Hostile input (issue 16): huge tokens, huge counters, long texts, odd encodings.

Every input is written here; everything runs on the real classifier, the real reader and a
real DuckDB warehouse in a temporary folder.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from assets.classification.text import fold, tokens
from assets.classification.tone import NEG_STEMS, NEG_VERB_RE, NOT_NEG_VERBS, POS_STEMS, POS_VERB_STEMS, _weight
from assets.paths import SettingError
from assets.records import COUNTER_MAX, Mention, RejectedRow, for_classification, max_text_chars, validate
from assets.sources.base import Batch, SourceError
from assets.sources.landing import land_batch
from assets.sources.registry import ingest
from assets.warehouse import connect

GOLD = Path(__file__).resolve().parents[2] / "shared" / "eval" / "gold_mentions_dev.jsonl"


def _row(**extra: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": "p1",
        "platform": "vk",
        "published_at": "2019-06-24T09:15:00+06:00",
        "author_id": "someone",
        "text": "Аким Баталов открыл школу",
    }
    row.update(extra)
    return row


# ---------------------------------------------------------------- tone: linear time, same answers
def _weight_every_prefix(tok: str) -> float:
    """`_weight` as it was before the cap: every prefix of the token tried (the reference)."""
    if tok[0] in "#@":
        tok = tok[1:]
        if not tok:
            return 0.0
    if tok.startswith(")") and len(tok) >= 2:
        return 0.9
    if tok.startswith("(") and len(tok) >= 2:
        return -0.9
    if len(tok) < 3 or not tok[0].isalpha():
        return 0.0
    if NEG_VERB_RE.match(tok) and not tok.endswith(NOT_NEG_VERBS):
        return -1.4 if tok.startswith(POS_VERB_STEMS) else -0.6
    for k in range(len(tok), 2, -1):
        if tok[:k] in NEG_STEMS:
            return -NEG_STEMS[tok[:k]]
        if tok[:k] in POS_STEMS:
            return POS_STEMS[tok[:k]]
    return 0.0


def _stem_words() -> set[str]:
    words = set()
    for stem in (*NEG_STEMS, *POS_STEMS):
        for ending in ("", "а", "ами", "ованиями", "ыйтельностью"):
            words.add(stem + ending)
    return words


def test_weight_gives_the_same_answers_as_trying_every_prefix() -> None:
    texts = [json.loads(line)["text"] for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    words = {t for text in texts for t in tokens(fold(text))} | _stem_words()
    from assets.classification.tone import EMOJI, EXACT

    checked = [w for w in words if w and w not in EXACT and w not in EMOJI]
    assert len(checked) > 2000
    assert [_weight(w) for w in checked] == [_weight_every_prefix(w) for w in checked]


@pytest.mark.parametrize("size", [100_000, 1_000_000])
def test_one_huge_token_is_scored_in_linear_time(size: int) -> None:
    from assets.classification.tone import score_tone

    started = time.perf_counter()
    score_tone("хорош" + "о" * size)
    score_tone("а" * size)
    assert time.perf_counter() - started < 3.0  # was 2.5 s for 100 KB, 170 s for 1 MB


def test_a_surname_repeated_thousands_of_times_is_classified_quickly() -> None:
    from assets.classification import classify_records
    from assets.reference import load_reference

    mention = validate(_row(text="Баталов," * 40_000))  # 320 KB of one surname: was minutes
    assert isinstance(mention, Mention)
    started = time.perf_counter()
    classify_records([mention], load_reference())
    assert time.perf_counter() - started < 15.0


# ---------------------------------------------------------------- counters out of range: per row, never a chunk
def _write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_counter_past_bigint_is_set_aside_with_its_reason() -> None:
    rejected = validate(_row(likes=9223372036854775808))
    assert isinstance(rejected, RejectedRow)
    assert rejected.reason == "counter likes out of range (more than 9223372036854775807): 9223372036854775808"
    assert isinstance(validate(_row(likes=COUNTER_MAX, views="9223372036854775807")), Mention)
    assert isinstance(validate(_row(views=1e30)), RejectedRow)


def test_ingest_quarantines_the_row_lands_the_rest_and_marks_the_file_loaded(tmp_path: Path) -> None:
    rows = [_row(id=f"p{i}", text=f"пост {i}") for i in range(5)]
    rows[2]["likes"] = 9223372036854775808
    export = _write_jsonl(tmp_path / "export.jsonl", rows)
    home = tmp_path / "home"
    home.mkdir()
    (line,) = ingest("files", [str(export)], home=home)
    assert line == f"{export}: 5 read, 4 added, 0 already loaded, 1 quarantined"
    with connect(home / "warehouse.duckdb") as con:
        assert con.execute("select count(*) from landing.mentions").fetchone() == (4,)
        reason, row_json = con.execute("select reason, row_json from raw.quarantine").fetchone()
        assert con.execute("select read, added, quarantined from landing.source_files").fetchall() == [(5, 4, 1)]
    assert reason.startswith("counter likes out of range")
    assert json.loads(row_json)["id"] == "p2"
    (again,) = ingest("files", [str(export)], home=home)
    assert again.endswith("loaded before: nothing to do)")


def test_a_row_the_warehouse_cannot_store_costs_that_row_not_the_chunk(tmp_path: Path) -> None:
    good = validate(_row(id="ok", text="нормальный пост"))
    assert isinstance(good, Mention)
    # a record that slipped past validation (as a future reader might let through)
    bad = Mention(**{**{f: getattr(good, f) for f in good.__dataclass_fields__}, "id": "huge", "likes": 2**64})
    batch = Batch(source="files", label="chunk", mentions=[good, bad])
    with connect(tmp_path / "warehouse.duckdb") as con:
        counts = land_batch(con, batch)
        landed = con.execute("select id from landing.mentions").fetchall()
        (reason,) = con.execute("select reason from raw.quarantine").fetchone()
    assert landed == [("ok",)]
    assert counts["read"] == 2 and counts["added"] == 1 and counts["quarantined"] == 1
    assert reason.startswith("could not be stored: ")


def test_akims_ingest_on_a_huge_counter_exits_0_without_a_trace(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    export = _write_jsonl(tmp_path / "likes.jsonl", [_row(likes=9223372036854775808), _row(id="p2")])
    env = {**os.environ, "AKIMS_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "ingest", str(export)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "2 read, 1 added, 0 already loaded, 1 quarantined" in done.stderr


# ---------------------------------------------------------------- long texts: kept whole, classified on their start
def test_long_texts_are_cut_for_classification_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert max_text_chars() == 65_536
    monkeypatch.setenv("AKIMS_MAX_TEXT_CHARS", "100")
    assert max_text_chars() == 100
    long = validate(_row(text="Аким Баталов " + "ж" * 500))
    short = validate(_row(id="p2"))
    assert isinstance(long, Mention) and isinstance(short, Mention)
    cut = for_classification([long, short], 100)
    assert len(cut[0].text) == 100 and cut[0].text == long.text[:100] and cut[1] is short
    assert len(long.text) == 513  # the record itself is untouched
    export = _write_jsonl(tmp_path / "long.jsonl", [long.raw, short.raw])
    (line,) = ingest("files", [str(export)], home=tmp_path)
    assert line.endswith(
        "2 added, 0 already loaded, 0 quarantined, 1 long text(s) kept whole but classified "
        "on their first 100 characters"
    )
    with connect(tmp_path / "warehouse.duckdb") as con:
        assert con.execute("select max(length(text)) from landing.mentions").fetchone() == (513,)


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1.5"])
def test_a_bad_text_limit_is_named(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("AKIMS_MAX_TEXT_CHARS", value)
    with pytest.raises(SettingError, match="AKIMS_MAX_TEXT_CHARS must be a positive number"):
        max_text_chars()


# ---------------------------------------------------------------- encodings, empty files, folders
def test_a_utf8_bom_does_not_cost_the_first_row(tmp_path: Path) -> None:
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (_row(), _row(id="p2")))
    export = tmp_path / "bom.jsonl"
    export.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    (line,) = ingest("files", [str(export)], home=tmp_path)
    assert line == f"{export}: 2 read, 2 added, 0 already loaded, 0 quarantined"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_utf16_jsonl_is_an_encoding_error_not_bad_json(tmp_path: Path, encoding: str) -> None:
    export = tmp_path / "wide.jsonl"
    export.write_text(json.dumps(_row(), ensure_ascii=False) + "\n", encoding=encoding)
    with pytest.raises(SourceError, match=r"wide.jsonl: the file is UTF-16 or UTF-32 text; save it as UTF-8$"):
        ingest("files", [str(export)], home=tmp_path)


def test_utf16_csv_is_an_encoding_error(tmp_path: Path) -> None:
    export = tmp_path / "wide.csv"
    export.write_text("id,platform,published_at,author_id,text\np1,vk,2019-06-24T09:15:00+06:00,a,x\n", "utf-16")
    with pytest.raises(SourceError, match="the file is UTF-16 or UTF-32 text"):
        ingest("files", [str(export)], home=tmp_path)


@pytest.mark.parametrize("name", ["empty.jsonl", "empty.csv", "blank.jsonl"])
def test_an_empty_file_is_unusable_whatever_its_format(tmp_path: Path, name: str) -> None:
    export = tmp_path / name
    export.write_text("\n\n" if name.startswith("blank") else "", encoding="utf-8")
    with pytest.raises(SourceError, match=r"empty (file|CSV)"):
        ingest("files", [str(export)], home=tmp_path)


def test_a_folder_says_what_it_did_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    (folder / "march").mkdir(parents=True)
    _write_jsonl(folder / "march" / "inner.jsonl", [_row(id="inner")])
    _write_jsonl(folder / "top.jsonl", [_row()])
    (folder / "notes.txt").write_text("not an export", encoding="utf-8")
    lines = ingest("files", [str(folder)], home=tmp_path)
    assert lines == [
        f"{folder}: 1 subfolder(s) not read (folders are not searched recursively: name them); "
        "1 file(s) not read (not .csv, .jsonl, .ndjson or .parquet)",
        f"{folder / 'top.jsonl'}: 1 read, 1 added, 0 already loaded, 0 quarantined",
    ]


@pytest.mark.parametrize(
    "published_at",
    [
        "9999-12-31T23:00:00-05:00",
        "0001-01-01T00:00:00+06:00",
        "9999-12-31T12:00:00+00:00",
        "1899-12-31T12:00:00+00:00",
    ],
)
def test_a_date_past_the_calendar_is_quarantined_not_a_crash(tmp_path: Path, published_at: str) -> None:
    rejected = validate(_row(published_at=published_at))
    assert isinstance(rejected, RejectedRow)
    assert rejected.reason == f"published_at out of range: {published_at!r}"
    export = _write_jsonl(tmp_path / "dates.jsonl", [_row(published_at=published_at), _row(id="p2")])
    (line,) = ingest("files", [str(export)], home=tmp_path)
    assert line == f"{export}: 2 read, 1 added, 0 already loaded, 1 quarantined"


def test_a_week_with_a_10_mb_post_classifies_it_on_its_start(tmp_path: Path) -> None:
    from datetime import date

    from assets.warehouse import copy_landing_week, read_week_rows
    from assets.weekly import ClassifyWeek, classify_week

    opening = "Аким Баталов открыл новую школу, спасибо! "
    huge = _row(id="huge", text=opening + "Баталов очень плохо " * 520_000)  # about 10 MB
    export = _write_jsonl(tmp_path / "huge.jsonl", [huge, _row(id="short", text=opening)])
    (line,) = ingest("files", [str(export)], home=tmp_path)
    assert line.endswith("1 long text(s) kept whole but classified on their first 65536 characters")
    week = date(2019, 6, 24)
    with connect(tmp_path / "warehouse.duckdb") as con:
        copy_landing_week(con, week)
        rows = read_week_rows(con, week)
    started = time.perf_counter()
    done = classify_week(ClassifyWeek(week, rows, [], "embedded", (None, None)))
    assert time.perf_counter() - started < 20.0
    classified = {r["id"]: r for r in done.table.to_pylist()}
    assert classified["huge"]["akims"] == ["batalov-amandyk"] == classified["short"]["akims"]


def test_every_chunk_of_a_file_lands_around_a_bad_row(tmp_path: Path) -> None:
    from assets.sources.landing import fingerprint, loaded_file
    from assets.sources.registry import ingest_file

    rows = [_row(id=f"p{i}", text=f"пост {i}") for i in range(7)]
    rows[3]["likes"] = 9223372036854775808  # in the second of three chunks of three rows
    rows[4]["views"] = -1
    export = _write_jsonl(tmp_path / "three_chunks.jsonl", rows)
    with connect(tmp_path / "warehouse.duckdb") as con:
        report = ingest_file(con, "files", export, chunk_rows=3)
        landed = [r[0] for r in con.execute("select id from landing.mentions order by id").fetchall()]
        reasons = [r[0] for r in con.execute("select reason from raw.quarantine order by reason").fetchall()]
        marked = loaded_file(con, fingerprint(export))
    assert report.counts["read"] == 7 and report.counts["added"] == 5 and report.counts["quarantined"] == 2
    assert landed == ["p0", "p1", "p2", "p5", "p6"]
    assert reasons[0].startswith("counter likes out of range") and reasons[1] == "negative counter views: -1"
    assert marked == "three_chunks.jsonl"

"""`akims classify` per the contract: JSONL, CSV, Parquet and standard input; exit 2 on unusable input."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration.cli import main
from tests.conftest import write_jsonl

ROWS = [
    {
        "id": "c1",
        "platform": "vk",
        "published_at": "2019-06-10T09:00:00+06:00",
        "author_id": "u1",
        "text": "Спасибо акиму Кызылординской области за новый парк!",
        "likes": 4,
        "sentiment": "negative",
    },
    {
        "id": "c2",
        "platform": "telegram",
        "published_at": "2019-03-05T10:00:00+06:00",
        "author_id": "akimat_almobl",
        "author_name": "Акимат Алматинской области",
        "text": "Аким области Амандык Баталов провёл совещание по паводкам.",
    },
]
ADDED = {"akims", "sentiment", "sentiment_score", "author_type", "official_reshare", "lang", "akim_sentiments"}


def _check(records: list[dict], *, kept_label: bool = False) -> None:
    by_id = {r["id"]: r for r in records}
    assert set(by_id) == {"c1", "c2"}
    assert set(by_id["c1"]) >= ADDED
    # position on the date: Kyzylorda oblast's akim on 10 June 2019 was Kusherbaev
    assert by_id["c1"]["akims"] == ["kusherbaev-krymbek"]
    assert by_id["c1"]["sentiment"] == ("negative" if kept_label else "positive")
    assert by_id["c1"]["author_type"] == "person" and by_id["c1"]["lang"] == "ru"
    assert by_id["c2"]["akims"] == ["batalov-amandyk"] and by_id["c2"]["author_type"] == "official"
    assert by_id["c2"]["text"] == ROWS[1]["text"]  # the input object, unchanged


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_jsonl_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["classify", str(write_jsonl(tmp_path / "in.jsonl", ROWS)), "-o", str(out)]) == 0
    _check(_read_jsonl(out))


def test_keep_source_labels(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    source = write_jsonl(tmp_path / "in.jsonl", ROWS)
    assert main(["classify", str(source), "-o", str(out), "--keep-source-labels"]) == 0
    _check(_read_jsonl(out), kept_label=True)


def test_csv_and_parquet(tmp_path: Path) -> None:
    columns = ["id", "platform", "published_at", "author_id", "author_name", "text", "likes"]
    csv_path = tmp_path / "in.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows({c: r.get(c, "") for c in columns} for r in ROWS)
    out = tmp_path / "csv.jsonl"
    assert main(["classify", str(csv_path), "-o", str(out)]) == 0
    _check(_read_jsonl(out))

    parquet_path = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in ROWS]), parquet_path)
    out = tmp_path / "parquet.jsonl"
    assert main(["classify", str(parquet_path), "-o", str(out)]) == 0
    _check(_read_jsonl(out))


def test_standard_input_to_standard_output(tmp_path: Path) -> None:
    stdin = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS)
    result = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "classify", "-"],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "AKIMS_HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    _check([json.loads(line) for line in result.stdout.splitlines()])


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("missing.jsonl", None, "no such file"),
        ("notes.txt", "hello", "unknown format"),
        ("bad.jsonl", '{"id": "x"}\n', "missing required field"),
        ("bad.parquet", "not parquet", "not a readable Parquet file"),
    ],
)
def test_unusable_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str | None, reason: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["classify", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and reason in err and "Traceback" not in err

"""One-line errors and consistent exit codes of the `akims` command line (issue 16, defect 7).

The exit codes are documented in docs/operations.md ("Exit codes"): 0 done, 1 a run that
failed, 2 unusable input, arguments or setting, or nothing (yet) to show for the period.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.cli import main
from orchestration.partitions import canonical_period

PERIOD_COMMANDS = (
    ["rank"],
    ["summary"],
    ["explain", "--akim", "batalov-amandyk"],
    ["quality"],
    ["report"],
    ["export"],
)
ROW = {
    "id": "p1",
    "platform": "vk",
    "published_at": "2019-06-24T09:15:00+06:00",
    "author_id": "someone",
    "text": "Аким Баталов открыл новую школу, спасибо!",
}


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    return err


@pytest.mark.parametrize("command", PERIOD_COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("period", ["9999-W52", "2019-W54", "2019-H3", "19999", "W26"])
def test_a_period_that_does_not_exist_is_one_line_and_exit_2(
    akims_home: Path, capsys: pytest.CaptureFixture[str], command: list[str], period: str
) -> None:
    assert main([command[0], "--period", period, *command[1:]]) == 2
    assert _one_line_error(capsys).startswith(f"akims: not a period: {period!r}")


@pytest.mark.parametrize("command", PERIOD_COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("period", ["9999-W51", "9999", "1899-H2"])
def test_a_period_out_of_the_dates_run_accepts_is_one_line_and_exit_2(
    akims_home: Path, capsys: pytest.CaptureFixture[str], command: list[str], period: str
) -> None:
    assert main([command[0], "--period", period, *command[1:]]) == 2
    assert _one_line_error(capsys).startswith(f"akims: period out of range: {period} ")


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("2019-W5", "2019-W05"),
        ("2019-w05", "2019-W05"),
        (" 2019-W005 ", "2019-W05"),
        ("2019-W26", "2019-W26"),
        ("2019-h1", "2019-H1"),
        (" 2019 ", "2019"),
    ],
)
def test_period_labels_are_canonical(given: str, canonical: str) -> None:
    assert canonical_period(given) == canonical


@pytest.mark.parametrize("command", PERIOD_COMMANDS, ids=lambda c: c[0])
def test_an_unbuilt_period_exits_2_in_every_command(
    akims_home: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    from assets.warehouse import connect

    with connect():  # a real, empty warehouse: nothing built yet
        pass
    assert main([command[0], "--period", "2019-w5", *command[1:]]) == 2
    err = _one_line_error(capsys)
    assert "2019-W05" in err and "2019-w5" not in err  # looked up (and named) under the canonical label


def test_run_past_the_last_date_is_a_usage_error_not_an_overflow(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "run", "--from", "9999-12-27", "--to", "9999-12-31"],
        capture_output=True,
        text=True,
        env={**os.environ, "AKIMS_HOME": str(tmp_path)},
        timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "date out of range: '9999-12-27' (use 1900-01-01 .. 9998-12-31)" in done.stderr


def test_classify_a_folder_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", str(tmp_path)]) == 2
    assert _one_line_error(capsys) == (
        f"akims: {tmp_path}: is a folder; classify takes one file (akims ingest reads folders)"
    )


def test_classify_reads_cp1251_semicolon_csv_as_ingest_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "cp1251.csv"
    header = "id;platform;published_at;author_id;text"
    line = f"p1;vk;2019-06-24T09:15:00+06:00;someone;{ROW['text']}"
    export.write_bytes(f"{header}\r\n{line}\r\n".encode("cp1251"))
    out = tmp_path / "out.jsonl"
    assert main(["classify", str(export), "-o", str(out)]) == 0
    (record,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert record["text"] == ROW["text"] and record["akims"] == ["batalov-amandyk"]


@pytest.mark.parametrize("name", ["empty.jsonl", "empty.csv"])
@pytest.mark.parametrize("command", ["classify", "ingest"])
def test_an_empty_file_exits_2_in_both_formats(
    akims_home: Path, capsys: pytest.CaptureFixture[str], name: str, command: str
) -> None:
    export = akims_home / name
    export.write_text("", encoding="utf-8")
    assert main([command, str(export)]) == 2
    assert "empty" in _one_line_error(capsys)


def test_classify_skips_a_bom_and_refuses_utf16(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + (json.dumps(ROW, ensure_ascii=False) + "\n").encode("utf-8"))
    out = tmp_path / "out.jsonl"
    assert main(["classify", str(bom), "-o", str(out)]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1
    capsys.readouterr()
    wide = tmp_path / "wide.jsonl"
    wide.write_text(json.dumps(ROW, ensure_ascii=False) + "\n", encoding="utf-16")
    assert main(["classify", str(wide)]) == 2
    assert _one_line_error(capsys) == f"akims: {wide}: the file is UTF-16 or UTF-32 text; save it as UTF-8"


def test_classify_sets_aside_a_counter_out_of_range(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "likes.jsonl"
    rows = [{**ROW, "likes": 9223372036854775808}, {**ROW, "id": "p2"}]
    export.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["classify", str(export), "-o", str(out)]) == 0
    assert [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()] == ["p2"]
    assert "1 × counter likes out of range" in capsys.readouterr().err


def test_classify_stdin_with_a_bom_keeps_the_first_row(tmp_path: Path) -> None:
    stdin = b"\xef\xbb\xbf" + (json.dumps(ROW, ensure_ascii=False) + "\n").encode("utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "classify", "-"],
        input=stdin,
        capture_output=True,
        env={**os.environ, "AKIMS_HOME": str(tmp_path)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert [json.loads(x)["id"] for x in done.stdout.decode("utf-8").splitlines()] == ["p1"]

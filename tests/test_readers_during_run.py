"""A newsroom reads while the Monday run writes (issue #16): `akims run` in one process, `akims
rank` in a loop in others. The run must succeed, and every read must return the ranking published
before the run or the one published by it, complete, with no trace."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

RANGE = ("--from", "2019-01-07", "--to", "2019-01-20")  # 2019-W02 and 2019-W03
PERIOD = "2019-W02"


def _env(home: Path, size: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(AKIMS_HOME=str(home), AKIMS_SOURCE="demo", AKIMS_DEMO_SIZE=size, AKIMS_PSEUDONYM_KEY="readers")
    env.pop("AKIMS_WRITER_TOKEN", None)
    return env


def _akims(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args], env=env, capture_output=True, text=True, timeout=300
    )


def _ranking(env: dict[str, str]) -> list[tuple[str, int]]:
    done = _akims(env, "rank", "--period", PERIOD, "--format", "json")
    assert done.returncode == 0, done.stderr
    return [(row["person_id"], row["rank"]) for row in json.loads(done.stdout)]


def test_rank_in_a_loop_while_run_writes(tmp_path: Path) -> None:
    first, second = _env(tmp_path, "3000"), _env(tmp_path, "4500")
    built = _akims(first, "run", *RANGE)
    assert built.returncode == 0, built.stderr
    before = _ranking(first)

    run = subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", "run", *RANGE],
        env=second,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    reads: list[subprocess.CompletedProcess[str]] = []
    while run.poll() is None:
        reads.append(_akims(first, "rank", "--period", PERIOD, "--format", "json"))
        time.sleep(0.2)
    _, run_err = run.communicate()
    after = _ranking(first)

    assert run.returncode == 0, run_err
    assert "Traceback" not in run_err
    assert before != after, "the second run must publish another ranking for the test to mean anything"
    assert len(reads) >= 3, "the run ended before the readers got going"
    seen = []
    for read in reads:
        assert read.returncode == 0, read.stderr
        assert "Traceback" not in read.stderr
        ranking = [(row["person_id"], row["rank"]) for row in json.loads(read.stdout)]
        assert ranking in (before, after), ranking
        seen.append(ranking == after)
    assert seen == sorted(seen), "once a reader has seen the new ranking, no later reader sees the old one"

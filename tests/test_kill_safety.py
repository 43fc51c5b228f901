"""Kill safety (issue #16): SIGKILL `akims run` while dbt writes the warehouse (the point is chosen
by watching for the dbt child); dbt outlives its parent, so the immediate re-run must end those
leftovers before it opens the warehouse, finish without a trace, and give the marts of a clean run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

SMALL_DEMO = "3000"
RANGE = ("--from", "2019-01-01", "--to", "2019-01-20")
MARTS = ("marts.fct_akim_ranking", "marts.fct_mention_eligibility")


def _akims(home: Path, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ)
    # one pseudonym key for both warehouses, so their anon- ids compare
    env.update(
        AKIMS_HOME=str(home), AKIMS_SOURCE="demo", AKIMS_DEMO_SIZE=SMALL_DEMO, AKIMS_PSEUDONYM_KEY="kill-test-key"
    )
    env.pop("AKIMS_WRITER_TOKEN", None)
    return subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _dbt_processes(home: Path) -> list[int]:
    """Live dbt processes working on `home` (found through /proc, whatever their parent)."""
    marker = f"AKIMS_HOME={home}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            state = (entry / "stat").read_text().rsplit(")", 1)[-1].split()[0]
        except OSError:
            continue
        if marker in environ and b"dbt" in cmdline and b"orchestration.cli" not in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def _holds(pid: int, path: Path) -> bool:
    """Whether process `pid` has the file open (its DuckDB lock goes with the open file)."""
    try:
        return any(os.readlink(fd) == str(path) for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False


def _marts(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {table: con.execute(f"select * from {table} order by all").fetchall() for table in MARTS}
    finally:
        con.close()


def test_sigkill_during_dbt_then_immediate_rerun_matches_a_clean_run(tmp_path: Path) -> None:
    clean_home, killed_home = tmp_path / "clean", tmp_path / "killed"
    clean_home.mkdir()
    killed_home.mkdir()

    victim = _akims(killed_home, "run", *RANGE)
    deadline = time.monotonic() + 120
    warehouse = killed_home / "warehouse.duckdb"
    while not any(_holds(pid, warehouse) for pid in _dbt_processes(killed_home)):
        assert victim.poll() is None, "the run ended before dbt opened the warehouse"
        assert time.monotonic() < deadline, "dbt never opened the warehouse"
        time.sleep(0.05)
    time.sleep(1.0)  # inside dbt's writes
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    assert _dbt_processes(killed_home), "dbt should outlive a SIGKILLed parent for this test to mean anything"

    resumed = _akims(killed_home, "run", *RANGE)
    _out, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err
    assert "Traceback" not in err and "lock" not in err.lower(), err
    assert _dbt_processes(killed_home) == []

    clean = _akims(clean_home, "run", *RANGE)
    _, clean_err = clean.communicate(timeout=300)
    assert clean.returncode == 0, clean_err
    assert _marts(killed_home / "warehouse.duckdb") == _marts(clean_home / "warehouse.duckdb")

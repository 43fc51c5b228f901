"""Run one benchmark step in a child process: wall time, peak RSS (os.wait4's rusage), output."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


@dataclass
class Step:
    """What one child process cost."""

    name: str
    wall: float  # seconds
    peak_rss_mb: float  # the child's own maximum resident set (not its parent's, not a sibling's)
    cpu: float  # user + system seconds of the child
    returncode: int
    output: str = ""
    info: dict = field(default_factory=dict)


def run_child(name: str, argv: list[str], env: dict[str, str] | None = None, log: Path | None = None) -> Step:
    """Start argv, wait for it with os.wait4 and return its wall time, CPU time and peak RSS.

    ru_maxrss of wait4 is the peak of that one child (and its waited-for descendants, e.g. the
    dbt process Dagster starts), in KiB on Linux.
    """
    full_env = {**os.environ, **(env or {})}
    full_env.setdefault("PYTHONPATH", str(ROOT))
    out_path = log or Path(os.devnull)
    started = time.perf_counter()
    with open(out_path, "w", encoding="utf-8") as handle:
        proc = subprocess.Popen(argv, cwd=ROOT, env=full_env, stdout=handle, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    text = out_path.read_text(encoding="utf-8", errors="replace") if log else ""
    return Step(
        name=name,
        wall=wall,
        peak_rss_mb=usage.ru_maxrss / 1024,
        cpu=usage.ru_utime + usage.ru_stime,
        returncode=proc.returncode,
        output=text,
    )

"""The whole pipeline: `akims run --from 2019-01-01 --to 2019-06-30` on a fresh AKIMS_HOME with the demo source."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from _proc import PYTHON, Step, run_child

STAGE_RE = re.compile(r"^\[(\d+)/(\d+)\] (.+)$")
DONE_RE = re.compile(r"^\s+done in ([0-9.]+) s$")
# a dbt model's line in the run's output: "... OK created sql incremental model intermediate.x ... [OK in 12.38s]"
MODEL_RE = re.compile(r"OK created sql \w+ model \w+\.(\w+) .*in ([0-9.]+)s")
# the models that compute the rank intervals (issue #18); their share of the run is its cost
RANK_INTERVAL_MODELS = ("int_rank_replicates", "fct_rank_intervals")


def akims_run(size: int, home: Path, first: str = "2019-01-01", last: str = "2019-06-30", *, extra_env=None) -> Step:
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    env = {"AKIMS_HOME": str(home), "AKIMS_SOURCE": "demo", "AKIMS_DEMO_SIZE": str(size), **(extra_env or {})}
    argv = [
        PYTHON,
        "-c",
        "import sys; from orchestration.cli import main; sys.exit(main())",
        "run",
        "--from",
        first,
        "--to",
        last,
    ]
    step = run_child(f"akims run, {size:,}/half-year", argv, env, home.parent / f"{home.name}.log")
    step.info["stages"] = stage_times(step.output)
    log = home / "logs" / "pipeline.log"  # dbt's own lines go to the run's log, not the console
    models = model_times(log.read_text(encoding="utf-8", errors="replace")) if log.exists() else {}
    step.info["rank_interval_seconds"] = round(sum(models.get(m, 0.0) for m in RANK_INTERVAL_MODELS), 2)
    return step


def model_times(output: str) -> dict[str, float]:
    """Seconds per dbt model, from dbt's lines in the run's log."""
    return {m.group(1): float(m.group(2)) for line in output.splitlines() if (m := MODEL_RE.search(line))}


def stage_times(output: str) -> list[tuple[str, float]]:
    """The `[n/m] stage` ... `done in X s` pairs that `akims run` prints."""
    stages: list[tuple[str, float]] = []
    current = None
    for line in output.splitlines():
        if m := STAGE_RE.match(line):
            current = m.group(3)
        elif (m := DONE_RE.match(line)) and current:
            stages.append((current, float(m.group(1))))
            current = None
    return stages

"""The demo on each warehouse target (issue #19): DuckDB (the embedded default) and PostgreSQL.

    .venv/bin/python bench/targets.py [--out bench/results/DATE-targets]

For each target, on a fresh AKIMS_HOME: `akims demo` (2019-H1, the default demo size: load,
classify, dbt build with its tests, publish 26 weeks, the half-year and the year), then a rerun
of its last week (`akims run --from 2019-06-24 --to 2019-06-30`, the shape of a Monday run on a
warehouse that exists), each timed as a child process (wall, CPU, peak RSS). PostgreSQL is the
pgserver wheel (PostgreSQL 16, a Unix socket in a temporary folder), started here and stopped at
the end; its dbt step's time includes shipping the raw tables and mirroring the marts. Writes
OUT.md and OUT.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import tempfile
from datetime import date
from pathlib import Path

from _proc import PYTHON, ROOT, Step, run_child

CLI = [PYTHON, "-c", "import sys; from orchestration.cli import main; sys.exit(main())"]
KEY = "bench-targets"


def run_target(name: str, work: Path, extra_env: dict[str, str]) -> list[Step]:
    home = work / name / "home"
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    env = {"AKIMS_HOME": str(home), "AKIMS_PSEUDONYM_KEY": KEY, **extra_env}
    env.pop("AKIMS_SOURCE", None)
    demo = run_child(f"{name}: akims demo", [*CLI, "demo"], env, work / f"{name}-demo.log")
    week = run_child(
        f"{name}: rerun of 2019-W26",
        [*CLI, "run", "--from", "2019-06-24", "--to", "2019-06-30"],
        {**env, "AKIMS_SOURCE": "demo"},
        work / f"{name}-week.log",
    )
    for step in (demo, week):
        if step.returncode != 0:
            raise SystemExit(f"{step.name} failed (exit {step.returncode}); see {work}")
    return [demo, week]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / f"{date.today()}-targets"))
    args = parser.parse_args()
    import pgserver

    work = Path(tempfile.mkdtemp(prefix="akims-bench-targets-"))
    server = pgserver.get_server(work / "pg", cleanup_mode="stop")
    try:
        server.psql("create database akims_bench;")
        socket_dir = server.get_uri().split("host=", 1)[1]
        url = f"postgresql://postgres@/akims_bench?host={socket_dir}"
        steps = run_target("duckdb", work, {}) + run_target("postgres", work, {"AKIMS_WAREHOUSE_URL": url})
    finally:
        server.cleanup()
    rows = [f"| {s.name} | {s.wall:.1f} | {s.cpu:.1f} | {s.peak_rss_mb:.0f} |" for s in steps]
    machine = f"{platform.machine()}, {platform.python_version()}, {len(__import__('os').sched_getaffinity(0))} CPU(s)"
    text = "\n".join(
        [
            f"# The demo on each warehouse target ({date.today()})",
            "",
            f"`python bench/targets.py` on {machine}; PostgreSQL 16 from the pgserver wheel on the same machine.",
            "",
            "| step | wall s | CPU s (child) | peak RSS MB (child) |",
            "|---|---:|---:|---:|",
            *rows,
            "",
            "CPU and RSS are the `akims` process and the children it waited for (Dagster's step processes, dbt);",
            "the PostgreSQL server's own work is not in them.",
            "",
        ]
    )
    out = Path(args.out)
    out.with_suffix(".md").write_text(text, encoding="utf-8")
    out.with_suffix(".json").write_text(
        json.dumps(
            [{"name": s.name, "wall": s.wall, "cpu": s.cpu, "peak_rss_mb": s.peak_rss_mb} for s in steps], indent=2
        ),
        encoding="utf-8",
    )
    print(text)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

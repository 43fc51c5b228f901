"""One pipeline stage, run in its own process by bench/run.py (so its peak RSS is its own).

    python bench/stages.py STAGE --home DIR [--size N] [--data FILE] [--from D --to D]

Every stage runs the project's real code on the warehouse in --home (AKIMS_HOME):

  generate  the embedded demo generator at --size mentions per half-year -> --data (JSON Lines)
  ingest    `akims ingest --data` into the landing area (assets.warehouse.land_mentions)
  load      Dagster run: raw_mentions + loaded_weeks for the weeks of --from..--to (source: landing),
            with their data-quality asset checks
  classify  Dagster run: classified_mentions for those weeks (embedded classifier) + its checks
  dbt       dbt seed + dbt run (every model: staging -> intermediate -> marts), no tests
  checks    dbt test (the tests Dagster shows as asset checks)
  floor     bench/floor.sql: the weekly indicators in one DuckDB query; compared with
            marts.fct_akim_indicators (prints 'floor-match: N rows, M differ')
  rankings  Dagster runs: weekly_ranking for the weeks, half_year_ranking for the half-years inside
  pipeline  orchestration.pipeline.run_range(--from, --to): load+classify, dbt build, publish (the
            weekly run of `akims run`)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FLOOR_SQL = Path(__file__).with_name("floor.sql")
COMPARED = "period, tenure_id, mentions, positive, negative, round(tone_index, 12), authors, engagement, reach"


def _dagster(selection: list[str], keys: list[str], label: str) -> None:
    """Materialise the named assets with the other outputs of their multi-assets (e.g.
    `raw_mentions` also writes `quarantine`), which Dagster cannot leave out."""
    import dagster as dg

    from orchestration.pipeline import _materialize, instance

    assets = dg.AssetSelection.assets(*selection).required_multi_asset_neighbors()
    _materialize(assets, keys=keys, stage=label, dagster_instance=instance())


def _weeks(first: date, last: date) -> list[str]:
    from orchestration.partitions import weeks_overlapping

    return [d.isoformat() for d in weeks_overlapping(first, last)]


def _dbt(*args: str) -> None:
    from orchestration.resources import dbt_executable

    project = str(ROOT / "dbt_project")
    target = os.environ.get("AKIMS_BENCH_DBT_TARGET")  # keep the bench's dbt artefacts out of dbt_project/target
    where = ["--target-path", target, "--log-path", f"{target}/logs"] if target else []
    cmd = [dbt_executable(), *args, "--project-dir", project, "--profiles-dir", project, *where, "--quiet"]
    subprocess.run(cmd, check=True, cwd=project)


def floor(home: Path) -> None:
    import duckdb

    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    query = FLOOR_SQL.read_text(encoding="utf-8")
    started = time.perf_counter()
    con.execute(f"create temp table floor_result as {query}")
    seconds = time.perf_counter() - started
    (rows,) = con.execute("select count(*) from floor_result").fetchone()
    (differ,) = con.execute(
        f"""select count(*) from (
              (select {COMPARED} from marts.fct_akim_indicators where period_kind = 'week'
               except all select {COMPARED} from floor_result)
              union all
              (select {COMPARED} from floor_result
               except all select {COMPARED} from marts.fct_akim_indicators where period_kind = 'week'))"""
    ).fetchone()
    print(f"floor-seconds: {seconds:.3f}")
    print(f"floor-match: {rows} rows, {differ} differ")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("stage")
    ap.add_argument("--home", type=Path, required=True)
    ap.add_argument("--size", type=int, default=50_000)
    ap.add_argument("--data", type=Path)
    ap.add_argument("--from", dest="first", type=date.fromisoformat, default=date(2019, 1, 1))
    ap.add_argument("--to", dest="last", type=date.fromisoformat, default=date(2019, 6, 30))
    args = ap.parse_args(argv)
    os.environ["AKIMS_HOME"] = str(args.home)
    os.environ.setdefault("AKIMS_SOURCE", "landing")
    args.home.mkdir(parents=True, exist_ok=True)
    weeks = _weeks(args.first, args.last)
    if args.stage == "generate":
        from akims_demo.generator import DemoConfig, generate_mentions, write_jsonl
        from assets.reference import load_reference

        config = DemoConfig(start=args.first, end=args.last, mentions_per_half_year=args.size)
        count = write_jsonl(generate_mentions(config, load_reference()), args.data)
        print(f"rows: {count}")
    elif args.stage == "ingest":
        from orchestration.cli import main as akims

        return akims(["ingest", str(args.data)])
    elif args.stage == "load":
        _dagster(["raw_mentions", "loaded_weeks"], weeks, "load")
    elif args.stage == "classify":
        _dagster(["classified_mentions"], weeks, "classify")
    elif args.stage == "dbt":
        _dbt("seed")
        _dbt("run")
    elif args.stage == "dbt-parse":
        _dbt("parse")
    elif args.stage == "checks":
        _dbt("test")
    elif args.stage == "floor":
        floor(args.home)
    elif args.stage == "rankings":
        from orchestration.partitions import half_years_inside

        _dagster(["weekly_ranking"], weeks, "weekly rankings")
        halves = [d.isoformat() for d in half_years_inside(args.first, args.last)]
        if halves:
            _dagster(["half_year_ranking"], halves, "half-year rankings")
    elif args.stage == "pipeline":
        from orchestration.pipeline import run_range

        run_range(args.first, args.last, progress=True)
    else:
        ap.error(f"unknown stage {args.stage}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

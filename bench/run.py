"""Benchmarks of the whole warehouse: one entry point (issue #9).

    python bench/run.py --sizes 50000,250000,1000000 [--stages ...] [-o bench/results/DATE.md]
                        [--workdir /tmp/akims-bench] [--staged-max 250000] [--weekly-sizes 50000] [--resume]

For every size (demo mentions per half-year, 2019-H1):

* staged: each stage in its own process on a fresh AKIMS_HOME — generate (the demo generator to
  JSON Lines), ingest (`akims ingest` into the landing area), load (Dagster: raw_mentions +
  loaded_weeks), classify (Dagster: classified_mentions), dbt (seed + run), checks (dbt test),
  floor (bench/floor.sql, the weekly indicators in one DuckDB query, checked equal to
  marts.fct_akim_indicators), rankings (Dagster: weekly + half-year rankings). Sizes above
  --staged-max get only the end-to-end run (the staged runs would double the time).
* e2e: `akims run --from 2019-01-01 --to 2019-06-30` on a fresh AKIMS_HOME, AKIMS_SOURCE=demo,
  AKIMS_DEMO_SIZE=size: total wall, CPU and peak RSS, and the stage times it prints.

Once per run:

* classifiers: embedded vs natasha NER vs a rubert-tiny2-shaped BERT with random weights
  (bench/classifiers.py), CPU time of one process, one thread.
* weekly: one more week (2019-06-24) materialised with `run_range` into a warehouse that
  already holds 1 week vs 52 weeks of history (same landing data: 53 weeks of demo at
  each of --weekly-sizes per half-year); timed twice each.

Each measurement is a child process reaped with os.wait4: wall time, user+system CPU and peak
RSS (ru_maxrss of the largest process of the child's tree, e.g. Dagster's or the dbt process it
starts). Results are cached as JSON in the workdir; --resume reuses them. The Markdown report
goes to -o (default bench/results/<today>.md) with the raw numbers beside it (.json).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _proc import PYTHON, ROOT, Step, run_child  # noqa: E402
from e2e import akims_run, stage_times  # noqa: E402

STAGED = ["generate", "ingest", "load", "classify", "dbt", "checks", "floor", "rankings"]
ALL_STAGES = [*STAGED, "e2e", "e2e-year", "classifiers", "weekly"]
STAGES_PY = str(HERE / "stages.py")
HISTORY_FIRST = {1: date(2019, 6, 17), 52: date(2018, 6, 25)}
NEW_WEEK = (date(2019, 6, 24), date(2019, 6, 30))

# issue #17 (the earlier targets of issue #9 were 180 s, 3 GB and 3x)
TARGETS = {
    "e2e_seconds": 120.0,
    "peak_mb": 2048.0,
    "dbt_vs_floor": 2.0,
    "classifier_per_core": 20_000.0,
    "classifier_vs_natasha": 25.0,
    "weekly_ratio": 1.2,
    "monday_seconds": 15.0,
    "rank_interval_share": 0.15,  # issue #18: the 1 M half-year grows by at most 15 %
}


class Bench:
    def __init__(self, workdir: Path, resume: bool):
        self.workdir = workdir
        self.resume = resume
        (workdir / "steps").mkdir(parents=True, exist_ok=True)
        self.env = {"AKIMS_BENCH_DBT_TARGET": str(workdir / "dbt-target"), "PYTHONWARNINGS": "ignore"}

    def cached(self, key: str, make) -> dict:
        path = self.workdir / "steps" / f"{key}.json"
        if self.resume and path.exists():
            print(f"  {key}: cached", file=sys.stderr)
            return json.loads(path.read_text(encoding="utf-8"))
        step: Step = make()
        data = dataclasses.asdict(step)
        data.pop("output")
        if step.returncode != 0:
            print(step.output[-3000:], file=sys.stderr)
            raise SystemExit(f"bench step {key} failed (exit {step.returncode}); log in {self.workdir}")
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        print(f"  {key}: {step.wall:.1f} s, peak {step.peak_rss_mb:,.0f} MB", file=sys.stderr)
        return data

    def stage(self, key: str, stage: str, home: Path, *extra: str, env: dict | None = None) -> Step:
        argv = [PYTHON, STAGES_PY, stage, "--home", str(home), *extra]
        step = run_child(key, argv, {**self.env, **(env or {})}, self.workdir / f"{key}.log")
        for line in step.output.splitlines():
            if line.startswith(("rows: ", "floor-seconds: ", "floor-match: ")):
                name, value = line.split(": ", 1)
                step.info[name] = value
        step.info["stages"] = stage_times(step.output)
        return step


def count_rows(home: Path) -> int:
    import duckdb

    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return int(con.execute("select count(*) from raw.mentions").fetchone()[0])
    finally:
        con.close()


def dbt_model_seconds(target: Path) -> float | None:
    try:
        return float(json.loads((target / "run_results.json").read_text())["elapsed_time"])
    except (OSError, ValueError, KeyError):
        return None


def run_size(bench: Bench, size: int, stages: list[str], staged_max: int) -> dict:
    out: dict = {"size": size, "staged": {}, "e2e": None}
    home = bench.workdir / f"staged-{size}"
    data = bench.workdir / f"demo-{size}.jsonl"
    todo = [s for s in STAGED if s in stages] if size <= staged_max else []
    if todo and "generate" in todo and not bench.resume and home.exists():
        shutil.rmtree(home)
    for stage in todo:
        key = f"{stage}-{size}"
        extra = ["--size", str(size), "--data", str(data)]
        if stage == "dbt" and not (bench.workdir / "dbt-target" / "partial_parse.msgpack").exists():
            bench.stage(
                "dbt-parse", "dbt-parse", home
            )  # one parse, untimed: later dbt calls reuse it as the pipeline does
        result = bench.cached(key, lambda s=stage, k=key, e=extra: bench.stage(k, s, home, *e))
        if stage == "dbt":
            result["info"]["model_seconds"] = result["info"].get("model_seconds") or dbt_model_seconds(
                bench.workdir / "dbt-target"
            )
            (bench.workdir / "steps" / f"{key}.json").write_text(json.dumps(result, indent=1, default=str))
        out["staged"][stage] = result
    if "e2e" in stages:
        key = f"e2e-{size}"
        result = bench.cached(key, lambda: akims_run(size, bench.workdir / key))
        out["e2e"] = result
    if "e2e-year" in stages:
        key = f"e2e-year-{size}"
        out["e2e_year"] = bench.cached(key, lambda: akims_run(size, bench.workdir / key, "2019-01-01", "2019-12-31"))
        out["e2e_year"]["info"]["rows"] = count_rows(bench.workdir / key)
    rows_home = bench.workdir / f"e2e-{size}" if out["e2e"] else home
    out["rows"] = count_rows(rows_home) if (rows_home / "warehouse.duckdb").exists() else None
    return out


def run_weekly(bench: Bench, size: int) -> dict:
    data = bench.workdir / f"demo-year-{size}.jsonl"
    first, last = HISTORY_FIRST[52], NEW_WEEK[1]
    bench.cached(
        f"weekly-generate-{size}",
        lambda: bench.stage(
            f"weekly-generate-{size}",
            "generate",
            bench.workdir,
            "--size",
            str(size),
            "--data",
            str(data),
            "--from",
            first.isoformat(),
            "--to",
            last.isoformat(),
        ),
    )
    out: dict = {"size": size}
    for history in (1, 52):
        home = bench.workdir / f"weekly-{history}-{size}"
        setup_key = f"weekly-setup-{history}-{size}"
        if not (bench.resume and (bench.workdir / "steps" / f"{setup_key}.json").exists()) and home.exists():
            shutil.rmtree(home)
        bench.cached(
            f"weekly-ingest-{history}-{size}",
            lambda h=home, k=f"weekly-ingest-{history}-{size}": bench.stage(k, "ingest", h, "--data", str(data)),
        )
        hist_first = HISTORY_FIRST[history]
        hist_last = NEW_WEEK[0].toordinal() - 1
        bench.cached(
            setup_key,
            lambda h=home, k=setup_key, f=hist_first, t=hist_last: bench.stage(
                k, "pipeline", h, "--from", f.isoformat(), "--to", date.fromordinal(t).isoformat()
            ),
        )
        runs = []
        for attempt in (1, 2):
            key = f"weekly-run-{history}-{size}-{attempt}"
            runs.append(
                bench.cached(
                    key,
                    lambda h=home, k=key: bench.stage(
                        k, "pipeline", h, "--from", NEW_WEEK[0].isoformat(), "--to", NEW_WEEK[1].isoformat()
                    ),
                )
            )
        out[history] = runs
    return out


# ----------------------------------------------------------------------------- report
def fmt_rate(rows: int | None, seconds: float) -> str:
    return f"{rows / seconds:,.0f}" if rows and seconds else "—"


def met(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def report(results: dict) -> str:
    lines: list[str] = []
    add = lines.append
    add(f"# Benchmarks, {results['date']}\n")
    add(
        f"Machine: {results['machine']}. Command: `{results['command']}`. Python {results['python']}. "
        f"Wall = elapsed seconds of the stage's own process (Python start and imports included); CPU = its "
        f"user + system seconds; peak RSS = ru_maxrss of the largest process of its tree (os.wait4). "
        f"Throughput = mentions of the half-year / wall.\n"
    )
    add("## Stages and the whole pipeline\n")
    add("| mentions / half-year | stage | wall s | mentions/s | CPU s | peak RSS MB |")
    add("|---:|---|---:|---:|---:|---:|")
    for sz in results["sizes"]:
        rows = sz.get("rows") or (
            int(sz["staged"]["generate"]["info"].get("rows", 0)) if "generate" in sz["staged"] else None
        )
        for stage, r in sz["staged"].items():
            name = {
                "generate": "generate (demo generator → JSONL)",
                "ingest": "ingest (`akims ingest` → landing)",
                "load": "load (Dagster raw_mentions + loaded_weeks + quality checks)",
                "classify": "classify (Dagster classified_mentions + quality checks)",
                "dbt": "dbt seed + run (all models)",
                "checks": "checks (dbt test)",
                "floor": "floor: one DuckDB query, weekly indicators",
                "rankings": "rankings (Dagster weekly + half-year)",
            }[stage]
            add(
                f"| {sz['size']:,} | {name} | {r['wall']:.1f} | {fmt_rate(rows, r['wall'])} | {r['cpu']:.1f} | {r['peak_rss_mb']:,.0f} |"  # noqa: E501
            )
        if sz["staged"]:
            total = sum(r["wall"] for r in sz["staged"].values() if r["name"].split("-")[0] != "floor")
            add(
                f"| {sz['size']:,} | *sum of the stages above except the floor* | {total:.1f} | {fmt_rate(rows, total)} | | |"  # noqa: E501
            )
        if sz["e2e"]:
            e = sz["e2e"]
            add(
                f"| {sz['size']:,} | **`akims run` end to end** ({rows or 0:,} mentions) | **{e['wall']:.1f}** | {fmt_rate(rows, e['wall'])} | {e['cpu']:.1f} | **{e['peak_rss_mb']:,.0f}** |"  # noqa: E501
            )
            for name, seconds in e["info"].get("stages", []):
                add(f"| {sz['size']:,} | &nbsp;&nbsp;↳ {name} | {seconds:.1f} | | | |")
    add("")
    curve = [
        (run["info"].get("rows") if kind == "year" else sz.get("rows"), kind, run["wall"], run["peak_rss_mb"])
        for sz in results["sizes"]
        for kind, run in (("half-year", sz.get("e2e")), ("year", sz.get("e2e_year")))
        if run
    ]
    if curve:
        add("## End to end against size (`akims run`, fresh warehouse)\n")
        add("| mentions | range | wall s | mentions/s | peak RSS MB |")
        add("|---:|---|---:|---:|---:|")
        for rows, kind, wall, peak in sorted(curve, key=lambda c: (c[0] or 0, c[1])):
            add(f"| {rows or 0:,} | {kind} 2019 | {wall:.1f} | {fmt_rate(rows, wall)} | {peak:,.0f} |")
        add("")
    add("## dbt vs the single-query floor\n")
    add(
        "| mentions / half-year | floor query s | floor = marts? | dbt seed + run, wall s | dbt models only (run_results) s | dbt build in `akims run` s | dbt models / floor | dbt process / floor |"  # noqa: E501
    )
    add("|---:|---:|---|---:|---:|---:|---:|---:|")
    ratios = []
    for sz in results["sizes"]:
        st = sz["staged"]
        if "floor" in st and "dbt" in st:
            fq = float(st["floor"]["info"].get("floor-seconds", "nan"))
            dbt_wall = st["dbt"]["wall"]
            models = st["dbt"]["info"].get("model_seconds")
            build = next(
                (s for n, s in (sz["e2e"] or {}).get("info", {}).get("stages", []) if n.startswith("dbt")), None
            )
            ratios.append((sz["size"], models / fq, dbt_wall / fq))
            add(
                f"| {sz['size']:,} | {fq:.2f} | {st['floor']['info'].get('floor-match', '?')} | {dbt_wall:.1f} | "
                f"{models:.1f} | {build if build is not None else '—'} | {models / fq:.1f}× | {dbt_wall / fq:.1f}× |"
            )
    add(
        "\n*dbt models / floor*: the SQL work dbt does (every model: also half-years, years, rankings, eligibility "
        "and quality marts) against the one query computing the weekly indicators. *dbt process / floor* adds "
        "dbt's start, parsing, connection and seeds, a fixed cost of several seconds."
    )
    add("")
    cls = results.get("classifiers")
    if cls:
        add("## Classifiers (one core: CPU seconds of one process, torch on one thread)\n")
        add("| what | texts | CPU s | texts per CPU second |")
        add("|---|---:|---:|---:|")
        for r in cls:
            add(f"| {r['what']} | {r['items']:,} | {r['seconds']:.2f} | {r['per_second']:,.0f} |")
        add("")
    for wk in results.get("weekly", []):
        add(f"## Weekly run: 1 vs 52 weeks of history ({wk['size']:,} mentions per half-year)\n")
        add(
            "One more week (2019-W26) through `run_range` (load + classify the week, dbt build, publish the week: one Dagster run, `one_week_job`) into a warehouse that already holds 1 or 52 weeks; the same landing data (53 weeks) in both. Run 1 brings the week's data, run 2 reruns it unchanged. *Outside the run*: the process's start (Python, Dagster, the code location) and end.\n"  # noqa: E501
        )
        add("| history | run | wall s | CPU s | peak RSS MB | the Dagster run s | outside the run s |")
        add("|---:|---:|---:|---:|---:|---:|---:|")
        for history in ("1", "52"):
            for n, r in enumerate(wk[history], start=1):
                inside = sum(s for _, s in r["info"].get("stages", []))
                add(
                    f"| {history} | {n} | {r['wall']:.1f} | {r['cpu']:.1f} | {r['peak_rss_mb']:,.0f} | {inside:.1f} | {r['wall'] - inside:.1f} |"  # noqa: E501
                )
        add("")
    add("## Targets\n")
    add("| target | measured | |")
    add("|---|---|---|")
    big = next((s for s in results["sizes"] if s["size"] >= 1_000_000 and s["e2e"]), None)
    if big:
        e = big["e2e"]
        add(f"| 1 M end to end ≤ 120 s | {e['wall']:.0f} s | {met(e['wall'] <= TARGETS['e2e_seconds'])} |")
        add(
            f"| 1 M peak memory ≤ 2 GB | {e['peak_rss_mb'] / 1024:.2f} GB | {met(e['peak_rss_mb'] <= TARGETS['peak_mb'])} |"  # noqa: E501
        )
        intervals = e["info"].get("rank_interval_seconds")
        if intervals is not None:
            share = intervals / (e["wall"] - intervals)
            add(
                f"| rank intervals add ≤ 15 % to the 1 M run (#18) | `int_rank_replicates` + `fct_rank_intervals` "
                f"{intervals:.1f} s = +{share:.1%} of the rest | {met(share <= TARGETS['rank_interval_share'])} |"
            )
    for sz in results["sizes"]:
        if sz.get("e2e") and sz.get("e2e_year"):
            half, year = sz["e2e"]["wall"], sz["e2e_year"]["wall"]
            add(
                f"| year ≤ 2× the half-year ({sz['size']:,}/half-year) | {year:.0f} s / {half:.0f} s = "
                f"{year / half:.2f}× | {met(year <= 2 * half)} |"
            )
    for size, models, process in ratios:
        add(
            f"| dbt ≤ 2× the floor ({size:,}/half-year) | models {models:.1f}×, whole process {process:.1f}× | "
            f"models {met(models <= TARGETS['dbt_vs_floor'])}, process {met(process <= TARGETS['dbt_vs_floor'])} |"
        )
    if cls:
        cold, warm, nat = cls[0]["per_second"], cls[1]["per_second"], cls[2]["per_second"]
        add(
            f"| classifier ≥ 20,000/s per core | cold {cold:,.0f}/s, warm {warm:,.0f}/s | cold {met(cold >= 20_000)}, warm {met(warm >= 20_000)} |"  # noqa: E501
        )
        if nat:
            add(
                f"| classifier ≥ 25× natasha | cold {cold / nat:,.0f}×, warm {warm / nat:,.0f}× | {met(cold / nat >= 25)} |"  # noqa: E501
            )
    for wk in results.get("weekly", []):
        # run 1 is the Monday run (the week's data arrives), run 2 a rerun of it unchanged
        one, many, rerun = wk["1"][0]["wall"], wk["52"][0]["wall"], wk["52"][1]["wall"]
        add(
            f"| Monday run into 52 weeks ≤ 15 s ({wk['size']:,}/half-year) | {many:.1f} s (the week's first run; "
            f"a rerun {rerun:.1f} s) | {met(many <= TARGETS['monday_seconds'])} |"
        )
        add(
            f"| 52-week weekly run ≤ 1.2× the 1-week run ({wk['size']:,}/half-year) | {many:.1f} s / {one:.1f} s = "
            f"{many / one:.2f}× (first runs) | {met(many / one <= TARGETS['weekly_ratio'])} |"
        )
    add("")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="50000,250000,1000000", help="demo mentions per half-year, comma-separated")
    ap.add_argument("--stages", default=",".join(ALL_STAGES), help=f"comma-separated subset of {','.join(ALL_STAGES)}")
    ap.add_argument("-o", "--output", type=Path, default=HERE / "results" / f"{date.today().isoformat()}.md")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/akims-bench"))
    ap.add_argument("--staged-max", type=int, default=250_000, help="larger sizes get only the end-to-end run")
    ap.add_argument(
        "--weekly-sizes",
        default="250000",
        help="mentions per half-year for the 1 vs 52 weeks runs (issue #17: 250,000), comma-separated",
    )
    ap.add_argument("--classifier-mentions", type=int, default=50_000)
    ap.add_argument("--resume", action="store_true", help="reuse the step results already in --workdir")
    ap.add_argument("--note", action="append", default=[], help="a line for the report's Notes section")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = set(stages) - set(ALL_STAGES)
    if unknown:
        ap.error(f"unknown stages: {', '.join(sorted(unknown))}")
    bench = Bench(args.workdir, args.resume)
    results: dict = {
        "date": date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GB, {platform.platform()}",  # noqa: E501
        "python": platform.python_version(),
        "command": "python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "sizes": [],
    }
    for size in sizes:
        print(f"size {size:,}", file=sys.stderr)
        results["sizes"].append(run_size(bench, size, stages, args.staged_max))
    if "classifiers" in stages:
        print("classifiers", file=sys.stderr)
        path = bench.workdir / "classifiers.json"
        if not (args.resume and path.exists()):
            step = run_child(
                "classifiers",
                [
                    PYTHON,
                    str(HERE / "classifiers.py"),
                    "--mentions",
                    str(args.classifier_mentions),
                    "--json",
                    str(path),
                ],
                bench.env,
                bench.workdir / "classifiers.log",
            )
            if step.returncode:
                print(step.output[-3000:], file=sys.stderr)
                raise SystemExit("classifier bench failed")
        results["classifiers"] = json.loads(path.read_text(encoding="utf-8"))
    if "weekly" in stages:
        print("weekly", file=sys.stderr)
        results["weekly"] = []
        for size in [int(x) for x in args.weekly_sizes.split(",") if x.strip()]:
            wk = run_weekly(bench, size)
            results["weekly"].append({"size": wk["size"], "1": wk[1], "52": wk[52]})
    args.output.parent.mkdir(parents=True, exist_ok=True)
    text = report(results)
    if args.note:
        text += "## Notes\n\n" + "".join(f"- {note}\n" for note in args.note)
    args.output.write_text(text, encoding="utf-8")
    args.output.with_suffix(".json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

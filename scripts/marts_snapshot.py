"""Build the demo's and the test fixtures' warehouses and fingerprint every mart, so a refactor
can prove the behaviour unchanged (issue #15: "the marts stay identical before and after").

    .venv/bin/python scripts/marts_snapshot.py build OUT [--demo-size N]
        builds each case in OUT/<case>/home and writes OUT/<case>/<mart>.csv (every row, sorted)
        and OUT/digest.json (a SHA-256 and a row count per mart)
    .venv/bin/python scripts/marts_snapshot.py compare OUT [BASELINE]
        compares OUT/digest.json with BASELINE (default scripts/marts_baseline.json); when a mart
        differs and both folders hold its CSV, a mart that only gained columns (the old columns
        hold the same rows) is reported and accepted, any other difference prints the first
        differing rows; exit 1 on any difference

The cases: the embedded demo (2019-H1, `akims demo`), the end-to-end methodology fixture of
tests/test_methodology_e2e.py (8 weeks, akim changes, registry accounts, reshares, duplicates)
and the two-week fixture of tests/test_pipeline.py. Each case is built in its own process with
its own AKIMS_HOME and a fixed pseudonym key. The marts hold no run stamps, so two builds of the
same code are identical.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scripts" / "marts_baseline.json"
CASES = ("demo", "methodology", "two_weeks")


def build_case(case: str, home: Path, demo_size: int) -> None:
    """Build one case's warehouse in `home` (runs inside the child process)."""
    os.environ["AKIMS_HOME"] = str(home)
    os.environ.pop("AKIMS_SOURCE", None)
    # a fixed pseudonym key: without one each warehouse draws its own and every anon- id differs
    os.environ["AKIMS_PSEUDONYM_KEY"] = "marts-snapshot-fixed-key"
    sys.path.insert(0, str(ROOT))
    from orchestration.cli import main
    from tests.conftest import write_csv, write_jsonl

    inputs = home / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    header = "region_code,person_id,start_date,end_date"
    if case == "demo":
        code = main(["demo", "--size", str(demo_size)])
    elif case == "methodology":
        from tests import test_methodology_e2e as e2e

        data = write_jsonl(inputs / "mentions.jsonl", e2e.build_fixture())
        tenures = write_csv(inputs / "tenures.csv", header, [",".join(t) for t in e2e.TENURES])
        code = main(["ingest", str(data), "--keep-source-labels", "--tenures", str(tenures)])
        last = e2e.FIRST_MONDAY + timedelta(days=e2e.WEEKS * 7 - 1)
        code = code or main(["run", "--from", e2e.FIRST_MONDAY.isoformat(), "--to", last.isoformat()])
    elif case == "two_weeks":
        from tests import test_pipeline as pipeline

        data = write_jsonl(inputs / "mentions.jsonl", pipeline.FIXTURE)
        tenures = write_csv(inputs / "tenures.csv", header, pipeline.TENURES)
        code = main(["ingest", str(data), "--keep-source-labels", "--tenures", str(tenures)])
        code = code or main(["run", "--from", "2019-03-04", "--to", "2019-03-17"])
    else:
        raise SystemExit(f"unknown case {case!r}; one of {', '.join(CASES)}")
    if code:
        raise SystemExit(f"case {case}: akims exited {code}")


def dump_marts(warehouse: Path, out: Path) -> dict[str, dict[str, object]]:
    """Every table and view of schema `marts` as a sorted CSV; its digest and row count."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        digests: dict[str, dict[str, object]] = {}
        for name in names:
            cursor = con.execute(f'select * from marts."{name}" order by all')
            columns = [d[0] for d in cursor.description]
            rows = [[_canonical(v) for v in row] for row in cursor.fetchall()]
            path = out / f"{name}.csv"
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(columns)
                writer.writerows(rows)
            digests[name] = {
                "rows": len(rows),
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            }
        return digests
    finally:
        con.close()


def _canonical(value: object) -> str:
    if value is None:
        return "∅"
    if isinstance(value, float):
        return repr(round(value, 10))
    if isinstance(value, list | tuple):
        return json.dumps([_canonical(v) for v in value], ensure_ascii=False)
    return str(value)


def build(out: Path, demo_size: int, cases: list[str]) -> int:
    out.mkdir(parents=True, exist_ok=True)
    digest: dict[str, dict[str, dict[str, object]]] = {}
    for case in cases:
        home = out / case / "home"
        home.mkdir(parents=True, exist_ok=True)
        print(f"building {case} in {home} …", flush=True)
        log = out / case / "build.log"
        with log.open("w") as handle:
            done = subprocess.run(
                [sys.executable, __file__, "_case", case, str(home), "--demo-size", str(demo_size)],
                stdout=handle,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                check=False,
            )
        if done.returncode:
            print(f"case {case} failed (exit {done.returncode}); see {log}", file=sys.stderr)
            return 1
        digest[case] = dump_marts(home / "warehouse.duckdb", out / case)
        print(f"  {len(digest[case])} marts, {sum(int(d['rows']) for d in digest[case].values())} rows")
    (out / "digest.json").write_text(json.dumps(digest, indent=2, sort_keys=True) + "\n")
    return 0


def compare(out: Path, baseline: Path) -> int:
    now = json.loads((out / "digest.json").read_text())
    then = json.loads(baseline.read_text())
    differences = 0
    for case in sorted(set(then) - set(now)):
        print(f"{case}: not in this build (build it with --case {case} to compare it)")
    for case in sorted(now):
        marts = sorted(set(now.get(case, {})) | set(then.get(case, {})))
        for mart in marts:
            a, b = then.get(case, {}).get(mart), now.get(case, {}).get(mart)
            if a == b:
                continue
            old_csv, new_csv = baseline.parent / case / f"{mart}.csv", out / case / f"{mart}.csv"
            added = _only_new_columns(old_csv, new_csv)
            if added:
                print(f"{case}/{mart}: identical on the baseline's columns; new column(s): {', '.join(added)}")
                continue
            differences += 1
            print(f"{case}/{mart}: baseline {a} != now {b}")
            _show_rows(old_csv, new_csv)
    checked = sum(len(v) for v in now.values())
    if differences:
        print(f"{differences} of {checked} marts differ from {baseline}")
        return 1
    print(f"all {checked} marts of {', '.join(sorted(now))} identical to {baseline}")
    return 0


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def _only_new_columns(old: Path, new: Path) -> list[str]:
    """The columns `new` adds when, projected on `old`'s columns, it holds the same rows; else []."""
    if not (old.exists() and new.exists()):
        return []
    old_header, old_rows = _read_csv(old)
    new_header, new_rows = _read_csv(new)
    if not set(old_header) < set(new_header):
        return []
    positions = [new_header.index(column) for column in old_header]
    projected = sorted([row[i] for i in positions] for row in new_rows)
    if projected != sorted(old_rows):
        return []
    return [column for column in new_header if column not in old_header]


def _show_rows(old: Path, new: Path, limit: int = 5) -> None:
    if not (old.exists() and new.exists()):
        return
    before = set(old.read_text(encoding="utf-8").splitlines())
    after = set(new.read_text(encoding="utf-8").splitlines())
    for line in sorted(before - after)[:limit]:
        print(f"    - {line[:200]}")
    for line in sorted(after - before)[:limit]:
        print(f"    + {line[:200]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    b = commands.add_parser("build", help="build every case and fingerprint its marts")
    b.add_argument("out", type=Path)
    b.add_argument("--demo-size", type=int, default=50000)
    b.add_argument("--case", action="append", choices=CASES, help="only this case (repeatable)")
    c = commands.add_parser("compare", help="compare a build with the baseline")
    c.add_argument("out", type=Path)
    c.add_argument("baseline", type=Path, nargs="?", default=BASELINE)
    one = commands.add_parser("_case")
    one.add_argument("case")
    one.add_argument("home", type=Path)
    one.add_argument("--demo-size", type=int, default=50000)
    args = parser.parse_args(argv)
    if args.command == "build":
        return build(args.out.resolve(), args.demo_size, args.case or list(CASES))
    if args.command == "compare":
        return compare(args.out.resolve(), args.baseline.resolve())
    build_case(args.case, args.home.resolve(), args.demo_size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

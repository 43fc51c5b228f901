"""The `akims` command line (see shared/contracts/mentions.md, section 3)."""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import sys
import time
import warnings
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from assets.paths import SettingError

EXIT_USAGE = 2
# commands that write the warehouse: one at a time per AKIMS_HOME
WRITING_COMMANDS = frozenset({"ingest", "run", "demo"})


class UsageError(Exception):
    """Unusable input or arguments: printed as one line, exit code 2."""


def _fail(message: str) -> int:
    print(f"akims: {message}", file=sys.stderr)
    return EXIT_USAGE


def _date_arg(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from exc
    if not FIRST_DATE <= day <= LAST_DATE:  # the weeks and half-years around 9999-12-31 do not exist
        raise argparse.ArgumentTypeError(f"date out of range: {value!r} (use {FIRST_DATE} .. {LAST_DATE})")
    return day


FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(9998, 12, 31)


def read_input(source: str) -> tuple[list[Any], list[Any]]:
    """(mentions, rejected rows) of `akims classify`'s input, through the reader `akims ingest`
    uses (cp1251, `;` CSV and export presets alike); `-` is JSON Lines on standard input."""
    from assets.records import InputError, Mention, read_mentions
    from assets.sources.base import SourceError
    from assets.sources.files import read_file

    if source == "-":
        try:
            records = list(read_mentions(source))
        except InputError as exc:
            raise UsageError(str(exc)) from exc
        return [r for r in records if isinstance(r, Mention)], [r for r in records if not isinstance(r, Mention)]
    if Path(source).is_dir():
        raise UsageError(f"{source}: is a folder; classify takes one file (akims ingest reads folders)")
    try:
        batch = read_file(source)
    except SourceError as exc:
        raise UsageError(str(exc)) from exc
    return batch.mentions, batch.rejected


# ---------------------------------------------------------------- classify
def cmd_classify(args: argparse.Namespace) -> int:
    from assets.classification import classify_records
    from assets.records import for_classification, is_long, max_text_chars
    from assets.reference import load_reference

    mentions, rejected = read_input(args.input)
    if not mentions and rejected:
        raise UsageError(f"no usable mention in {args.input}: first problem: {rejected[0].reason}")
    reference = load_reference()
    limit = max_text_chars()
    try:
        results = classify_records(
            for_classification(mentions, limit),
            reference,
            backend=args.backend,
            keep_source_labels=args.keep_source_labels,
        )
    except ValueError as exc:  # unknown backend, model absent from the cache while offline, ...
        raise UsageError(str(exc)) from exc
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    try:
        for mention, result in zip(mentions, results, strict=True):
            record = dict(mention.raw)
            record.update(
                akims=list(result.akims),
                sentiment=result.sentiment,
                sentiment_score=round(float(result.sentiment_score), 4),
                author_type=result.author_type,
                official_reshare=bool(result.official_reshare),
                lang=result.lang,
                # optional field (contract section 2 allows additions): the tone toward each akim
                akim_sentiments={pid: label for pid, label, _ in result.akim_tones},
            )
            out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    finally:
        if args.output:
            out.close()
    if rejected:
        reasons: dict[str, int] = {}
        for r in rejected:
            reasons[r.reason] = reasons.get(r.reason, 0) + 1
        summary = "; ".join(f"{n} × {reason}" for reason, n in sorted(reasons.items()))
        print(f"akims: set aside {len(rejected)} row(s) that break the mention contract: {summary}", file=sys.stderr)
    long_texts = sum(1 for m in mentions if is_long(m, limit))
    if long_texts:
        print(f"akims: {long_texts} text(s) longer than {limit} characters classified on their start", file=sys.stderr)
    return 0


# ---------------------------------------------------------------- eval / train-tone
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def _git_commit() -> str:
    import subprocess

    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[1],
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip() or "unknown"


def _progress(message: str) -> None:
    print(f"akims: {message}", file=sys.stderr, flush=True)


def cmd_eval(args: argparse.Namespace) -> int:
    from assets.classification.evaluation import evaluate, render
    from assets.reference import load_reference

    if not args.eval_dir.is_dir():
        raise UsageError(f"no evaluation folder {args.eval_dir} (set --eval-dir)")
    train_dir = None if args.no_cv else args.train_dir
    if train_dir is not None and not train_dir.is_dir():
        raise UsageError(f"no training folder {train_dir} (set --train-dir, or --no-cv)")
    backends = args.backend or ["embedded", "lexicon"]
    try:
        reports = evaluate(backends, args.eval_dir, train_dir, load_reference(), progress=_progress)
    except ValueError as exc:  # a backend that cannot load, a malformed file
        raise UsageError(str(exc)) from exc
    text = render(reports, _git_commit())
    print(text)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    return 0


def cmd_train_tone(args: argparse.Namespace) -> int:
    from assets.classification.tone_card import model_card
    from assets.classification.tone_model import SHIPPED_MODEL
    from assets.classification.tone_training import TrainingDataError, TrainSettings, save_model, train

    try:
        import sklearn  # noqa: F401
    except ImportError as exc:
        raise UsageError("train-tone needs scikit-learn: pip install '.[train]'") from exc
    import tempfile

    from assets.classification.tone_training import weights_checksum

    settings = TrainSettings(seed=args.seed, subset=args.subset)
    shipped = args.output or SHIPPED_MODEL
    start = time.monotonic()
    try:
        heads = train(args.train_dir, settings, progress=_progress)
    except TrainingDataError as exc:
        raise UsageError(str(exc)) from exc
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "model" if args.check else shipped
        checksum = save_model(output, heads, settings, card=model_card(heads, settings))
        _progress(f"trained in {time.monotonic() - start:.0f} s")
        if not args.check:
            print(f"{output}  sha256 {checksum}")
            return 0
        expected = weights_checksum(shipped)
        if checksum != expected:
            print(f"differs from {shipped}: sha256 {checksum}, shipped {expected}")
            return 1
        print(f"reproduces {shipped} bit for bit: sha256 {checksum}")
        return 0


# ---------------------------------------------------------------- ingest / overrides
@contextlib.contextmanager
def _writing() -> Iterator[None]:
    """Hold this warehouse's single-writer lock; a second writer gets a clear one-line refusal."""
    from assets.locking import WarehouseBusyError, writer_lock
    from assets.paths import akims_home

    try:
        with writer_lock(akims_home()):
            yield
    except WarehouseBusyError as exc:
        raise UsageError(str(exc)) from exc


def apply_overrides(tenures_csv: str | None, accounts_csv: str | None) -> None:
    from assets.reference import (
        OFFICIAL_ACCOUNT_COLUMNS,
        ReferenceError,
        load_official_accounts,
        load_persons,
        load_regions,
        load_tenures,
    )
    from assets.warehouse import connect, replace_overrides

    if not tenures_csv and not accounts_csv:
        return
    try:
        tenures = load_tenures(Path(tenures_csv)) if tenures_csv else None
        accounts = load_official_accounts(Path(accounts_csv)) if accounts_csv else None
    except ReferenceError as exc:
        raise UsageError(str(exc)) from exc
    if tenures is not None:
        known_persons = {p.person_id for p in load_persons()}
        known_regions = {r.region_code for r in load_regions()}
        unknown = sorted({t.person_id for t in tenures} - known_persons)
        if unknown:
            raise UsageError(f"{tenures_csv}: person_id not in the project's roster: {', '.join(unknown)}")
        bad_regions = sorted({t.region_code for t in tenures} - known_regions)
        if bad_regions:
            raise UsageError(f"{tenures_csv}: unknown region_code: {', '.join(bad_regions)}")
    with connect() as con:
        if tenures is not None:
            replace_overrides(
                con,
                "akim_tenures",
                ("region_code", "person_id", "start_date", "end_date"),
                [(t.region_code, t.person_id, t.start_date, t.end_date) for t in tenures],
                "region_code varchar, person_id varchar, start_date date, end_date date",
            )
            print(f"tenures: this warehouse now uses {len(tenures)} tenures from {tenures_csv}", file=sys.stderr)
        if accounts is not None:
            replace_overrides(
                con,
                "official_accounts",
                OFFICIAL_ACCOUNT_COLUMNS,
                [(a.platform.lower(), a.author_id, a.author_name, a.region_code, a.kind) for a in accounts],
                "platform varchar, author_id varchar, author_name varchar, region_code varchar, kind varchar",
            )
            print(
                f"official accounts: this warehouse now uses {len(accounts)} accounts from {accounts_csv}",
                file=sys.stderr,
            )


def cmd_ingest(args: argparse.Namespace) -> int:
    from assets.sources.base import SourceError
    from assets.sources.registry import ingest

    apply_overrides(args.tenures, args.official_accounts)
    try:
        lines = ingest(
            args.source,
            args.paths,
            mapping_path=args.mapping,
            first=args.from_,
            last=args.to,
            keep_source_label=args.keep_source_labels,
        )
    except SourceError as exc:
        raise UsageError(str(exc)) from exc
    for line in lines:
        print(line, file=sys.stderr)
    return 0


# ---------------------------------------------------------------- run / demo
def cmd_run(args: argparse.Namespace) -> int:
    from orchestration.pipeline import run_range

    if args.to < args.from_:
        raise UsageError(f"--to {args.to} is before --from {args.from_}")
    apply_overrides(args.tenures, args.official_accounts)
    run_range(args.from_, args.to, progress=True)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from orchestration.pipeline import run_range

    if args.size:  # the demo plug-in's own setting (package akims_demo), read in its process
        os.environ["AKIMS_DEMO_SIZE"] = str(args.size)
    started = time.monotonic()
    print("Building the embedded demo warehouse (2019-01-01 .. 2019-06-30)…", file=sys.stderr)
    run_range(date(2019, 1, 1), date(2019, 6, 30), progress=True, source="demo")
    print(f"Done in {time.monotonic() - started:.0f} s. Ranking of 2019-H1:\n", file=sys.stderr)
    print_ranking("2019-H1", "table")
    print()
    return cmd_summary(argparse.Namespace(period="2019-H1"))


# ---------------------------------------------------------------- rank
@contextlib.contextmanager
def _reading() -> Iterator[Any]:
    """What a read command opens: the serving snapshot the last publish left (never a lock the
    running writer needs); UsageError, one line, when there is nothing to read or the writer
    holds a warehouse that has no snapshot yet for longer than the bounded wait."""
    from assets.locking import WarehouseBusyError
    from assets.paths import warehouse_path
    from assets.serving import open_for_reading

    try:
        with open_for_reading(warehouse_path()) as con:
            yield con
    except WarehouseBusyError as exc:
        raise UsageError(str(exc)) from exc


def print_ranking(period: str, fmt: str) -> int:
    from assets.publishing.intervals import (
        INTERVAL_COLUMNS,
        csv_interval_value,
        missing_intervals_note,
        read_intervals,
        with_intervals,
    )
    from assets.publishing.rankings import RANKING_COLUMNS, format_value, published_periods, read_ranking
    from orchestration.partitions import parse_period

    label = _period_label(period)
    kind, first, last = parse_period(label)
    build_hint = f"akims run --from {first} --to {last}"
    try:
        with _reading() as con:
            periods = published_periods(con)
            _refuse_if_blocked(con, label, build_hint)
            if label not in periods:
                raise UsageError(f"no published ranking for {label} in this warehouse; build it with `{build_hint}`")
            published = read_ranking(con, label)
            intervals = read_intervals(con, label)
            settings = periods[label]["settings"]
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from exc
    rows = with_intervals(published, intervals)  # the interval columns come after the published ones
    if fmt == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow((*RANKING_COLUMNS, *INTERVAL_COLUMNS))
        for row in rows:
            writer.writerow(
                [format_value(c, row[c]) for c in RANKING_COLUMNS]
                + [csv_interval_value(row[c]) for c in INTERVAL_COLUMNS]
            )
        sys.stdout.write(buffer.getvalue())
    else:
        print(render_table(rows))
        shown = ", ".join(f"{k}={v}" for k, v in settings.items())
        print(f"\n{label} ({kind.replace('_', '-')} {first}..{last}); settings: {shown}")
        print(f"(not-ranked tenures and exclusions: akims summary --period {label})")
    note = missing_intervals_note(label, published, intervals, build_hint)
    if note:  # on stderr: the CSV and JSON on stdout stay machine-readable
        print(f"akims: {note}", file=sys.stderr)
    return 0


def render_table(rows: Sequence[dict[str, Any]]) -> str:
    """The ranking as a text table: the published columns, then the place range (`n/a` when the
    warehouse has no rank intervals) and the probability of being above the next place."""
    from assets.publishing.intervals import INTERVAL_TABLE_COLUMNS, format_interval_value
    from assets.publishing.rankings import RANKING_COLUMNS, format_value

    columns = (*RANKING_COLUMNS, *INTERVAL_TABLE_COLUMNS)
    cells = [list(columns)] + [
        [format_value(c, r[c]) for c in RANKING_COLUMNS]
        + [format_interval_value(c, r.get(c)) for c in INTERVAL_TABLE_COLUMNS]
        for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    lines = []
    for n, row in enumerate(cells):
        lines.append(
            "  ".join(
                v.ljust(w) if i in (1, 2, 3) else v.rjust(w) for i, (v, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _refuse_if_blocked(con: Any, label: str, build_hint: str = "") -> None:
    """No data, no ranking: a period the data-quality gate refuses is not shown, with the reason."""
    from assets.quality.report import period_refusal

    refused = period_refusal(con, label, build_hint)
    if refused:
        raise UsageError(refused)


def cmd_rank(args: argparse.Namespace) -> int:
    return print_ranking(args.period, args.format)


def _period_label(period: str) -> str:
    """The canonical label of a --period ('2019-w5' -> '2019-W05'); UsageError when not a period."""
    from orchestration.partitions import canonical_period, parse_period

    try:
        label = canonical_period(period)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    _, first, last = parse_period(label)
    if first < FIRST_DATE or last > LAST_DATE:  # the dates `akims run` accepts to build it
        raise UsageError(f"period out of range: {label} (periods lie within {FIRST_DATE} .. {LAST_DATE})")
    return label


def cmd_summary(args: argparse.Namespace) -> int:
    from assets.publishing.summary import period_summary, render_summary

    label = _period_label(args.period)
    try:
        with _reading() as con:
            _refuse_if_blocked(con, label)
            summary = period_summary(con, label)
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from exc
    if summary is None:
        raise UsageError(f"{label} has no data in this warehouse")
    print(render_summary(summary))
    return 0


def cmd_quality(args: argparse.Namespace) -> int:
    from assets.locking import WarehouseBusyError
    from assets.quality.report import quality_text

    label = _period_label(args.period)
    try:
        text = quality_text(label)
    except (FileNotFoundError, ValueError, WarehouseBusyError) as exc:
        raise UsageError(str(exc)) from exc
    if text.startswith(f"{label}: no data-quality results"):
        raise UsageError(text)  # a period never built: exit 2, as rank/summary/explain/report/export
    print(text)
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from assets.publishing.intervals import interval_line, missing_interval_reason
    from assets.publishing.summary import explain
    from orchestration.partitions import parse_period

    label = _period_label(args.period)
    _, first, last = parse_period(label)
    try:
        with _reading() as con:
            found = explain(con, label, args.akim)
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from exc
    if found is None:
        raise UsageError(f"{args.akim} has no tenure in {label} in this warehouse")
    if args.format == "json":
        print(json.dumps(found, ensure_ascii=False, indent=2, default=str))
        return 0
    row = found["row"]
    status = (
        f"rank {row['rank']}, score {row['score']}" if row["is_ranked"] else f"not ranked: {row['not_ranked_reason']}"
    )
    print(f"{row['akim_name']} ({row['person_id']}, {row['region_code']}) in {label}: {status}")
    if row["is_ranked"]:
        reason = missing_interval_reason(found["intervals_available"], label, f"akims run --from {first} --to {last}")
        print(interval_line(int(row["rank"]), found["interval"], reason))
    print("indicators: " + ", ".join(f"{k}={v}" for k, v in found["indicators"].items()))
    if found["excluded"]:
        print("not counted: " + ", ".join(f"{k} {v}" for k, v in found["excluded"].items()))
    print(f"eligible mentions ({len(found['eligible'])}):")
    for m in found["eligible"]:
        print(
            f"  {m['local_date']}  {m['platform']}:{m['mention_id']}  author={m['author_id']}  "
            f"{m['sentiment']}  engagement={m['engagement']}  followers={m['author_followers']}"
        )
    return 0


# ---------------------------------------------------------------- report / export
def cmd_report(args: argparse.Namespace) -> int:
    from assets.paths import reports_dir
    from assets.publishing.report import ReportError, write_report

    label = _period_label(args.period)
    formats = ("html", "md") if args.format == "both" else (args.format,)
    try:
        with _reading() as con:
            _, written = write_report(con, label, reports_dir(), formats)
    except (FileNotFoundError, ReportError) as exc:
        raise UsageError(str(exc)) from exc
    for path in written.values():
        print(path)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from assets.paths import akims_home
    from assets.publishing.exports import EXPORT_FORMATS, ExportError, export_period
    from orchestration.partitions import parse_period

    label = _period_label(args.period)
    _, first, last = parse_period(label)
    formats = EXPORT_FORMATS if args.format == "both" else (args.format,)
    try:
        with _reading() as con:
            # a period the gate refuses is not exported either (it exported the withdrawn ranking)
            _refuse_if_blocked(con, label, f"akims run --from {first} --to {last}")
            manifest = export_period(
                con, label, akims_home() / "exports", formats, build_hint=f"akims run --from {first} --to {last}"
            )
    except (FileNotFoundError, ExportError) as exc:
        raise UsageError(str(exc)) from exc
    folder = akims_home() / "exports" / label
    for item in manifest["files"]:
        print(f"{folder / item['file']}  ({item['rows']} rows)")
    for item in manifest["skipped"]:
        print(f"akims: {item['note']}", file=sys.stderr)
    return 0


# ---------------------------------------------------------------- parser
def period_command(
    sub: Any,
    name: str,
    text: str,
    func: Any,
    *,
    formats: Sequence[str] | None = None,
    default_format: str | None = None,
    period_help: str | None = None,
) -> argparse.ArgumentParser:
    """A sub-command reading one period (`--period`), with `--format` when `formats` are given
    (default `default_format`, else the first one)."""
    p: argparse.ArgumentParser = sub.add_parser(name, help=text)
    p.add_argument("--period", required=True, help=period_help)
    if formats:
        p.add_argument("--format", choices=list(formats), default=default_format or formats[0])
    p.set_defaults(func=func)
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="akims", description="Akims in social media: the rating warehouse.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("classify", help="classify mentions (JSONL, CSV or Parquet; - for JSONL on stdin)")
    p.add_argument("input")
    p.add_argument("-o", "--output")
    p.add_argument("--backend", choices=["embedded", "lexicon", "transformers"], default="embedded")
    p.add_argument("--keep-source-labels", action="store_true", help="keep a sentiment the source supplied")
    p.set_defaults(func=cmd_classify)

    p = sub.add_parser("eval", help="measure the classifier's backends on labelled files (never fitted on them)")
    p.add_argument(
        "--backend",
        action="append",
        choices=["embedded", "lexicon", "transformers"],
        help="a backend to measure (repeatable; default: embedded and lexicon)",
    )
    p.add_argument("--eval-dir", type=Path, default=SHARED / "eval", help="labelled evaluation files")
    p.add_argument("--train-dir", type=Path, default=SHARED / "train", help="training files for cross-validation")
    p.add_argument("--no-cv", action="store_true", help="skip the cross-validation on the training files")
    p.add_argument("-o", "--output", type=Path, help="also write the Markdown report here")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("train-tone", help="train the tone model from the training files (reproducible)")
    p.add_argument("--train-dir", type=Path, default=SHARED / "train", help="folder with the training files")
    p.add_argument("--output", type=Path, default=None, help="model folder to write (default: models/akims-tone)")
    p.add_argument("--subset", type=int, help="rows per training file (seeded sample), for quick checks")
    p.add_argument("--seed", type=int, default=20261204)
    p.add_argument(
        "--check", action="store_true", help="retrain into a temporary folder and compare with the shipped model"
    )
    p.set_defaults(func=cmd_train_tone)

    period_command(
        sub,
        "rank",
        "print the ranking of a period from the warehouse",
        cmd_rank,
        formats=("table", "csv", "json"),
        period_help="2019-W26, 2019-H1 or 2019",
    )
    period_command(
        sub, "summary", "what is reported beside a ranking: counts by rule, not ranked, first places", cmd_summary
    )
    p = period_command(sub, "explain", "an akim's indicators in a period and the mentions behind them", cmd_explain)
    p.add_argument("--akim", required=True, metavar="PERSON_ID")
    p.add_argument("--format", choices=["text", "json"], default="text")
    period_command(sub, "quality", "what the data-quality checks found for a period, and the settings", cmd_quality)
    period_command(
        sub,
        "report",
        "write the period's report (self-contained HTML and Markdown) to reports/",
        cmd_report,
        formats=("html", "md", "both"),
        default_format="both",
    )
    period_command(
        sub,
        "export",
        "export the period's marts as CSV and/or Parquet to exports/<period>/",
        cmd_export,
        formats=("csv", "parquet", "both"),
        default_format="both",
    )

    p = sub.add_parser("demo", help="build the embedded demo warehouse and print the 2019-H1 ranking")
    p.add_argument("--size", type=int, help="mentions per half-year (default 50000)")
    p.set_defaults(func=cmd_demo)

    for name, func, text in (
        ("ingest", cmd_ingest, "load mentions into the warehouse's landing area"),
        ("run", cmd_run, "materialise the weeks, half-years and years of a date range through Dagster"),
    ):
        p = sub.add_parser(name, help=text)
        if name == "ingest":
            p.add_argument("paths", nargs="*", metavar="PATH")
            p.add_argument("--source", choices=["files", "telegram", "vk", "hf"], default="files")
            p.add_argument("--keep-source-labels", action="store_true")
            p.add_argument("--mapping", help="YAML column mapping for --source files (see docs/sources.md)")
            p.add_argument("--from", dest="from_", type=_date_arg, help="vk, hf: first day to fetch")
            p.add_argument("--to", type=_date_arg, help="vk, hf: last day to fetch")
        else:
            p.add_argument("--from", dest="from_", type=_date_arg, required=True)
            p.add_argument("--to", type=_date_arg, required=True)
        p.add_argument("--tenures", help="CSV region_code,person_id,start_date,end_date replacing the tenures")
        p.add_argument("--official-accounts", help="CSV platform,author_id,author_name,region_code,kind")
        p.set_defaults(func=func)
    return parser


def _quiet_library_warnings() -> None:
    """Beta/preview notices from Dagster are for developers, not for the person running a command."""
    warnings.filterwarnings("ignore", message=".*is currently in beta.*")
    warnings.filterwarnings("ignore", message=".*is currently in preview.*")
    warnings.filterwarnings("ignore", category=DeprecationWarning)


def _not_built(args: argparse.Namespace, exc: Exception) -> str:
    """A reading command on a warehouse whose marts are not built yet (only ingested, say):
    DuckDB's missing-table error becomes the same one line, exit 2, as a period never built."""
    import duckdb

    period = getattr(args, "period", None)
    if not isinstance(exc, duckdb.CatalogException) or period is None or args.command in WRITING_COMMANDS:
        return ""
    from orchestration.partitions import parse_period

    label = _period_label(period)
    _, first, last = parse_period(label)
    return f"{label}: not built in this warehouse yet; build it with `akims run --from {first} --to {last}`"


def main(argv: Sequence[str] | None = None) -> int:
    _quiet_library_warnings()
    args = build_parser().parse_args(argv)
    try:
        if args.command in WRITING_COMMANDS:
            with _writing():
                return int(args.func(args) or 0)
        return int(args.func(args) or 0)
    except UsageError as exc:
        return _fail(str(exc))
    except SettingError as exc:
        return _fail(str(exc))
    except BrokenPipeError:
        # the reader (e.g. `| head`) went away: stop quietly, without a flush error at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        from orchestration.pipeline import PipelineError

        if isinstance(exc, PipelineError):
            print(f"akims: {exc}", file=sys.stderr)
            return 1
        not_built = _not_built(args, exc)
        if not_built:
            return _fail(not_built)
        raise
    except KeyboardInterrupt:
        return _fail("interrupted")


if __name__ == "__main__":
    sys.exit(main())

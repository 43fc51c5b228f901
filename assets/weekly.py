"""One week's CPU-heavy work, as module-level functions a worker process can run.

`demo_week` generates a week of the embedded demo; `classify_week` classifies a week of raw
mentions. Both take and return plain picklable values (the rows in, an Arrow table out), so
`assets.parallel.map_in_order` can spread the weeks of a backfill over processes while the
parent, the single DuckDB writer, stores each finished week. A worker keeps its reference
data and classifier between weeks, so its caches stay warm over a long backfill.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

import pyarrow as pa

from assets.records import Mention, RejectedRow, validate
from assets.reference import OfficialAccount, Reference, Tenure, load_reference
from assets.schemas import classified_table

# the columns of raw.mentions a classifier reads, in this order (see assets.warehouse.read_week_rows):
# the fields of a Mention, except the input row it may carry
CLASSIFIER_COLUMNS = tuple(f.name for f in fields(Mention) if f.name != "raw")

Overrides = tuple[tuple[Tenure, ...] | None, tuple[OfficialAccount, ...] | None]

_REFERENCE: tuple[Overrides, Reference] | None = None


def reference_for(overrides: Overrides) -> Reference:
    """The reference data with this warehouse's overrides, built once per process."""
    global _REFERENCE
    if _REFERENCE is None or _REFERENCE[0] != overrides:
        _REFERENCE = (overrides, load_reference(*overrides))
    return _REFERENCE[1]


@dataclass(frozen=True)
class DemoWeeks:
    week_starts: tuple[date, ...]
    """consecutive Mondays"""
    size: int
    seed: int
    overrides: Overrides


@dataclass(frozen=True)
class GeneratedWeek:
    week_start: date
    mentions: pa.Table
    rejected: list[RejectedRow]


DEMO_WEEKS_PER_TASK = 8


def demo_tasks(weeks: Sequence[date], workers: int) -> list[tuple[date, ...]]:
    """Consecutive weeks grouped into tasks: generating a window also generates the week before
    it (rows spill forward from earlier days), so one week alone costs two; runs of weeks share
    that cost. About two tasks per worker, at most DEMO_WEEKS_PER_TASK weeks each."""
    per_task = max(1, min(DEMO_WEEKS_PER_TASK, -(-len(weeks) // (2 * workers))))
    tasks: list[list[date]] = []
    for week in sorted(weeks):
        if tasks and len(tasks[-1]) < per_task and week - tasks[-1][-1] == timedelta(days=7):
            tasks[-1].append(week)
        else:
            tasks.append([week])
    return [tuple(t) for t in tasks]


def demo_weeks(job: DemoWeeks) -> list[GeneratedWeek]:
    """The demo generator's mentions of consecutive weeks (Monday..Sunday, clipped to the demo
    source's span, `assets.sources.demo.DEMO_FIRST_DAY..DEMO_LAST_DAY`), one table per week."""
    from assets.sources.demo import DEMO_FIRST_DAY, DEMO_LAST_DAY, DemoConfig, generate_mentions
    from assets.warehouse import mentions_table

    config = DemoConfig(mentions_per_half_year=job.size, seed=job.seed)
    first = max(job.week_starts[0], DEMO_FIRST_DAY)
    last = min(job.week_starts[-1] + timedelta(days=6), DEMO_LAST_DAY)
    by_week: dict[date, tuple[list[Mention], list[RejectedRow]]] = {w: ([], []) for w in job.week_starts}
    if first <= last:
        for row in generate_mentions(config, reference_for(job.overrides), first, last):
            record = validate(row)
            if isinstance(record, RejectedRow):
                # a row the contract rejects is kept with the week it was generated for
                by_week[_week_of_rejected(row, job.week_starts)][1].append(record)
            else:
                by_week[record.week_start][0].append(record)
    return [
        GeneratedWeek(week, mentions_table(mentions, source="demo", keep_source_label=False), rejected)
        for week, (mentions, rejected) in by_week.items()
    ]


def _week_of_rejected(row: dict[str, Any], weeks: Sequence[date]) -> date:
    """The week a rejected demo row belongs to (by the date in its published_at, else the first)."""
    text = str(row.get("published_at") or "")[:10]
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return weeks[0]
    monday = day - timedelta(days=day.weekday())
    return monday if monday in weeks else weeks[0]


@dataclass(frozen=True)
class ClassifyWeek:
    week_start: date
    rows: list[tuple[Any, ...]]
    """the week's raw mentions, CLASSIFIER_COLUMNS in order"""
    previous_posts: list[tuple[str, str, str | None, str]]
    """(platform, author_id, author_name, text) of the week before, for near copies of its official posts"""
    backend: str
    overrides: Overrides


@dataclass(frozen=True)
class ClassifiedWeek:
    week_start: date
    table: pa.Table
    attributed: int


def mentions_of_rows(rows: Sequence[tuple[Any, ...]]) -> list[Mention]:
    return [Mention(*r) for r in rows]  # the rows hold CLASSIFIER_COLUMNS, the Mention fields in order


def classify_week(job: ClassifyWeek) -> ClassifiedWeek:
    """Classify one week; the previous week's official posts count as known official texts."""
    from assets.classification import classifier_version, classify_records, official_texts
    from assets.records import for_classification, max_text_chars

    reference = reference_for(job.overrides)
    mentions = mentions_of_rows(job.rows)
    limit = max_text_chars()
    # official posts cut like the posts compared with them, so a long reshare still matches
    previous = [(platform, author, name, text[:limit]) for platform, author, name, text in job.previous_posts]
    results = classify_records(
        for_classification(mentions, limit),  # a 10 MB post is read on its first 64 KB
        reference,
        backend=job.backend,
        keep_source_labels=True,
        known_official_texts=official_texts(previous, reference, job.backend),
    )
    table = classified_table(job.week_start, mentions, results, job.backend, classifier_version(job.backend))
    return ClassifiedWeek(job.week_start, table, sum(1 for r in results if r.akims))

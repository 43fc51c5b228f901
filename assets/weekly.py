"""One week's classification, as module-level functions a worker process can run.

`classify_week` classifies a week of raw mentions: it takes and returns plain picklable values
(the rows in, an Arrow table out), so `assets.parallel.map_in_order` can spread the weeks of a
backfill over processes while the parent, the single DuckDB writer, stores each finished week.
A worker keeps its reference data and classifier between weeks, so its caches stay warm over a
long backfill. `reference_for` is shared with the source plug-ins that generate weeks in workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa

from assets.records import Mention
from assets.reference import OfficialAccount, Reference, Tenure, load_reference
from assets.schemas import classified_table

Overrides = tuple[tuple[Tenure, ...] | None, tuple[OfficialAccount, ...] | None]

_REFERENCE: tuple[Overrides, Reference] | None = None


def reference_for(overrides: Overrides) -> Reference:
    """The reference data with this warehouse's overrides, built once per process."""
    global _REFERENCE
    if _REFERENCE is None or _REFERENCE[0] != overrides:
        _REFERENCE = (overrides, load_reference(*overrides))
    return _REFERENCE[1]


@dataclass(frozen=True)
class ClassifyWeek:
    week_start: date
    rows: list[tuple[Any, ...]]
    """the week's raw mentions: the fields of a Mention except `raw`, in order (assets.warehouse.read_week_rows)"""
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
    return [Mention(*r) for r in rows]  # the rows hold the Mention fields in order, all but `raw`


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

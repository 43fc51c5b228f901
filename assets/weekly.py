"""One week's classification, as module-level functions a worker process can run.

`classify_week` classifies a week of raw mentions: it takes and returns plain picklable values
(the rows in, an Arrow table out), so `assets.parallel.map_in_order` can spread the weeks of a
backfill over processes while the parent, the single DuckDB writer, stores each finished week.
A worker keeps its reference data and classifier between weeks, so its caches stay warm over a
long backfill. `reference_for` is shared with the source plug-ins that generate weeks in workers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa

from assets.records import Mention
from assets.reference import OfficialAccount, Reference, Tenure, load_reference

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


CLASSIFIED_SCHEMA = pa.schema(
    [
        ("platform", pa.string()),
        ("id", pa.string()),
        ("week_start", pa.date32()),
        ("akims", pa.list_(pa.string())),
        ("sentiment", pa.string()),
        ("sentiment_score", pa.float64()),
        ("sentiment_origin", pa.string()),
        ("author_type", pa.string()),
        ("official_reshare", pa.bool_()),
        ("lang", pa.string()),
        ("classifier_backend", pa.string()),
        ("classifier_version", pa.string()),
        ("evidence", pa.string()),
        ("classified_at", pa.timestamp("us")),
        ("akim_sentiments", pa.list_(pa.string())),
    ]
)


def classified_table(week_start: date, mentions: Sequence[Mention], results, backend: str, version: str) -> pa.Table:
    """The rows of raw.classified_mentions for one classified week."""
    from assets.warehouse import now_utc

    n = len(mentions)
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    return pa.table(
        {
            "platform": [m.platform for m in mentions],
            "id": [m.id for m in mentions],
            "week_start": pa.repeat(pa.scalar(week_start, pa.date32()), n),
            "akims": [list(r.akims) for r in results],
            "sentiment": [r.sentiment for r in results],
            "sentiment_score": [float(r.sentiment_score) for r in results],
            "sentiment_origin": ["source" if m.sentiment is not None else "classifier" for m in mentions],
            "author_type": [r.author_type for r in results],
            "official_reshare": [bool(r.official_reshare) for r in results],
            "lang": [r.lang for r in results],
            "classifier_backend": pa.repeat(pa.scalar(backend), n),
            "classifier_version": pa.repeat(pa.scalar(version), n),
            "evidence": [dumps(r.evidence) for r in results],
            "classified_at": pa.repeat(pa.scalar(now_utc(), pa.timestamp("us")), n),
            # the tone toward each akim in `akims`, same order (differs when a post names several)
            "akim_sentiments": [[label for _, label, _ in r.akim_tones] or None for r in results],
        },
        schema=CLASSIFIED_SCHEMA,
    )

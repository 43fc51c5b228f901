"""Measure the classifier's backends on labelled files (`akims eval`, `bench/eval_classifier.py`).

Evaluation files (`../shared/eval/`) are read, never fitted on. Reported per backend:
* gold dev mentions: akim attribution F1 (micro over mention-person pairs), tone macro-F1 on the
  posts about an akim, official-author F1, official-reshare F1;
* ru_tweets (general tweets, 3 classes) and kk_reviews (positive / negative; a neutral answer takes
  the sign of its score) macro-F1, every text classified as a mention through the whole pipeline;
* 5-fold cross-validation of the trained model on the training files (`../shared/train/`):
  RuSentNE PERSON targets (folds stratified by label, and folds that keep each sentence's rows
  together, the stricter figure) and KazSAnDRA.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from assets.records import Mention, validate
from assets.reference import Reference

TONE_LABELS = ("positive", "negative", "neutral")


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> tuple[float, dict[str, float]]:
    per: dict[str, float] = {}
    pairs = list(zip(gold, pred, strict=True))
    for lab in labels:
        tp = sum(1 for g, p in pairs if g == lab and p == lab)
        fp = sum(1 for g, p in pairs if g != lab and p == lab)
        fn = sum(1 for g, p in pairs if g == lab and p != lab)
        per[lab] = f1(tp, fp, fn)[2]
    return sum(per.values()) / len(labels), per


@dataclass
class Figure:
    name: str
    data: str
    value: float
    target: str = ""
    detail: str = ""


@dataclass
class BackendReport:
    backend: str
    figures: list[Figure] = field(default_factory=list)

    def add(self, name: str, data: str, value: float, target: str = "", detail: str = "") -> None:
        self.figures.append(Figure(name, data, value, target, detail))


def load_gold(path: Path) -> tuple[list[Mention], list[dict]]:
    mentions, rows = [], []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            m = validate(row)
            if not isinstance(m, Mention):
                raise ValueError(f"{path}: invalid gold row {row.get('id')}: {m.reason}")
            mentions.append(m)
            rows.append(row)
    return mentions, rows


def _classify(mentions: Sequence[Mention], reference: Reference, backend: str):
    from assets.classification import classify_records

    return classify_records(mentions, reference, backend=backend)


def eval_gold(path: Path, reference: Reference, backend: str, report: BackendReport) -> None:
    mentions, rows = load_gold(path)
    preds = _classify(mentions, reference, backend)
    tp = fp = fn = 0
    for row, c in zip(rows, preds, strict=True):
        g, p = set(row["gold_akims"]), set(c.akims)
        tp, fp, fn = tp + len(g & p), fp + len(p - g), fn + len(g - p)
    report.add("akim attribution F1", f"gold dev, {len(rows)} posts", f1(tp, fp, fn)[2], "≥ 0.95")
    about = [(r["gold_sentiment"], c.sentiment) for r, c in zip(rows, preds, strict=True) if r["gold_akims"]]
    value, per = macro_f1([g for g, _ in about], [p for _, p in about], TONE_LABELS)
    detail = ", ".join(f"{k} {v:.3f}" for k, v in per.items())
    report.add("tone macro-F1, posts about an akim", f"gold dev, {len(about)} posts", value, "≥ 0.85", detail)
    for name, gold_of, pred_of in (
        ("official author F1", lambda r: r["gold_author_type"] == "official", lambda c: c.author_type == "official"),
        ("official reshare F1", lambda r: bool(r["gold_official_reshare"]), lambda c: bool(c.official_reshare)),
    ):
        pairs = [(gold_of(r), pred_of(c)) for r, c in zip(rows, preds, strict=True)]
        tp = sum(1 for g, p in pairs if g and p)
        fp = sum(1 for g, p in pairs if not g and p)
        fn = sum(1 for g, p in pairs if g and not p)
        report.add(name, f"gold dev, {len(rows)} posts", f1(tp, fp, fn)[2])


def _text_mention(n: int, text: str) -> Mention | None:
    """A text as a mention of an ordinary user (no akim context), so the whole pipeline runs;
    None when the text breaks the mention contract."""
    m = validate(
        {
            "id": f"eval-{n}",
            "platform": "other",
            "published_at": "2019-03-01T12:00:00+06:00",
            "author_id": f"eval-user-{n}",
            "text": text,
        }
    )
    return m if isinstance(m, Mention) else None


def eval_labelled_texts(
    path: Path, reference: Reference, backend: str, report: BackendReport, labels: Sequence[str], target: str
) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        read = list(csv.DictReader(handle))
    pairs = [(r, _text_mention(n, r["text"])) for n, r in enumerate(read)]
    rows = [r for r, m in pairs if m is not None]
    preds = _classify([m for _, m in pairs if m is not None], reference, backend)
    gold = [r["label"] for r in rows]
    if len(labels) == 2:  # a neutral answer takes the sign of its score
        pred = [
            c.sentiment if c.sentiment != "neutral" else ("negative" if c.sentiment_score < 0 else "positive")
            for c in preds
        ]
    else:
        pred = [c.sentiment for c in preds]
    value, per = macro_f1(gold, pred, labels)
    detail = ", ".join(f"{k} {v:.3f}" for k, v in per.items())
    skipped = len(read) - len(rows)
    data = f"{path.name}, {len(rows)} texts" + (
        f" ({skipped} breaking the mention contract left out)" if skipped else ""
    )
    report.add(f"tone macro-F1, {len(labels)} classes", data, value, target, detail)


def eval_speed(path: Path, reference: Reference, backend: str, report: BackendReport, repeat: int = 20) -> None:
    """Mentions per CPU second of a fresh classifier (first pass) on the gold posts repeated."""
    from assets.classification.classifier import _classifier_for

    mentions, _ = load_gold(path)
    batch = [
        Mention(**{**m.__dict__, "id": f"{m.id}-{k}", "reshare_of": m.reshare_of and f"{m.reshare_of}-{k}"})
        for k in range(repeat)
        for m in mentions
    ]
    classifier = _classifier_for(reference, backend)
    start = time.process_time()
    classifier.classify(batch)
    report.add(
        "throughput, mentions per CPU second", f"gold dev × {repeat}", len(batch) / (time.process_time() - start)
    )


def cross_validation(train_dir: Path, report: BackendReport, seed: int, progress: Callable[[str], None]) -> None:
    """5-fold cross-validation of the trained model's recipe on the training files."""
    from assets.classification.tone_model import LABELS, ModelCard
    from assets.classification.tone_training import (
        KAZSANDRA,
        RUSENTNE,
        TrainSettings,
        cross_validate,
        kazsandra_examples,
        rusentne_examples,
        sample,
    )

    settings = TrainSettings(seed=seed)
    card = ModelCard("cv", "cv", settings.neutral_margin, settings.lexicon_stands_at)
    ru = rusentne_examples(train_dir / RUSENTNE)
    person = [i for i, r in enumerate(ru) if r.kind == "PERSON"]
    for by_group, how in ((False, "folds stratified by label"), (True, "each sentence's rows in one fold")):
        for decided, what in ((None, "the model alone"), (card, "the default backend's decision (rules + model)")):
            progress(f"cross-validation on RuSentNE ({how}; {what})")
            pred = cross_validate(
                ru, settings.ru_features, LABELS, settings.ru_c, settings.min_df, seed, 5, by_group, decided
            )
            gold = [ru[i].label for i in person]
            got = [pred[i] for i in person]
            value, per = macro_f1(gold, got, TONE_LABELS)
            pn, _ = macro_f1(gold, got, ("positive", "negative"))
            detail = ", ".join(f"{k} {v:.3f}" for k, v in per.items()) + f"; positive/negative macro-F1 {pn:.3f}"
            report.add(
                f"tone macro-F1, 5-fold CV, PERSON targets, {what}",
                f"RuSentNE train, {len(person)} rows, {how}",
                value,
                "≥ 0.62",
                detail,
            )
    progress("cross-validation on KazSAnDRA (10,000-row seeded sample)")
    kk = sample(kazsandra_examples(train_dir / KAZSANDRA), 10_000, seed)
    pred = cross_validate(kk, settings.kk_features, ("negative", "positive"), settings.kk_c, settings.min_df, seed, 5)
    value, _ = macro_f1([r.label for r in kk], pred, ("positive", "negative"))
    report.add("polarity macro-F1, 5-fold CV", f"KazSAnDRA train, {len(kk)}-row sample", value)


def evaluate(
    backends: Sequence[str],
    eval_dir: Path,
    train_dir: Path | None,
    reference: Reference,
    seed: int = 20261204,
    progress: Callable[[str], None] = lambda _: None,
) -> list[BackendReport]:
    out = []
    gold = eval_dir / "gold_mentions_dev.jsonl"
    tweets = eval_dir / "ru_tweets_train.csv"
    reviews = eval_dir / "kk_reviews_polarity_dev.csv"
    for backend in backends:
        report = BackendReport(backend)
        progress(f"{backend}: gold dev mentions")
        if gold.is_file():
            eval_gold(gold, reference, backend, report)
        if tweets.is_file():
            progress(f"{backend}: ru_tweets")
            eval_labelled_texts(tweets, reference, backend, report, TONE_LABELS, "≥ 0.63")
        if reviews.is_file():
            progress(f"{backend}: kk_reviews")
            eval_labelled_texts(reviews, reference, backend, report, ("positive", "negative"), "≥ 0.80")
        if gold.is_file():
            eval_speed(gold, reference, backend, report)
        out.append(report)
    if train_dir is not None:
        cv = BackendReport("trained model recipe (cross-validation)")
        cross_validation(train_dir, cv, seed, progress)
        out.append(cv)
    return out


def render(reports: Sequence[BackendReport], commit: str) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"# Classifier evaluation ({when}, commit {commit})", ""]
    for report in reports:
        lines += [f"## {report.backend}", "", "| measure | data | result | target | detail |", "|---|---|---|---|---|"]
        for f_ in report.figures:
            value = f"{f_.value:,.0f}" if f_.value > 10 else f"{f_.value:.3f}"
            lines.append(f"| {f_.name} | {f_.data} | {value} | {f_.target} | {f_.detail} |")
        lines.append("")
    return "\n".join(lines)

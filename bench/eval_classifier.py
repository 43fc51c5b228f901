"""Measure the embedded classifier against the labelled evaluation files.

    python bench/eval_classifier.py [--gold PATH] [--ru-tweets PATH] [--kk-reviews PATH] [-o report.md]

Defaults: ../shared/eval/* relative to the repository root. Nothing here is fitted on the files.

Reported:
* akim attribution: micro precision/recall/F1 over (mention, person_id) pairs;
* tone on gold: macro-F1 over positive/negative/neutral, primarily on rows whose gold_akims is
  non-empty (tone *toward an akim* is what the rating uses); all rows are reported too;
* author type: F1 of the class `official` (plus the 3-class confusion matrix);
* official reshare: F1 of the class True;
* language: accuracy on rows whose gold_lang is ru or kk (the output has no "mixed"; gold
  "mixed" rows are shown as a distribution of predictions instead);
* ru_tweets (3 classes) and kk_reviews (positive/negative; a neutral prediction takes the sign of
  its score, 0 counting as positive) — macro-F1 of the tone model alone;
* throughput: mentions/s of the whole batch classifier on the gold rows repeated.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assets.classification import EmbeddedClassifier  # noqa: E402
from assets.classification.tone import score_tone  # noqa: E402
from assets.records import Mention, validate  # noqa: E402
from assets.reference import load_reference  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> tuple[float, dict[str, float]]:
    per = {}
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p == lab)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != lab and p == lab)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p != lab)
        per[lab] = prf(tp, fp, fn)[2]
    return sum(per.values()) / len(labels), per


def confusion(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> str:
    counts = Counter(zip(gold, pred, strict=True))
    head = "| gold \\ pred | " + " | ".join(labels) + " |"
    sep = "|---" * (len(labels) + 1) + "|"
    rows = [f"| {g} | " + " | ".join(str(counts[(g, p)]) for p in labels) + " |" for g in labels]
    return "\n".join([head, sep, *rows])


def load_gold(path: Path) -> tuple[list[Mention], list[dict]]:
    mentions, rows = [], []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            m = validate(row)
            if not isinstance(m, Mention):
                raise SystemExit(f"{path}: invalid gold row {row.get('id')}: {m.reason}")
            mentions.append(m)
            rows.append(row)
    return mentions, rows


def eval_gold(path: Path, out: list[str]) -> dict[str, float]:
    mentions, rows = load_gold(path)
    clf = EmbeddedClassifier(load_reference())
    preds = clf.classify(mentions)
    res: dict[str, float] = {}
    tp = fp = fn = 0
    for row, c in zip(rows, preds, strict=True):
        g, p = set(row["gold_akims"]), set(c.akims)
        tp, fp, fn = tp + len(g & p), fp + len(p - g), fn + len(g - p)
    p_, r_, f_ = prf(tp, fp, fn)
    res["attribution_f1"] = f_
    out.append(f"## Gold mentions ({len(rows)} rows, {path.name})\n")
    out.append(f"Akim attribution (micro over pairs): P {p_:.3f} R {r_:.3f} **F1 {f_:.3f}** (target 0.95)\n")
    labels = ["positive", "negative", "neutral"]
    with_akims = [(r["gold_sentiment"], c.sentiment) for r, c in zip(rows, preds, strict=True) if r["gold_akims"]]
    g1, p1 = zip(*with_akims, strict=True)
    f_akim, per = macro_f1(g1, p1, labels)
    f_all, _ = macro_f1([r["gold_sentiment"] for r in rows], [c.sentiment for c in preds], labels)
    res["tone_macro_f1"] = f_akim
    res["tone_macro_f1_all_rows"] = f_all
    out.append(
        f"Tone macro-F1, rows with gold akims ({len(g1)}): **{f_akim:.3f}** (target 0.80); "
        f"per class {', '.join(f'{k} {v:.3f}' for k, v in per.items())}; all rows: {f_all:.3f}\n"
    )
    out.append(confusion(g1, p1, labels) + "\n")
    ga = [r["gold_author_type"] for r in rows]
    pa = [c.author_type for c in preds]
    otp = sum(1 for g, p in zip(ga, pa, strict=True) if g == p == "official")
    ofp = sum(1 for g, p in zip(ga, pa, strict=True) if g != "official" and p == "official")
    ofn = sum(1 for g, p in zip(ga, pa, strict=True) if g == "official" and p != "official")
    op, orr, of = prf(otp, ofp, ofn)
    res["official_author_f1"] = of
    out.append(f"Official author: P {op:.3f} R {orr:.3f} **F1 {of:.3f}** (target 0.95)\n")
    out.append(confusion(ga, pa, ["official", "media", "person"]) + "\n")
    gr = [bool(r["gold_official_reshare"]) for r in rows]
    pr = [c.official_reshare for c in preds]
    rtp = sum(1 for g, p in zip(gr, pr, strict=True) if g and p)
    rfp = sum(1 for g, p in zip(gr, pr, strict=True) if not g and p)
    rfn = sum(1 for g, p in zip(gr, pr, strict=True) if g and not p)
    rp, rr, rf = prf(rtp, rfp, rfn)
    res["official_reshare_f1"] = rf
    out.append(f"Official reshare: P {rp:.3f} R {rr:.3f} **F1 {rf:.3f}** (target 0.90)\n")
    gl = [(r["gold_lang"], c.lang) for r, c in zip(rows, preds, strict=True)]
    clean = [(g, p) for g, p in gl if g in ("ru", "kk")]
    acc = sum(1 for g, p in clean if g == p) / len(clean)
    res["lang_accuracy"] = acc
    mixed = Counter(p for g, p in gl if g not in ("ru", "kk"))
    out.append(
        f"Language accuracy on ru/kk rows ({len(clean)}): **{acc:.3f}**; gold 'mixed' rows predicted as {dict(mixed)}\n"
    )
    out.append(confusion([g for g, _ in clean], [p for _, p in clean], ["ru", "kk", "other"]) + "\n")
    # throughput: the whole batch pipeline on the gold rows repeated with fresh ids
    batch = []
    for k in range(40):
        for m in mentions:
            batch.append(
                Mention(**{**m.__dict__, "id": f"{m.id}-{k}", "reshare_of": m.reshare_of and f"{m.reshare_of}-{k}"})
            )
    fresh = EmbeddedClassifier(load_reference())
    start = time.process_time()
    fresh.classify(batch)
    warm_cold = time.process_time() - start
    start = time.process_time()
    fresh.classify(batch)
    warm = time.process_time() - start
    res["throughput_cold"] = len(batch) / warm_cold
    res["throughput"] = len(batch) / warm
    out.append(
        f"Throughput ({len(batch)} mentions, one core, per CPU second): "
        f"{res['throughput']:,.0f} mentions/s warm caches, "
        f"{res['throughput_cold']:,.0f} mentions/s first pass (target 20,000)\n"
    )
    return res


def eval_ru_tweets(path: Path, out: list[str]) -> float:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    gold = [r["label"] for r in rows]
    pred = [score_tone(r["text"]).label for r in rows]
    labels = ["positive", "negative", "neutral"]
    f, per = macro_f1(gold, pred, labels)
    out.append(f"## ru_tweets ({len(rows)} rows)\n")
    out.append(
        f"Tone macro-F1: **{f:.3f}** (target 0.60); per class {', '.join(f'{k} {v:.3f}' for k, v in per.items())}\n"
    )
    out.append(confusion(gold, pred, labels) + "\n")
    return f


def eval_kk_reviews(path: Path, out: list[str]) -> float:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    gold = [r["label"] for r in rows]
    pred = []
    for r in rows:
        t = score_tone(r["text"])
        pred.append(t.label if t.label != "neutral" else ("negative" if t.score < 0 else "positive"))
    labels = ["positive", "negative"]
    f, per = macro_f1(gold, pred, labels)
    out.append(f"## kk_reviews ({len(rows)} rows)\n")
    out.append(
        f"Tone macro-F1 (binary): **{f:.3f}** (target 0.75); "
        f"per class {', '.join(f'{k} {v:.3f}' for k, v in per.items())}\n"
    )
    out.append(confusion(gold, pred, labels) + "\n")
    return f


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=EVAL / "gold_mentions_dev.jsonl")
    ap.add_argument("--ru-tweets", type=Path, default=EVAL / "ru_tweets_train.csv")
    ap.add_argument("--kk-reviews", type=Path, default=EVAL / "kk_reviews_polarity_dev.csv")
    ap.add_argument("-o", "--output", type=Path, help="also write the report (Markdown) here")
    args = ap.parse_args(argv)
    out: list[str] = ["# Embedded classifier evaluation\n"]
    if args.gold.exists():
        eval_gold(args.gold, out)
    else:
        out.append(f"(gold file {args.gold} not found)\n")
    if args.ru_tweets.exists():
        eval_ru_tweets(args.ru_tweets, out)
    if args.kk_reviews.exists():
        eval_kk_reviews(args.kk_reviews, out)
    report = "\n".join(out)
    print(report)
    if args.output:
        args.output.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

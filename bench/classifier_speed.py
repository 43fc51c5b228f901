"""Throughput of the embedded classifier on the demo's texts, one core, beside natasha's NER.

    python bench/classifier_speed.py [--mentions N] [--natasha-sample N] [--repeat N] [--profile OUT.prof]

The texts are the embedded demo's (`akims_demo.generator.generate_mentions`, 2019-H1 scaled to
`--mentions`). Reported, in mentions per CPU second of this one process (one core; CPU time,
not wall time, so other programs sharing the machine do not skew it):

* cold: a freshly built `EmbeddedClassifier` classifying the whole batch once (its per-word
  caches start empty, as in `akims demo`), best of `--repeat` fresh builds;
* warm: the same classifier classifying the batch again (caches filled);
* natasha: name-finding alone with natasha's `NewsNERTagger` (segmenter + slovnet NER, the
  usual Russian NER) over a sample of the same texts, for comparison; natasha is a bench-only
  dependency (`pip install natasha`), skipped with a note when it is not installed.
"""

from __future__ import annotations

import argparse
import cProfile
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from akims_demo.generator import DemoConfig, generate_mentions  # noqa: E402
from assets.classification import TONE_BACKENDS, EmbeddedClassifier  # noqa: E402
from assets.records import Mention, validate  # noqa: E402
from assets.reference import Reference, load_reference  # noqa: E402


@dataclass(frozen=True)
class Speed:
    what: str
    items: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.items / self.seconds if self.seconds else float("inf")

    def line(self) -> str:
        return f"| {self.what} | {self.items:,} | {self.seconds:.2f} | {self.per_second:,.0f} |"


def demo_mentions(count: int, reference: Reference) -> list[Mention]:
    config = DemoConfig(mentions_per_half_year=count)
    out = []
    for row in generate_mentions(config, reference):
        m = validate(row)
        if isinstance(m, Mention):
            out.append(m)
    return out


def time_embedded(
    mentions: list[Mention], reference: Reference, repeat: int, backend: str = "embedded"
) -> tuple[Speed, Speed]:
    """The default backend (the trained tone model) or "lexicon" (the rules alone)."""
    cold = []
    factory = TONE_BACKENDS[backend]
    clf = EmbeddedClassifier(reference, tone_model=factory())
    for _ in range(repeat):
        clf = EmbeddedClassifier(reference, tone_model=factory())
        start = time.process_time()
        clf.classify(mentions)
        cold.append(time.process_time() - start)
    start = time.process_time()
    clf.classify(mentions)
    warm = time.process_time() - start
    return (
        Speed(f"{backend} backend, first pass (fresh caches)", len(mentions), min(cold)),
        Speed(f"{backend} backend, warm caches", len(mentions), warm),
    )


def time_natasha(texts: Sequence[str]) -> Speed | str:
    try:
        from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter
    except ImportError:
        return "natasha is not installed (`pip install natasha`): comparison skipped"
    segmenter = Segmenter()
    tagger = NewsNERTagger(NewsEmbedding())
    start = time.process_time()
    found = 0
    for text in texts:
        doc = Doc(text)
        doc.segment(segmenter)
        doc.tag_ner(tagger)
        found += sum(1 for span in doc.spans if span.type == "PER")
    seconds = time.process_time() - start
    return Speed(f"natasha NewsNERTagger, person names only ({found:,} PER spans)", len(texts), seconds)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mentions", type=int, default=50_000, help="demo mentions per half-year (default 50,000)")
    ap.add_argument("--natasha-sample", type=int, default=1_000, help="texts for the natasha comparison; 0 skips it")
    ap.add_argument("--repeat", type=int, default=3, help="fresh classifiers timed; the best is reported")
    ap.add_argument("--profile", type=Path, help="write a cProfile of one cold pass here (pstats format)")
    args = ap.parse_args(argv)
    if args.mentions <= 0 or args.repeat <= 0 or args.natasha_sample < 0:
        ap.error("--mentions and --repeat must be positive, --natasha-sample not negative")
    reference = load_reference()
    mentions = demo_mentions(args.mentions, reference)
    if args.profile:
        prof = cProfile.Profile(time.process_time)
        prof.runcall(EmbeddedClassifier(reference, tone_model=TONE_BACKENDS["embedded"]()).classify, mentions)
        prof.dump_stats(args.profile)
    rows = []
    for backend in ("embedded", "lexicon"):
        rows.extend(time_embedded(mentions, reference, args.repeat, backend))
    note = ""
    if args.natasha_sample:
        nat = time_natasha([m.text for m in mentions[: args.natasha_sample]])
        if isinstance(nat, Speed):
            rows.append(nat)
        else:
            note = nat
    print(f"# Classifier throughput on the demo's texts (one core, {len(mentions):,} mentions)\n")
    print("| what | items | CPU seconds | per CPU second |")
    print("|---|---:|---:|---:|")
    for r in rows:
        print(r.line())
    if note:
        print(f"\n{note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

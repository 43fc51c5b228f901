"""Measure the classifier's backends against the labelled evaluation files (same as `akims eval`).

    python bench/eval_classifier.py [--backend embedded --backend lexicon] [--no-cv] [-o report.md]

Defaults: ../shared/eval/* and ../shared/train/* relative to the repository root. Nothing is
fitted on the evaluation files; the cross-validation refits the tone model's recipe on the
training files only. The measures are described in `assets/classification/evaluation.py`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from orchestration.cli import main as akims  # noqa: E402


def main(argv: Sequence[str] | None = None) -> int:
    return akims(["eval", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    raise SystemExit(main())

"""The model card (README.md of the model folder, Hugging Face format) written by `akims train-tone`."""

from __future__ import annotations

from collections.abc import Mapping

from assets.classification.tone_model import Head

# Measured by `akims eval` (docs/classification.md has the full table, the date and the commit).
# Figures on the project's own dev file are marked so: they are not independent of the rules.
MEASURED = """\
Measured by `akims eval` on 2026-12-05 (commit 3059a70; full tables in the project's
docs/classification.md). Macro-F1 over positive / negative / neutral unless said otherwise.

| data | this model (with the rules) | model alone | lexicon rules |
|---|---|---|---|
| RuSentNE-2023 train, 5-fold CV, PERSON targets | 0.574 | 0.581 | 0.415 |
| the same, a sentence's rows in one fold | 0.506 | 0.511 | 0.415 |
| project's own dev posts about akims (written there) | 0.783 | — | 0.857 |
| KazSAnDRA train, 5-fold CV (positive / negative) | — | 0.805 | — |

The rules decide texts that name no akim (general tweets 0.623, Kazakh reviews 0.758).
"""


def model_card(heads: Mapping[str, Head], settings: object) -> str:
    sizes = ", ".join(f"{name}: {len(h.index):,} features, classes {'/'.join(h.classes)}" for name, h in heads.items())
    seed = getattr(settings, "seed", "")
    subset = getattr(settings, "subset", None)
    trained_on = "a seeded subset of" if subset else "the whole of"
    return f"""---
license: mit
language:
- ru
- kk
library_name: numpy
pipeline_tag: text-classification
tags:
- sentiment
- targeted-sentiment
- akims
datasets:
- RuSentNE-2023
- KazSAnDRA
---

# akims-tone: tone toward the akim a post names

A small linear model that tells whether a social-media post or news sentence is positive,
negative or neutral **toward the person it names** (an akim, a regional governor of
Kazakhstan), not about the text in general. It ships with the open-source warehouse
"Акимы в соцсетях" and is its default tone model; the project loads it through
`huggingface_hub`, from this folder or from a Hub repository at a pinned revision.

## How it works

* The words that name the target person (found by the project's attribution step) are replaced
  by one marker, so the name itself is never evidence and the same sentence gets different tones
  for different people in it ("X thanked Y": positive for Y, not for X).
* Features: character 2–5-grams of each word (tf-idf, sublinear, l2-normalised), the two words on
  each side of the marker by side and distance, and the project's hand-written lexicon score
  (three numbers) — the model learns how far to trust the lexicon.
* Two heads: `ru` (three classes, trained on RuSentNE-2023) and `kk` (positive/negative, trained
  on KazSAnDRA; neutral when the lexicon finds no tone and the head's margin is below
  `neutral_margin` in config.json). Official posts and texts with the lexicon's sarcasm cues keep
  the lexicon rules (measured better there).
* Sizes: {sizes}.
* Inference is numpy only: a few tens of microseconds per distinct text on one CPU core.

## Training data, licences and credits

* **RuSentNE-2023** training split: Russian news sentences with the tone toward a marked
  entity (Golubev, Rusnachenko, Loukachevitch, *RuSentNE-2023: Evaluating Entity-Oriented
  Sentiment Analysis on Russian News Texts*, Dialogue 2023, arXiv:2305.17679). MIT licence.
* **KazSAnDRA** polarity training split: Kazakh app, market, map and shop reviews (Yeshpanov
  and Varol, *KazSAnDRA: Kazakh Sentiment Analysis Dataset of Reviews and Attitudes*, LREC-COLING
  2024). CC BY 4.0.

Trained on {trained_on} both files with seed {seed} by `akims train-tone` (script:
`assets/classification/tone_training.py`); the same command on the same files rebuilds
`model.safetensors`, `vocab.txt` and `config.json` bit for bit. No evaluation file was used
for fitting or for choosing settings beyond the training files' own cross-validation.

## Metrics

{MEASURED}
## Intended use

Weekly counts of positive and negative posts per akim in a published rating, where a few
per cent of errors average out over hundreds of posts. Use it with the project's attribution
(it needs to know where the akim is named).

## Limits

* Trained on news sentences (Russian) and product reviews (Kazakh), not on social-media
  comments about officials: irony, slang and Kazakh–Russian code-switching are weak spots.
* About one Russian news sentence in two or three that a person would call positive or
  negative toward the person is still read as neutral or the opposite (see the metrics).
* A linear bag of character n-grams: it does not parse who did what to whom beyond the two
  words next to the name.
* Do not use it to judge a single post about a person; use it for aggregate counts.
"""

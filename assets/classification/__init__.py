"""Offline ("embedded") classification of mentions: akims, tone, author type, reshares, language.

    from assets.classification import classify_records
    results = classify_records(mentions, load_reference())

`EmbeddedClassifier` runs everything with hand-written rules and lexicons (no model files).
A second backend can replace only the tone step: register a `ToneModel` factory in
`TONE_BACKENDS` (e.g. "transformers" -> TransformersToneModel); everything else is shared.
"""

from assets.classification.classifier import (
    CLASSIFIER_VERSION,
    TONE_BACKENDS,
    Classification,
    EmbeddedClassifier,
    LexiconToneModel,
    ToneModel,
    TrainedToneModel,
    classifier_version,
    classify_records,
    official_texts,
)

__all__ = [
    "CLASSIFIER_VERSION",
    "TONE_BACKENDS",
    "Classification",
    "EmbeddedClassifier",
    "LexiconToneModel",
    "ToneModel",
    "TrainedToneModel",
    "classifier_version",
    "classify_records",
    "official_texts",
]

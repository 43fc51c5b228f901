"""Training of the shipped tone model (`akims train-tone`), reproducible bit for bit.

Reads the training files named in `../shared/train/README.md` (never the evaluation files):
* RuSentNE-2023 training split (`rusentne_train.tsv`, MIT): Russian news sentences, the tone
  toward one marked entity (1 / 0 / -1) -> the "ru" head, three classes, target-aware;
* KazSAnDRA polarity training split (`kk_reviews_polarity_train.csv`, CC BY 4.0): Kazakh
  reviews, positive / negative -> the "kk" head.

Everything is deterministic: rows are read in file order, subsets drawn with a seeded
generator, the vocabulary sorted, the solver (scikit-learn's lbfgs) run single-threaded, and
the weights rounded to float32 before they are written. scikit-learn is needed only here
(`pip install '.[train]'`); inference (`tone_model.py`) needs numpy alone.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from assets.classification.text import fold, tokens
from assets.classification.tone import Tone, score_features, token_tone
from assets.classification.tone_model import (
    CONFIG_FILE,
    LABELS,
    MARKER,
    MODEL_TYPE,
    N_DENSE,
    VOCAB_FILE,
    WEIGHTS_FILE,
    FeatureSpec,
    Head,
    ModelCard,
    ToneQuery,
    TrainedTone,
    _escape,
    dense_features,
    text_tokens,
    trained_tones,
)

RUSENTNE = "rusentne_train.tsv"
KAZSANDRA = "kk_reviews_polarity_train.csv"
_RU_LABELS = {"-1": "negative", "0": "neutral", "1": "positive"}


@dataclass(frozen=True)
class Example:
    """One training row as the model sees it."""

    toks: tuple[str, ...]  # with MARKER where the target entity is named
    dense: tuple[float, ...]  # the lexicon's answer and its local reading (`dense_features`)
    label: str
    group: str = ""  # rows of the same sentence share a group (cross-validation keeps them together)
    kind: str = ""  # RuSentNE entity type (PERSON, ORGANIZATION, ...)
    lexicon: Tone | None = None  # the lexicon's answer over the whole text (for the full decision)


@dataclass(frozen=True)
class TrainSettings:
    seed: int = 20261204
    ru_c: float = 1.0
    kk_c: float = 1.0
    min_df: int = 2
    ru_features: FeatureSpec = field(default_factory=lambda: FeatureSpec(2, 5, 3, True))
    kk_features: FeatureSpec = field(default_factory=lambda: FeatureSpec(2, 5, 0))
    neutral_margin: float = 0.3
    lexicon_stands_at: tuple[float, float] = (0.6, 0.25)  # (news-like text, personal post)
    subset: int | None = None  # rows per file (seeded sample), for quick reproducibility checks


class TrainingDataError(ValueError):
    """A training file is missing or not in the expected format."""


def _dense(
    toks: Sequence[str], targets: frozenset[int] | None, marked: Sequence[str]
) -> tuple[tuple[float, ...], Tone]:
    """The dense features as inference computes them: the lexicon over the whole text (targets
    weighted), its local reading next to the marker in `marked`; and the lexicon's answer."""
    tone = score_features([token_tone(t) for t in toks], targets, False)
    return tuple(dense_features(marked, tone)), tone


def rusentne_examples(path: Path) -> list[Example]:
    """RuSentNE rows: the sentence's tokens with the entity span as MARKER, its tone label."""
    if not path.is_file():
        raise TrainingDataError(f"training file {path} not found")
    out: list[Example] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        need = {"sentence", "entity_tag", "entity_pos_start_rel", "entity_pos_end_rel", "label"}
        if not need <= set(reader.fieldnames or ()):
            raise TrainingDataError(f"{path}: expected the columns {sorted(need)}")
        for row in reader:
            s = row["sentence"]
            start, end = int(row["entity_pos_start_rel"]), int(row["entity_pos_end_rel"])
            left, entity, right = tokens(fold(s[:start])), tokens(fold(s[start:end])), tokens(fold(s[end:]))
            full = [*left, *entity, *right]
            targets = frozenset(range(len(left), len(left) + len(entity)))
            toks = (*left, MARKER, *right)
            dense, lexicon = _dense(full, targets, toks)
            out.append(Example(toks, dense, _RU_LABELS[row["label"].strip()], s, row["entity_tag"], lexicon))
    return out


def kazsandra_examples(path: Path) -> list[Example]:
    if not path.is_file():
        raise TrainingDataError(f"training file {path} not found")
    out: list[Example] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if not {"text", "label"} <= set(reader.fieldnames or ()):
            raise TrainingDataError(f"{path}: expected the columns text, label")
        for row in reader:
            toks = text_tokens(row["text"])
            dense, lexicon = _dense(toks, None, toks)
            out.append(Example(tuple(toks), dense, row["label"].strip(), row.get("id", ""), "", lexicon))
    return out


def sample(rows: Sequence[Example], size: int | None, seed: int) -> list[Example]:
    """A seeded sample in file order (all rows when size is None)."""
    if size is None or size >= len(rows):
        return list(rows)
    keep = sorted(random.Random(seed).sample(range(len(rows)), size))
    return [rows[n] for n in keep]


def build_vocabulary(spec: FeatureSpec, rows: Sequence[Example], min_df: int) -> tuple[list[str], np.ndarray]:
    """Terms in at least `min_df` rows, sorted; smoothed idf as scikit-learn computes it."""
    df: Counter[str] = Counter()
    for r in rows:
        df.update(set(spec.terms(r.toks)))
    vocab = sorted(t for t, c in df.items() if c >= min_df)
    n = len(rows)
    idf = np.array([np.log((1 + n) / (1 + df[t])) + 1.0 for t in vocab], dtype=np.float64)
    return vocab, idf


def design_matrix(head: Head, rows: Sequence[Example]):  # -> scipy.sparse.csr_matrix
    """The rows' features exactly as inference computes them (`Head.vector`) plus the dense ones."""
    from scipy.sparse import csr_matrix

    width = len(head.idf)
    indptr, indices, data = [0], [], []
    for r in rows:
        ids, values = head.vector(r.toks)
        order = np.argsort(ids, kind="stable")
        indices.extend(ids[order].tolist())
        data.extend(values[order].tolist())
        indices.extend(range(width, width + N_DENSE))
        data.extend(r.dense)
        indptr.append(len(indices))
    return csr_matrix((np.array(data), np.array(indices), np.array(indptr)), shape=(len(rows), width + N_DENSE))


def fit_head(
    name: str, spec: FeatureSpec, rows: Sequence[Example], classes: Sequence[str], c: float, min_df: int, seed: int
) -> Head:
    """Vocabulary, idf and a class-balanced multinomial logistic regression, deterministic."""
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    vocab, idf = build_vocabulary(spec, rows, min_df)
    blank = Head(
        name, spec, vocab, idf, np.zeros((len(vocab) + N_DENSE, len(classes))), np.zeros(len(classes)), classes
    )
    x = design_matrix(blank, rows)
    y = np.array([classes.index(r.label) for r in rows])
    with threadpool_limits(1):
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=seed)
        model.fit(x, y)
    coef = model.coef_
    intercept = model.intercept_
    if len(classes) == 2:  # binary: scikit-learn keeps one row; as two logits (-z/2, z/2)
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    weights = coef.T.astype(np.float32).astype(np.float64)
    bias = intercept.astype(np.float32).astype(np.float64)
    return Head(name, spec, vocab, idf.astype(np.float32).astype(np.float64), weights, bias, classes)


def train(
    train_dir: Path, settings: TrainSettings, progress: Callable[[str], None] = lambda _: None
) -> dict[str, Head]:
    """Both heads from the training folder."""
    ru = sample(rusentne_examples(train_dir / RUSENTNE), settings.subset, settings.seed)
    progress(f"ru head: {len(ru)} RuSentNE rows")
    heads = {"ru": fit_head("ru", settings.ru_features, ru, LABELS, settings.ru_c, settings.min_df, settings.seed)}
    kk_path = train_dir / KAZSANDRA
    kk = sample(kazsandra_examples(kk_path), settings.subset, settings.seed)
    progress(f"kk head: {len(kk)} KazSAnDRA rows")
    heads["kk"] = fit_head(
        "kk", settings.kk_features, kk, ("negative", "positive"), settings.kk_c, settings.min_df, settings.seed
    )
    return heads


MODEL_NAME = "akims-tone"
MODEL_VERSION = "1.0"


def save_model(
    folder: Path,
    heads: dict[str, Head],
    settings: TrainSettings,
    card: str,
    name: str = MODEL_NAME,
    version: str = MODEL_VERSION,
) -> str:
    """Write the Hub-layout folder; returns the sha256 of the weights file."""
    from safetensors.numpy import save_file

    folder.mkdir(parents=True, exist_ok=True)
    vocab_lines: list[str] = []
    tensors: dict[str, np.ndarray] = {}
    config_heads = {}
    for head_name, head in heads.items():
        terms = sorted(head.index, key=head.index.__getitem__)
        start = len(vocab_lines)
        vocab_lines.extend(_escape(t) for t in terms)
        config_heads[head_name] = {
            "classes": list(head.classes),
            "features": asdict(head.spec),
            "vocab_range": [start, len(vocab_lines)],
        }
        tensors[f"{head_name}.weight"] = np.ascontiguousarray(head.weights, dtype=np.float32)
        tensors[f"{head_name}.bias"] = np.ascontiguousarray(head.bias, dtype=np.float32)
        tensors[f"{head_name}.idf"] = np.ascontiguousarray(head.idf, dtype=np.float32)
    config = {
        "model_type": MODEL_TYPE,
        "name": name,
        "version": version,
        "labels": list(LABELS),
        "neutral_margin": settings.neutral_margin,
        "lexicon_stands_at": list(settings.lexicon_stands_at),
        "heads": config_heads,
        "training": {
            "seed": settings.seed,
            "ru_c": settings.ru_c,
            "kk_c": settings.kk_c,
            "min_df": settings.min_df,
            "subset": settings.subset,
            "files": [RUSENTNE, KAZSANDRA],
        },
    }
    (folder / CONFIG_FILE).write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (folder / VOCAB_FILE).write_text("\n".join(vocab_lines), encoding="utf-8")
    save_file(tensors, str(folder / WEIGHTS_FILE), metadata={"format": "np"})
    (folder / "README.md").write_text(card, encoding="utf-8")
    return weights_checksum(folder)


def weights_checksum(folder: Path) -> str:
    """sha256 over the files that define the model's answers (weights, vocabulary, config)."""
    digest = hashlib.sha256()
    for name in (WEIGHTS_FILE, VOCAB_FILE, CONFIG_FILE):
        digest.update((Path(folder) / name).read_bytes())
    return digest.hexdigest()


def folds(rows: Sequence[Example], k: int, seed: int, by_group: bool) -> list[list[int]]:
    """k folds of row indices, seeded; with by_group, rows of one sentence stay in one fold
    (the stricter estimate: RuSentNE often labels several entities of one sentence)."""
    rng = random.Random(seed)
    if by_group:
        groups = sorted({r.group for r in rows})
        rng.shuffle(groups)
        fold_of = {g: n % k for n, g in enumerate(groups)}
        return [[i for i, r in enumerate(rows) if fold_of[r.group] == f] for f in range(k)]
    out: list[list[int]] = [[] for _ in range(k)]
    by_label: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        by_label.setdefault(r.label, []).append(i)
    for label in sorted(by_label):
        idx = by_label[label]
        rng.shuffle(idx)
        for n, i in enumerate(idx):
            out[n % k].append(i)
    return [sorted(f) for f in out]


def cross_validate(
    rows: Sequence[Example],
    spec: FeatureSpec,
    classes: Sequence[str],
    c: float,
    min_df: int,
    seed: int,
    k: int = 5,
    by_group: bool = False,
    card: ModelCard | None = None,
) -> list[str]:
    """Out-of-fold predicted labels for every row: the head's own answer, or with `card` the
    product's whole decision (`trained_tones`: the lexicon's rules, then the model)."""
    pred = [""] * len(rows)
    for held in folds(rows, k, seed, by_group):
        held_set = set(held)
        train_rows = [r for i, r in enumerate(rows) if i not in held_set]
        head = fit_head("ru", spec, train_rows, classes, c, min_df, seed)
        if card is None:
            probs = head.batch_probabilities([rows[i].toks for i in held], [rows[i].dense for i in held])
            for i, p in zip(held, probs, strict=True):
                pred[i] = head.classes[int(np.argmax(p))]
            continue
        model = TrainedTone(card, {"ru": head})
        queries = []
        for i in held:
            r = rows[i]
            lexicon = r.lexicon or Tone("neutral", 0.0, "")
            queries.append(ToneQuery(r.toks, [n for n, t in enumerate(r.toks) if t == MARKER], "ru", lexicon, False))
        for i, tone in zip(held, trained_tones(model, queries), strict=True):
            pred[i] = tone.label
    return pred

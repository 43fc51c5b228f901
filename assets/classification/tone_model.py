"""The trained, target-aware tone model: what a mention says about the akim it names.

A linear model over character n-grams of the text with the akim's words replaced by one marker
(so a name is never evidence, and the words around the akim are), the marker's neighbouring
words, and the lexicon's own score (`tone.py`) as features. Trained by `akims train-tone`
(`tone_training.py`) on RuSentNE-2023 (Russian news, tone toward a marked entity) and, for
Kazakh, on KazSAnDRA; the weights sit in a Hugging Face model-repository folder
(`config.json`, `model.safetensors`, `vocab.txt`, `README.md`) loaded through huggingface_hub,
from a local folder or a Hub repo id at a pinned revision, offline.

Inference is plain numpy: a text's features are looked up per word (cached), the logits are a
sparse dot product. The same `features()` code serves training and inference.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

from assets.classification.text import URL_RE, fold, tokens
from assets.classification.tone import NEGATORS, Tone, token_tone

MARKER = "\u27e8e\u27e9"  # ⟨e⟩: where the akim (the target entity) is named
LABELS = ("negative", "neutral", "positive")
WEIGHTS_FILE = "model.safetensors"
VOCAB_FILE = "vocab.txt"
CONFIG_FILE = "config.json"
MODEL_TYPE = "akims-linear-tone"
_WORD_CACHE_LIMIT = 500_000


TITLE_GAP = 2  # words between two target words that still belong to one name ("аким области Баталов")


def model_tokens(toks: Sequence[str], targets: Iterable[int] = ()) -> list[str]:
    """The tokens with each run of target tokens (the akim's name or title) replaced by one MARKER;
    up to TITLE_GAP plain words between two target words are part of the run ("аким ⟨области⟩
    Амандык Баталов" is one name, as RuSentNE marks one entity span)."""
    wanted = sorted(set(targets))
    inside: set[int] = set(wanted)
    for a, b in pairwise(wanted):
        gap = range(a + 1, b)
        if 0 < len(gap) <= TITLE_GAP and all(toks[g][:1].isalnum() for g in gap):
            inside.update(gap)
    out: list[str] = []
    for n, t in enumerate(toks):
        if n in inside:
            if not out or out[-1] != MARKER:
                out.append(MARKER)
        else:
            out.append(t)
    return out


def text_tokens(text: str) -> list[str]:
    """The tokens the model reads from a raw text: folded (lower case, ё→е), URLs dropped."""
    folded = fold(text)
    if "http" in folded or "www." in folded:
        folded = URL_RE.sub(" ", folded)
    return tokens(folded)


def span_tokens(text: str, start: int, end: int) -> list[str]:
    """The model's tokens of a sentence whose characters [start, end) name the target."""
    return [*text_tokens(text[:start]), MARKER, *text_tokens(text[end:])]


def char_ngrams(word: str, lo: int, hi: int) -> list[str]:
    """Character n-grams of one word padded with a space on each side (scikit-learn's char_wb)."""
    w = f" {word} "
    size = len(w)
    out: list[str] = []
    for n in range(lo, hi + 1):
        if size <= n:
            out.append(w)
            break
        out.extend([w[i : i + n] for i in range(size - n + 1)])
    return out


def context_terms(toks: Sequence[str], window: int) -> list[str]:
    """The words next to each marker, by side and distance ("<1 арестован", ">2 суд")."""
    out: list[str] = []
    for i, t in enumerate(toks):
        if t != MARKER:
            continue
        for d in range(1, window + 1):
            if i - d >= 0 and toks[i - d] != MARKER:
                out.append(f"<{d} {toks[i - d]}")
            if i + d < len(toks) and toks[i + d] != MARKER:
                out.append(f">{d} {toks[i + d]}")
    return out


CLAUSE_BREAKS = frozenset({",", ";", ":", ".", "!", "?", "…", "—", "–", "(", ")", "«", "»", '"', "а", "но", "однако"})


def clause_words(toks: Sequence[str]) -> list[str]:
    """The words of the clauses that hold a marker (between punctuation or "а"/"но" around it)."""
    out: list[str] = []
    for i, t in enumerate(toks):
        if t != MARKER:
            continue
        lo = i
        while lo > 0 and toks[lo - 1] not in CLAUSE_BREAKS and toks[lo - 1][:1] not in "!?":
            lo -= 1
        hi = i + 1
        while hi < len(toks) and toks[hi] not in CLAUSE_BREAKS and toks[hi][:1] not in "!?":
            hi += 1
        out.extend([w for w in toks[lo:hi] if w != MARKER])
    return out


@dataclass(frozen=True)
class FeatureSpec:
    """How a head turns tokens into features (saved in config.json)."""

    ngram_min: int = 2
    ngram_max: int = 5
    context_window: int = 2
    clause: bool = False  # also the n-grams of the words in the marker's clause, as their own features

    def terms(self, toks: Sequence[str]) -> list[str]:
        out: list[str] = []
        for t in toks:
            out.extend(char_ngrams(t, self.ngram_min, self.ngram_max))
        if self.context_window:
            out.extend(context_terms(toks, self.context_window))
        if self.clause:
            for w in clause_words(toks):
                out.extend(["~" + g for g in char_ngrams(w, self.ngram_min, self.ngram_max)])
        return out


LOCAL_REACH = 8  # tokens on each side of the marker read by the local lexicon
LOCAL_STOPS = frozenset({".", "!", "?", "…", ";", "а", "но", "однако", "зато", "бірақ", "алайда"})


def local_lexicon(toks: Sequence[str]) -> tuple[float, float]:
    """Positive and negative lexicon weight of the words next to the marker (up to LOCAL_REACH on
    each side, not across a sentence end or "а"/"но"), a negator flipping the next word; each
    capped at 3 and scaled to [0, 1]. What is said next to the akim's name is about the akim."""
    pos = neg = 0.0
    for i, t in enumerate(toks):
        if t != MARKER:
            continue
        for step in (-1, 1):
            j, seen = i + step, 0
            while 0 <= j < len(toks) and seen < LOCAL_REACH and toks[j] not in LOCAL_STOPS:
                w = token_tone(toks[j])[0] if toks[j] != MARKER else 0.0
                if w and j > 0 and toks[j - 1] in NEGATORS:
                    w = -w
                if w > 0:
                    pos += w
                else:
                    neg -= w
                j += step
                seen += 1
    return min(pos, 3.0) / 3.0, min(neg, 3.0) / 3.0


def dense_features(toks: Sequence[str], lexicon: Tone) -> list[float]:
    """The lexicon's answer (score, one-hot positive / negative) and its local reading near the marker."""
    local_pos, local_neg = local_lexicon(toks) if MARKER in toks else (0.0, 0.0)
    label = lexicon.label
    return [
        lexicon.score,
        1.0 if label == "positive" else 0.0,
        1.0 if label == "negative" else 0.0,
        local_pos,
        local_neg,
    ]


N_DENSE = 5


class Head:
    """One linear classifier: a vocabulary with idf weights, a weight matrix, class names."""

    def __init__(
        self,
        name: str,
        spec: FeatureSpec,
        vocab: Sequence[str],
        idf: np.ndarray,
        weights: np.ndarray,
        bias: np.ndarray,
        classes: Sequence[str],
    ) -> None:
        self.name, self.spec, self.classes = name, spec, tuple(classes)
        self.index = {term: n for n, term in enumerate(vocab)}
        self.idf = np.asarray(idf, dtype=np.float64)
        self.weights = np.asarray(weights, dtype=np.float64)  # (len(vocab) + N_DENSE, classes)
        self.bias = np.asarray(bias, dtype=np.float64)
        self._words: dict[str, list[int]] = {}
        self._clause: dict[str, list[int]] = {}

    def _ids(self, toks: Sequence[str]) -> list[int]:
        """Vocabulary ids of the text's terms (with repeats); per-word n-grams cached."""
        index, cache, spec = self.index, self._words, self.spec
        ids: list[int] = []
        for t in toks:
            hit = cache.get(t)
            if hit is None:
                hit = [index[g] for g in char_ngrams(t, spec.ngram_min, spec.ngram_max) if g in index]
                if len(cache) < _WORD_CACHE_LIMIT:
                    cache[t] = hit
            ids.extend(hit)
        if spec.context_window and MARKER in toks:
            ids.extend([index[g] for g in context_terms(toks, spec.context_window) if g in index])
        if spec.clause and MARKER in toks:
            clause = self._clause
            for w in clause_words(toks):
                hit = clause.get(w)
                if hit is None:
                    grams = char_ngrams(w, spec.ngram_min, spec.ngram_max)
                    hit = [index[g] for g in ["~" + g for g in grams] if g in index]
                    if len(clause) < _WORD_CACHE_LIMIT:
                        clause[w] = hit
                ids.extend(hit)
        return ids

    def vector(self, toks: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(ids, values) of the text's tf-idf vector: sublinear tf, l2-normalised."""
        counts = Counter(self._ids(toks))
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        ids = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        values = (1.0 + np.log(tf)) * self.idf[ids]
        norm = math.sqrt(float(values @ values))
        return ids, values / norm if norm else values

    def probabilities(self, toks: Sequence[str], dense: Sequence[float]) -> np.ndarray:
        ids, values = self.vector(toks)
        logits = values @ self.weights[ids] + np.asarray(dense) @ self.weights[-N_DENSE:] + self.bias
        logits -= logits.max()
        p = np.exp(logits)
        return p / p.sum()

    def batch_probabilities(self, texts: Sequence[Sequence[str]], dense: Sequence[Sequence[float]]) -> np.ndarray:
        """Class probabilities of many texts at once (one sparse product): rows = texts."""
        from scipy.sparse import csr_matrix

        ids: list[int] = []
        counts: list[int] = []
        indptr = [0]
        for toks in texts:
            c = Counter(self._ids(toks))
            ids.extend(c.keys())
            counts.extend(c.values())
            indptr.append(len(ids))
        cols = np.array(ids, dtype=np.int64)
        values = (1.0 + np.log(np.array(counts, dtype=np.float64))) * self.idf[cols]
        ptr = np.array(indptr, dtype=np.int64)
        row_of = np.repeat(np.arange(len(texts)), np.diff(ptr))
        norms = np.sqrt(np.bincount(row_of, weights=values * values, minlength=len(texts)))
        values = values / np.where(norms > 0, norms, 1.0)[row_of]
        width = len(self.idf)
        x = csr_matrix((values, cols, ptr), shape=(len(texts), width))
        logits = x @ self.weights[:width] + np.asarray(dense, dtype=np.float64) @ self.weights[width:] + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def probability_of(self, toks: Sequence[str], dense: Sequence[float]) -> dict[str, float]:
        p = self.probabilities(toks, dense)
        return {c: float(p[n]) for n, c in enumerate(self.classes)}


@dataclass(frozen=True)
class ModelCard:
    """What config.json says about the model (besides the heads)."""

    name: str
    version: str
    neutral_margin: float  # kk head: |P(pos) - P(neg)| below this, with a neutral lexicon → neutral
    # a lexicon answer at least this polar (|score|) is kept over the model: (news-like text, personal post)
    lexicon_stands_at: tuple[float, float]


class TrainedTone:
    """The heads of a trained model folder: "ru" (3 classes, target-aware) and optionally "kk"."""

    def __init__(self, card: ModelCard, heads: Mapping[str, Head]) -> None:
        self.card = card
        self.heads = dict(heads)

    @property
    def version(self) -> str:
        return f"{self.card.name}@{self.card.version}"

    def head_for(self, lang: str) -> Head:
        return self.heads.get(lang) or self.heads["ru"]


class ModelFormatError(ValueError):
    """A model folder that is not a usable tone model (missing file, wrong type, bad shapes)."""


def load_model(folder: Path) -> TrainedTone:
    """Read a model folder in the Hub layout: config.json, vocab.txt, model.safetensors."""
    from safetensors.numpy import load_file

    folder = Path(folder)
    for name in (CONFIG_FILE, VOCAB_FILE, WEIGHTS_FILE):
        if not (folder / name).is_file():
            raise ModelFormatError(f"tone model folder {folder} has no {name}")
    config = json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8"))
    if config.get("model_type") != MODEL_TYPE:
        raise ModelFormatError(
            f"tone model folder {folder}: model_type is {config.get('model_type')!r}, expected {MODEL_TYPE!r}"
        )
    vocab_lines = (folder / VOCAB_FILE).read_text(encoding="utf-8").split("\n")
    tensors = load_file(str(folder / WEIGHTS_FILE))
    heads: dict[str, Head] = {}
    for name, head in config["heads"].items():
        start, end = head["vocab_range"]
        vocab = [_unescape(v) for v in vocab_lines[start:end]]
        weights, bias, idf = tensors[f"{name}.weight"], tensors[f"{name}.bias"], tensors[f"{name}.idf"]
        if weights.shape != (len(vocab) + N_DENSE, len(head["classes"])) or idf.shape != (len(vocab),):
            raise ModelFormatError(f"tone model folder {folder}: head {name!r} has inconsistent shapes")
        heads[name] = Head(name, FeatureSpec(**head["features"]), vocab, idf, weights, bias, head["classes"])
    if "ru" not in heads:
        raise ModelFormatError(f"tone model folder {folder}: no 'ru' head")
    card = ModelCard(
        config["name"],
        config["version"],
        float(config.get("neutral_margin", 0.0)),
        tuple(float(v) for v in config.get("lexicon_stands_at", (2.0, 2.0))),
    )
    return TrainedTone(card, heads)


def _escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("\n", "\\n")


def _unescape(term: str) -> str:
    if "\\" not in term:  # nearly every vocabulary entry: loading the model 0.7 s -> 0.1 s
        return term
    out, i = [], 0
    while i < len(term):
        ch = term[i]
        if ch == "\\" and i + 1 < len(term):
            out.append("\n" if term[i + 1] == "n" else term[i + 1])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


# ---- the tone backend ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ToneQuery:
    """One text to score toward the akim named at `targets` (token indices of `toks`)."""

    toks: Sequence[str]
    targets: Iterable[int]
    lang: str
    lexicon: Tone
    official: bool


def trained_tones(model: TrainedTone, queries: Sequence[ToneQuery]) -> list[Tone]:
    """The tone of each query, the model's part computed per head in one sparse product.

    Rules kept where they measured better than the model (docs/classification.md): an official
    post (or a reshare of one) keeps the lexicon's answer (neutral unless it openly praises),
    and so does a text the lexicon reads as sarcasm. Kazakh text goes to the "kk" head (positive
    / negative): it is neutral when the lexicon finds no tone and the head is not sure.
    """
    out: list[Tone | None] = [None] * len(queries)
    by_head: dict[str, list[int]] = {}
    marked: dict[int, list[str]] = {}
    for n, q in enumerate(queries):
        rule = _lexicon_rule(q, model.card.lexicon_stands_at)
        if rule:
            out[n] = Tone(q.lexicon.label, q.lexicon.score, f"{rule}: lexicon ({q.lexicon.evidence})")
            continue
        toks = model_tokens(q.toks, q.targets)
        if MARKER not in toks:
            out[n] = Tone(q.lexicon.label, q.lexicon.score, f"no akim named: lexicon ({q.lexicon.evidence})")
            continue
        marked[n] = toks
        by_head.setdefault(model.head_for(q.lang).name, []).append(n)
    for name, members in by_head.items():
        head = model.heads[name]
        texts = [marked[n] for n in members]
        dense = [dense_features(t, queries[n].lexicon) for t, n in zip(texts, members, strict=True)]
        probs = head.batch_probabilities(texts, dense)
        for n, row in zip(members, probs, strict=True):
            p = dict(zip(head.classes, row.tolist(), strict=True))
            out[n] = _tone_of(model, head, p, queries[n].lexicon, local_lexicon(marked[n]))
    return [t for t in out if t is not None]


def _lexicon_rule(q: ToneQuery, stands_at: tuple[float, float]) -> str:
    """Why the lexicon's answer is kept for this query ("" when the model decides).

    Measured (docs/classification.md): the model, trained on news sentences, reads social-media
    complaints and irony worse than the rules, and the rules miss most of the tone of news; so an
    official post, a sarcasm cue and a strongly polar lexicon answer keep the rules' answer."""
    if q.official:
        return "official post"
    if "sarcasm" in q.lexicon.evidence or "irony" in q.lexicon.evidence:
        return "sarcasm rule"
    if q.lexicon.label != "neutral" and abs(q.lexicon.score) >= stands_at[conversational(q.toks)]:
        return "strong lexicon evidence"
    return ""


# Cues of a post written by a person to people (not a news report): first/second person,
# exclamations, questions, emoji, hashtags, mentions, emoticons
_PERSONAL_WORDS = frozenset(
    {
        "я",
        "мы",
        "вы",
        "ты",
        "вам",
        "вас",
        "ваш",
        "ваша",
        "ваши",
        "нам",
        "нас",
        "наш",
        "наша",
        "наши",
        "мне",
        "меня",
        "мой",
        "моя",
        "тебе",
        "тебя",
        "твой",
        "сіз",
        "біз",
        "мен",
        "сен",
        "бізге",
        "сізге",
    }
)


def conversational(toks: Sequence[str]) -> bool:
    """True for a text that reads as a personal post rather than a news report."""
    for t in toks:
        first = t[:1]
        if first in "!?#@" or t.startswith(("))", "((")) or t in _PERSONAL_WORDS:
            return True
        if first and (0x2600 <= ord(first) <= 0x27BF or 0x1F000 <= ord(first) <= 0x1FAFF):  # emoji, pictographs
            return True
    return False


def trained_tone(
    model: TrainedTone, toks: Sequence[str], targets: Iterable[int], lang: str, lexicon: Tone, official: bool
) -> Tone:
    """The tone of one text (see `trained_tones`)."""
    return trained_tones(model, [ToneQuery(toks, targets, lang, lexicon, official)])[0]


LOCAL_STANDS_AT = 0.6  # a neutral answer yields to lexicon weight this strong next to the name (scaled)


def _tone_of(model: TrainedTone, head: Head, p: dict[str, float], lexicon: Tone, local: tuple[float, float]) -> Tone:
    pos, neg, neu = p.get("positive", 0.0), p.get("negative", 0.0), p.get("neutral", 0.0)
    score = round(pos - neg, 4)
    why = f"{model.version} {head.name}: pos {pos:.2f} neg {neg:.2f}" + (f" neu {neu:.2f}" if "neutral" in p else "")
    if "neutral" in p:
        label = max(("positive", "negative", "neutral"), key=lambda k: p[k])
        # polar words right next to the name outweigh a neutral answer (no cost on RuSentNE's
        # cross-validation, docs/classification.md): "«Баталов — вор и лжец», заявил блогер"
        local_pos, local_neg = local
        if label == "neutral" and max(local_pos, local_neg) >= LOCAL_STANDS_AT and local_pos != local_neg:
            label = "positive" if local_pos > local_neg else "negative"
            why += f"; words next to the akim: pos {local_pos:.2f} neg {local_neg:.2f}"
    elif lexicon.label == "neutral" and abs(score) < model.card.neutral_margin:
        label = "neutral"
    else:
        label = "positive" if score >= 0 else "negative"
    return Tone(label, score, why)


# ---- where the model comes from ------------------------------------------------------------------

SHIPPED_MODEL = Path(__file__).resolve().parents[2] / "models" / "akims-tone"


@dataclass(frozen=True)
class ToneModelSettings:
    """`AKIMS_TONE_MODEL`: a local folder in the Hub layout (default: the shipped model) or a Hub
    repo id, which needs `AKIMS_TONE_REVISION` (a commit) and is read through the hub cache
    (`AKIMS_HF_CACHE` / `HF_HOME` / `$AKIMS_HOME/hf-cache`; `HF_HUB_OFFLINE=1`: cache only)."""

    source: str
    revision: str | None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ToneModelSettings:
        import os

        env = os.environ if env is None else env
        source = env.get("AKIMS_TONE_MODEL", "").strip() or str(SHIPPED_MODEL)
        revision = env.get("AKIMS_TONE_REVISION", "").strip() or None
        return cls(source, revision)


def resolve_model_folder(settings: ToneModelSettings, env: Mapping[str, str] | None = None) -> Path:
    """The folder holding the model: the local folder itself, or the snapshot of a Hub repo id
    at its pinned revision, fetched through huggingface_hub (the transformers backend's path)."""
    from assets.classification.transformers_backend import HFSettings, ModelUnavailableError, resolve_snapshot

    local = Path(settings.source).expanduser()
    if local.is_dir():
        return local
    looks_like_path = settings.source.startswith((".", "/", "~")) or settings.source.count("/") != 1
    if looks_like_path:
        raise ModelUnavailableError(f"tone model: AKIMS_TONE_MODEL={settings.source} is not a folder")
    if not settings.revision:
        raise ModelUnavailableError(
            f"tone model: AKIMS_TONE_MODEL={settings.source} needs a pinned AKIMS_TONE_REVISION (a commit id)"
        )
    hub = HFSettings.from_env(
        {**(env or {}), "AKIMS_HF_MODEL": settings.source, "AKIMS_HF_REVISION": settings.revision}
    )
    return resolve_snapshot(hub)


class TrainedToneModel:
    """The default tone backend: the trained model, with the lexicon's rules where they hold."""

    name = "embedded"

    def __init__(self, model: TrainedTone) -> None:
        self.model = model

    @property
    def version(self) -> str:
        return self.model.version


_LOADED: dict[tuple[str, str | None], TrainedTone] = {}


def trained_tone_model(env: Mapping[str, str] | None = None) -> TrainedToneModel:
    """The factory registered as the default tone backend: one loaded model per source in a process;
    a missing or malformed model is a one-line `ModelUnavailableError`."""
    import os

    from assets.classification.transformers_backend import ModelUnavailableError

    env = dict(os.environ) if env is None else dict(env)
    settings = ToneModelSettings.from_env(env)
    key = (settings.source, settings.revision)
    hit = _LOADED.get(key)
    if hit is None:
        folder = resolve_model_folder(settings, env)
        try:
            hit = load_model(folder)
        except (ModelFormatError, OSError, KeyError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelUnavailableError(f"tone model: cannot load {settings.source}: {first}") from exc
        _LOADED[key] = hit
    return TrainedToneModel(hit)

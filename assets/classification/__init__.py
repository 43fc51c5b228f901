"""Offline ("embedded") classification of mentions: akims, tone, author type, reshares, language.

    from assets.classification import classify_records
    results = classify_records(mentions, load_reference())

`EmbeddedClassifier` runs everything with hand-written rules and lexicons (no model files).
A second backend can replace only the tone step: register a `ToneModel` factory in
`TONE_BACKENDS` (e.g. "transformers" -> TransformersToneModel); everything else is shared.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Protocol

from assets.classification.attribution import _PERSON_KINDS, F_AKIM, AkimMatcher, TokenInfo
from assets.classification.authors import AuthorClassifier, AuthorType
from assets.classification.features import Featurizer, Tok, language_of
from assets.classification.reshare import Post, find_reshares
from assets.classification.text import URL_RE, fold
from assets.classification.tone import T_END, Tone, score_features, score_tone
from assets.records import Mention
from assets.reference import Reference

CLASSIFIER_VERSION = "embedded-0.1"

__all__ = [
    "CLASSIFIER_VERSION",
    "TONE_BACKENDS",
    "Classification",
    "EmbeddedClassifier",
    "LexiconToneModel",
    "ToneModel",
    "classify_records",
]


@dataclass(frozen=True, slots=True)
class _Analysed:
    toks: list[Tok]
    akims: tuple[str, ...]
    why: str
    targets: frozenset[int] | None
    words: tuple[str, ...]
    lang: tuple[str, str]


@dataclass(frozen=True, slots=True)
class _TextParts:
    """What depends on a post's text alone (shared by every post with the same text)."""

    toks: list[Tok]
    positions: list[int]  # indices of the word tokens, when the text is worth attribution
    words: list[str]
    infos: list[TokenInfo]
    sentences: _SentenceIds | None
    flat: tuple[str, ...]
    lang: tuple[str, str]


_CACHE_LIMIT = 200_000


class _SentenceIds:
    """Sentence number of each word, computed only when a rule asks for it."""

    __slots__ = ("_ids", "_positions", "_toks")

    def __init__(self, toks: list[Tok], positions: list[int]) -> None:
        self._toks, self._positions, self._ids = toks, positions, None

    def __getitem__(self, j: int) -> int:
        if self._ids is None:
            ends = 0
            by_tok = []
            for t in self._toks:
                by_tok.append(ends)
                if not t.word and t.tone[1] & T_END:
                    ends += 1
            self._ids = [by_tok[n] for n in self._positions]
        return self._ids[j]


@dataclass(frozen=True)
class Classification:
    akims: tuple[str, ...]
    sentiment: str
    sentiment_score: float
    author_type: str
    official_reshare: bool
    lang: str
    evidence: dict[str, str] = field(default_factory=dict, compare=False)


class ToneModel(Protocol):
    """What a tone backend provides: one `Tone` per text (batching allowed)."""

    name: str

    def tones(
        self, texts: Sequence[str], targets: Sequence[frozenset[str]], official: Sequence[bool]
    ) -> list[Tone]: ...


class LexiconToneModel:
    name = "lexicon"

    def tones(self, texts: Sequence[str], targets: Sequence[frozenset[str]], official: Sequence[bool]) -> list[Tone]:
        return [score_tone(t, tg, o) for t, tg, o in zip(texts, targets, official, strict=True)]


def _transformers_tone_model() -> ToneModel:
    """Imports the transformers backend (and through it torch) only when it is used."""
    from assets.classification.transformers_backend import transformers_tone_model

    return transformers_tone_model()


# backend name -> factory of its tone model
TONE_BACKENDS: dict[str, Callable[[], ToneModel]] = {
    "embedded": LexiconToneModel,
    "transformers": _transformers_tone_model,
}


class EmbeddedClassifier:
    name = "embedded"

    def __init__(
        self,
        reference: Reference,
        tone_model: ToneModel | None = None,
        known_official_texts: Iterable[str] = (),
    ) -> None:
        self.reference = reference
        self.matcher = AkimMatcher(reference)
        self.authors = AuthorClassifier(reference, self.matcher)
        self.tone_model: ToneModel = tone_model or LexiconToneModel()
        self.known_official_texts = tuple(known_official_texts)
        self.featurizer = Featurizer(self.matcher)
        self._handles = {a.author_id.lower() for a in reference.official_accounts}
        self._region_of = {
            (a.platform.lower(), a.author_id.lower()): a.region_code for a in reference.official_accounts
        }
        # social posts repeat texts (reshares, copies, slogans): what depends on the text alone is
        # computed once per text, the attribution once per (text, span of unchanged tenures, region)
        self._texts: dict[str, _TextParts] = {}
        self._attributions: dict[tuple[str, int, str | None], tuple[tuple[str, ...], str]] = {}

    def _author_region(self, m: Mention) -> str | None:
        return self._region_of.get((m.platform, m.author_id.lower())) or None

    def _parts(self, text: str) -> _TextParts:
        hit = self._texts.get(text)
        if hit is not None:
            return hit
        folded = fold(text)
        if "http" in folded or "www." in folded:
            folded = URL_RE.sub(" ", folded)
        toks = self.featurizer.features(folded)
        positions: list[int] = []
        words: list[str] = []
        infos: list[TokenInfo] = []
        sentences = None
        if any([t.hot for t in toks]):
            positions = [n for n, t in enumerate(toks) if t.word]
            words = [toks[n].text for n in positions]
            infos = [toks[n].att for n in positions]
            sentences = _SentenceIds(toks, positions)
        flat = tuple(chain.from_iterable([t.flat for t in toks]))
        hit = _TextParts(toks, positions, words, infos, sentences, flat, language_of(toks))
        if len(self._texts) < _CACHE_LIMIT:
            self._texts[text] = hit
        return hit

    def _attribute(self, m: Mention, parts: _TextParts) -> tuple[tuple[str, ...], str]:
        if parts.sentences is None:
            return (), ""
        region = self._author_region(m)
        key = (m.text, self.matcher.epoch(m.local_date), region)
        hit = self._attributions.get(key)
        if hit is None:
            att = self.matcher.attribute_words(m.text, parts.words, parts.infos, parts.sentences, m.local_date, region)
            hit = (att.person_ids, att.evidence)
            if len(self._attributions) < _CACHE_LIMIT:
                self._attributions[key] = hit
        return hit

    def _analyse(self, m: Mention, author: AuthorType) -> _Analysed:
        parts = self._parts(m.text)
        akims, why = self._attribute(m, parts)
        if author.akim and author.akim not in akims and self.matcher.status(author.akim, m.local_date) == "current":
            akims = (*akims, author.akim)
            why = (why + "; " if why else "") + f"akim's own account {author.akim}"
        elif not akims and author.evidence.startswith("akim's page"):
            page = self.matcher.attribute(m.author_name or "", m.local_date)
            akims, why = page.person_ids, f"akim's page {page.evidence}"
        targets: frozenset[int] | None = None
        if akims and parts.positions:
            wanted = set(akims)
            infos, positions = parts.infos, parts.positions
            targets = frozenset(
                [
                    positions[j]
                    for j in [j for j, info in enumerate(infos) if info.flags & F_AKIM or info.kinds & _PERSON_KINDS]
                    if infos[j].flags & F_AKIM or any(e.payload in wanted for e in infos[j].entries)
                ]
            )
        return _Analysed(parts.toks, akims, why, targets, parts.flat, parts.lang)

    def classify(self, mentions: Sequence[Mention]) -> list[Classification]:
        # the batch allocates many small objects that all live to its end: the cyclic garbage
        # collector would only re-scan them (a third of the run time), so it pauses meanwhile
        paused = gc.isenabled()
        gc.disable()
        try:
            return self._classify(mentions)
        finally:
            if paused:
                gc.enable()

    def _classify(self, mentions: Sequence[Mention]) -> list[Classification]:
        authors: list[AuthorType] = [self.authors.classify(m.platform, m.author_id, m.author_name) for m in mentions]
        analysed = [self._analyse(m, a) for m, a in zip(mentions, authors, strict=True)]
        posts = [
            Post(
                key=f"{n}",
                platform=m.platform,
                post_id=m.id,
                author=f"{m.platform}:{m.author_id}",
                published=m.published_utc,
                text=m.text,
                reshare_of=m.reshare_of,
                official=a.kind == "official",
                words=x.words,
            )
            for n, (m, a, x) in enumerate(zip(mentions, authors, analysed, strict=True))
        ]
        reshares = find_reshares(posts, self._handles, self.known_official_texts)
        officialish = [a.kind == "official" or r.reshare for a, r in zip(authors, reshares, strict=True)]
        if isinstance(self.tone_model, LexiconToneModel):
            tones = [
                score_features([t.tone for t in x.toks], x.targets, o)
                for x, o in zip(analysed, officialish, strict=True)
            ]
        else:
            targets = [frozenset(x.toks[n].text for n in x.targets or ()) for x in analysed]
            tones = self.tone_model.tones([m.text for m in mentions], targets, officialish)
        # a reshare takes the tone of what it forwards or copies
        for n, r in enumerate(reshares):
            if r.reshare and r.source is not None:
                tones[n] = tones[int(r.source)]
        out = []
        for a, r, x, tone in zip(authors, reshares, analysed, tones, strict=True):
            lang, lang_why = x.lang
            out.append(
                Classification(
                    akims=x.akims,
                    sentiment=tone.label,
                    sentiment_score=tone.score,
                    author_type=a.kind,
                    official_reshare=r.reshare,
                    lang=lang,
                    evidence={
                        "akims": x.why,
                        "sentiment": tone.evidence,
                        "author_type": a.evidence,
                        "official_reshare": r.evidence,
                        "lang": lang_why,
                    },
                )
            )
        return out


def _keep_source(c: Classification, m: Mention) -> Classification:
    if m.sentiment is None:
        return c
    score = {"positive": 1.0, "negative": -1.0}.get(m.sentiment, 0.0)
    evidence = {**c.evidence, "sentiment": "source label kept"}
    return Classification(c.akims, m.sentiment, score, c.author_type, c.official_reshare, c.lang, evidence)


def classify_records(
    mentions: Sequence[Mention],
    reference: Reference,
    backend: str = "embedded",
    keep_source_labels: bool = False,
    known_official_texts: Iterable[str] = (),
) -> list[Classification]:
    """Classify a batch with the named backend ("embedded"; others register in TONE_BACKENDS).

    `known_official_texts`: official posts from before the batch (e.g. last week's), so a
    near copy of them is recognised as an official reshare too.
    """
    factory = TONE_BACKENDS.get(backend)
    if factory is None:
        known = ", ".join(sorted(TONE_BACKENDS))
        raise ValueError(f"unknown classifier backend {backend!r}; known backends: {known}")
    classifier = _classifier(reference, backend, factory)
    classifier.known_official_texts = tuple(known_official_texts)
    results = classifier.classify(list(mentions))
    if keep_source_labels:
        results = [_keep_source(c, m) for c, m in zip(results, mentions, strict=True)]
    return results


_CLASSIFIERS: dict[tuple[int, str], EmbeddedClassifier] = {}


def _classifier(reference: Reference, backend: str, factory: Callable[[], ToneModel]) -> EmbeddedClassifier:
    key = (id(reference), backend)
    hit = _CLASSIFIERS.get(key)
    if hit is None or hit.reference is not reference:
        hit = EmbeddedClassifier(reference, tone_model=factory())
        _CLASSIFIERS[key] = hit
    elif backend != "embedded":
        # a model backend reads its settings (e.g. AKIMS_HF_MODEL) at each call; its factory
        # keeps loaded models, so this is cheap and a changed setting takes effect
        hit.tone_model = factory()
    return hit


def official_texts(
    posts: Iterable[tuple[str, str, str | None, str]], reference: Reference, backend: str = "embedded"
) -> list[str]:
    """The texts of those (platform, author_id, author_name, text) posts whose author the
    classifier takes for official: the `known_official_texts` of the week that follows them."""
    factory = TONE_BACKENDS.get(backend)
    if factory is None:
        known = ", ".join(sorted(TONE_BACKENDS))
        raise ValueError(f"unknown classifier backend {backend!r}; known backends: {known}")
    authors = _classifier(reference, backend, factory).authors
    return [
        text
        for platform, author_id, name, text in posts
        if authors.classify(platform, author_id, name).kind == "official"
    ]

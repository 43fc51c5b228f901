"""The embedded classifier: akims, tone, author type, reshares and language of a batch of mentions.

`EmbeddedClassifier` runs everything with hand-written rules and lexicons (no model files); the
tone step can be replaced through `TONE_BACKENDS` (see the package's docstring). The public names
are re-exported by `assets.classification`.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from typing import Protocol

from assets.classification.attribution import _PERSON_KINDS, F_AKIM, AkimMatcher, TokenInfo
from assets.classification.authors import AuthorClassifier, AuthorType
from assets.classification.features import Chunk, Featurizer, Tok
from assets.classification.reshare import Post, find_reshares
from assets.classification.text import URL_RE, fold
from assets.classification.tone import T_END, Tone, score_features, score_tone
from assets.classification.tone_model import (
    ToneQuery,
    TrainedToneModel,
    trained_tone,
    trained_tone_model,
    trained_tones,
)
from assets.records import Mention
from assets.reference import Reference

CLASSIFIER_VERSION = "embedded-0.2"


class _TextParts:
    """What depends on a post's text alone (shared by every post with the same text).

    Built from the text's analysed chunks; the word lists are filled when the text is worth
    attribution (`hot`: a name, region, akim/akimat/head word), the token positions lazily.
    """

    __slots__ = (
        "_positions",
        "_toks",
        "chunks",
        "flat",
        "hot",
        "infos",
        "lang",
        "sentences",
        "tones",
        "words",
    )

    def __init__(self, chunks: list[Chunk], lang: tuple[str, str]) -> None:
        self.chunks = chunks
        self.tones: list[tuple[float, int]] = list(chain.from_iterable([c.tones for c in chunks]))
        self.flat: tuple[str, ...] = tuple(chain.from_iterable([c.flat for c in chunks]))
        self.lang = lang
        self.hot = any([c.hot for c in chunks])
        self.words: list[str] = []
        self.infos: list[TokenInfo] = []
        self.sentences: _SentenceIds | None = None
        if self.hot:
            self.words = list(chain.from_iterable([c.words for c in chunks]))
            self.infos = list(chain.from_iterable([c.infos for c in chunks]))
            self.sentences = _SentenceIds(chunks, len(self.words))
        self._positions: list[int] | None = None
        self._toks: list[Tok] | None = None

    @property
    def toks(self) -> list[Tok]:
        if self._toks is None:
            self._toks = list(chain.from_iterable([c.toks for c in self.chunks]))
        return self._toks

    @property
    def positions(self) -> list[int]:
        """Indices of the word tokens, when the text is worth attribution (else empty)."""
        if self._positions is None:
            self._positions = _token_indices(self.chunks, range(len(self.words)))
        return self._positions

    def token_indices(self, word_indices: Iterable[int]) -> list[int]:
        """The token index of each of these word indices (ascending)."""
        return _token_indices(self.chunks, word_indices)


def _own_words(parts: _TextParts, person_id: str) -> frozenset[int] | None:
    """Token indices of the words naming this person (None when only a title or place names them)."""
    words = [
        j
        for j, info in enumerate(parts.infos)
        if info.kinds & _PERSON_KINDS and any([e.payload == person_id for e in info.entries])
    ]
    return frozenset(parts.token_indices(words)) if words else None


def _token_indices(chunks: list[Chunk], word_indices: Iterable[int]) -> list[int]:
    out: list[int] = []
    wanted = iter(word_indices)
    j = next(wanted, -1)
    words = toks = 0  # words and tokens before the chunk
    for c in chunks:
        if j < 0:
            break
        end = words + len(c.word_at)
        while 0 <= j < end:
            out.append(toks + c.word_at[j - words])
            j = next(wanted, -1)
        words, toks = end, toks + len(c.toks)
    return out


class _Analysed:
    """A post's text analysed for one attribution context (shared by every post with the same)."""

    __slots__ = ("akim_tones", "akims", "lang", "own_targets", "parts", "targets", "tones", "why", "words")

    def __init__(
        self,
        parts: _TextParts,
        akims: tuple[str, ...],
        why: str,
        targets: frozenset[int] | None,
        own_targets: tuple[frozenset[int] | None, ...] = (),
    ) -> None:
        self.parts, self.akims, self.why, self.targets = parts, akims, why, targets
        # when several akims are named: each one's own words (None: the shared targets)
        self.own_targets = own_targets
        self.words, self.lang = parts.flat, parts.lang
        # tone for (not official, official) by the lexicon, then by the trained model: it depends
        # on the tokens and targets alone; likewise the per-akim tones
        self.tones: list[Tone | None] = [None, None, None, None]
        self.akim_tones: list[tuple[Tone, ...] | None] = [None, None, None, None]


_CACHE_LIMIT = 200_000


class _AuthorFacts:
    """What the classifier needs about a post's author (shared by all the author's posts)."""

    __slots__ = ("author", "context", "official", "page", "region")

    def __init__(self, author: AuthorType, region: str | None, page: str | None, context: int) -> None:
        self.author, self.region, self.page = author, region, page
        self.official = author.kind == "official"
        # number of the (region, own akim, akim's page) combination: what the analysis reads
        self.context = context


class _SentenceIds:
    """Sentence number of each word, computed only when a rule asks for it.

    It holds the chunks, not the `_TextParts` (no reference cycle: a dropped classifier's caches
    are freed at once, by reference counting).
    """

    __slots__ = ("_chunks", "_ids", "_words")

    def __init__(self, chunks: list[Chunk], words: int) -> None:
        self._chunks, self._words, self._ids = chunks, words, None

    def __getitem__(self, j: int) -> int:
        if self._ids is None:
            ends = 0
            by_tok = []
            for t in chain.from_iterable([c.toks for c in self._chunks]):
                by_tok.append(ends)
                if not t.word and t.tone[1] & T_END:
                    ends += 1
            self._ids = [by_tok[n] for n in _token_indices(self._chunks, range(self._words))]
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
    # (person_id, sentiment, score) per akim named; differs from `sentiment` only when a post
    # names several akims and speaks of them differently
    akim_tones: tuple[tuple[str, str, float], ...] = ()


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


# backend name -> factory of its tone model: "embedded" (default) is the trained model shipped in
# models/akims-tone with the lexicon's rules where they hold; "lexicon" the rules alone
TONE_BACKENDS: dict[str, Callable[[], ToneModel | TrainedToneModel]] = {
    "embedded": trained_tone_model,
    "lexicon": LexiconToneModel,
    "transformers": _transformers_tone_model,
}


class EmbeddedClassifier:
    name = "embedded"

    def __init__(
        self,
        reference: Reference,
        tone_model: ToneModel | TrainedToneModel | None = None,
        known_official_texts: Iterable[str] = (),
    ) -> None:
        self.reference = reference
        self.matcher = AkimMatcher(reference)
        self.authors = AuthorClassifier(reference, self.matcher)
        self.tone_model: ToneModel | TrainedToneModel = tone_model or LexiconToneModel()
        self.known_official_texts = tuple(known_official_texts)
        self.featurizer = Featurizer(self.matcher)
        self._handles = {a.author_id.lower() for a in reference.official_accounts}
        self._region_of = {
            (a.platform.lower(), a.author_id.lower()): a.region_code for a in reference.official_accounts
        }
        # social posts repeat texts (reshares, copies, slogans): what depends on the text alone is
        # computed once per text; the attribution and tone once per (text, span of unchanged
        # tenures, author context: region, own akim, akim's page)
        self._texts: dict[str, _TextParts] = {}
        self._authors: dict[tuple[str, str, str | None], _AuthorFacts] = {}
        self._contexts: dict[tuple[str | None, str | None, str | None], int] = {}
        self._analysed: dict[tuple[str, int, int], _Analysed] = {}
        self._epochs: dict[date, int] = {}

    def _author_region(self, m: Mention) -> str | None:
        return self._region_of.get((m.platform, m.author_id.lower())) or None

    def _author_facts(self, m: Mention) -> _AuthorFacts:
        key = (m.platform, m.author_id, m.author_name)
        hit = self._authors.get(key)
        if hit is None:
            author = self.authors.classify(m.platform, m.author_id, m.author_name)
            page = (m.author_name or "") if author.evidence.startswith("akim's page") else None
            region = self._author_region(m)
            context = self._contexts.setdefault((region, author.akim, page), len(self._contexts))
            hit = _AuthorFacts(author, region, page, context)
            if len(self._authors) < _CACHE_LIMIT:
                self._authors[key] = hit
        return hit

    def _epoch(self, day: date) -> int:
        hit = self._epochs.get(day)
        if hit is None:
            hit = self._epochs[day] = self.matcher.epoch(day)
        return hit

    def _parts(self, text: str) -> _TextParts:
        hit = self._texts.get(text)
        if hit is not None:
            return hit
        folded = fold(text)
        if "http" in folded or "www." in folded:
            folded = URL_RE.sub(" ", folded)
        chunks = self.featurizer.chunks(folded)
        hit = _TextParts(chunks, self.featurizer.language(chunks))
        if len(self._texts) < _CACHE_LIMIT:
            self._texts[text] = hit
        return hit

    def _attribute(self, m: Mention, parts: _TextParts, region: str | None) -> tuple[tuple[str, ...], str]:
        if parts.sentences is None:
            return (), ""
        att = self.matcher.attribute_words(m.text, parts.words, parts.infos, parts.sentences, m.local_date, region)
        return att.person_ids, att.evidence

    def _analyse(self, m: Mention, facts: _AuthorFacts) -> _Analysed:
        """The analysis of m's text in its context; every input of it is in the cache key."""
        key = (m.text, self._epoch(m.local_date), facts.context)
        hit = self._analysed.get(key)
        if hit is None:
            hit = self._analyse_uncached(m, facts)
            if len(self._analysed) < _CACHE_LIMIT:
                self._analysed[key] = hit
        return hit

    def _analyse_uncached(self, m: Mention, facts: _AuthorFacts) -> _Analysed:
        author = facts.author
        parts = self._parts(m.text)
        akims, why = self._attribute(m, parts, facts.region)
        if author.akim and author.akim not in akims and self.matcher.status(author.akim, m.local_date) == "current":
            akims = (*akims, author.akim)
            why = (why + "; " if why else "") + f"akim's own account {author.akim}"
        elif not akims and facts.page is not None:
            page = self.matcher.attribute(facts.page, m.local_date)
            akims, why = page.person_ids, f"akim's page {page.evidence}"
        targets: frozenset[int] | None = None
        own: tuple[frozenset[int] | None, ...] = ()
        if akims and parts.hot:
            # the words naming one of the akims, or an akim word
            wanted = set(akims)
            targets = frozenset(
                parts.token_indices(
                    [
                        j
                        for j, info in enumerate(parts.infos)
                        if info.flags & F_AKIM
                        or (info.kinds & _PERSON_KINDS and any([e.payload in wanted for e in info.entries]))
                    ]
                )
            )
            if len(akims) > 1:
                own = tuple(_own_words(parts, pid) for pid in akims)
        return _Analysed(parts, akims, why, targets, own)

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
        authors, analysed, epochs = self._authors, self._analysed, self._epochs
        facts: list[_AuthorFacts] = []
        texts: list[_Analysed] = []
        posts: list[Post] = []
        for n, m in enumerate(mentions):
            f = authors.get((m.platform, m.author_id, m.author_name))
            if f is None:
                f = self._author_facts(m)
            epoch = epochs.get(m.local_date)
            if epoch is None:
                epoch = self._epoch(m.local_date)
            x = analysed.get((m.text, epoch, f.context))
            if x is None:
                x = self._analyse(m, f)
            facts.append(f)
            texts.append(x)
            posts.append(
                Post(
                    key=f"{n}",
                    platform=m.platform,
                    post_id=m.id,
                    author=f"{m.platform}:{m.author_id}",
                    published=m.published_utc,
                    text=m.text,
                    reshare_of=m.reshare_of,
                    official=f.official,
                    words=x.words,
                )
            )
        reshares = find_reshares(posts, self._handles, self.known_official_texts)
        officialish = [f.official or r.reshare for f, r in zip(facts, reshares, strict=True)]
        per_akim: list[tuple[Tone, ...]]
        if isinstance(self.tone_model, LexiconToneModel):
            tones = [_lexicon_tone(x, o) for x, o in zip(texts, officialish, strict=True)]
            per_akim = [_akim_tones(x, o, None) for x, o in zip(texts, officialish, strict=True)]
        elif isinstance(self.tone_model, TrainedToneModel):
            model = self.tone_model
            _model_tones(texts, officialish, model)
            _model_akim_tones(texts, officialish, model)
            tones = [_model_tone(x, o, model) for x, o in zip(texts, officialish, strict=True)]
            per_akim = [_akim_tones(x, o, model) for x, o in zip(texts, officialish, strict=True)]
        else:
            targets = [frozenset(x.parts.toks[n].text for n in x.targets or ()) for x in texts]
            tones = self.tone_model.tones([m.text for m in mentions], targets, officialish)
            per_akim = [() for _ in texts]
        # a reshare takes the tone of what it forwards or copies
        for n, r in enumerate(reshares):
            if r.reshare and r.source is not None:
                tones[n] = tones[int(r.source)]
                per_akim[n] = per_akim[int(r.source)] if texts[n].akims == texts[int(r.source)].akims else ()
        out = []
        for f, r, x, tone, own in zip(facts, reshares, texts, tones, per_akim, strict=True):
            a = f.author
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
                    akim_tones=tuple(
                        (pid, t.label, t.score) for pid, t in zip(x.akims, own or [tone] * len(x.akims), strict=True)
                    ),
                )
            )
        return out


def _lexicon_tone(x: _Analysed, official: bool) -> Tone:
    """The lexicon tone of an analysed text (computed once per text context and official flag)."""
    hit = x.tones[official]
    if hit is None:
        hit = x.tones[official] = score_features(x.parts.tones, x.targets, official)
    return hit


def _model_tones(texts: Sequence[_Analysed], official: Sequence[bool], model: TrainedToneModel) -> None:
    """Fill the trained model's tone of every analysed text not scored yet, in one batch."""
    todo: dict[tuple[int, bool], tuple[_Analysed, bool]] = {}
    for x, o in zip(texts, official, strict=True):
        if x.tones[2 + o] is None:
            todo.setdefault((id(x), o), (x, o))
    if not todo:
        return
    queries = [
        ToneQuery([t.text for t in x.parts.toks], x.targets or (), x.lang[0], _lexicon_tone(x, o), o)
        for x, o in todo.values()
    ]
    for (x, o), tone in zip(todo.values(), trained_tones(model.model, queries), strict=True):
        x.tones[2 + o] = tone


def _model_tone(x: _Analysed, official: bool, model: TrainedToneModel) -> Tone:
    """The trained model's tone of an analysed text (once per text context and official flag)."""
    hit = x.tones[2 + official]
    if hit is None:
        lexicon = _lexicon_tone(x, official)
        toks = [t.text for t in x.parts.toks]
        hit = x.tones[2 + official] = trained_tone(model.model, toks, x.targets or (), x.lang[0], lexicon, official)
    return hit


def _model_akim_tones(texts: Sequence[_Analysed], official: Sequence[bool], model: TrainedToneModel) -> None:
    """Fill the per-akim tones of every text naming several akims, in one batch."""
    todo: dict[tuple[int, bool], tuple[_Analysed, bool]] = {}
    for x, o in zip(texts, official, strict=True):
        if x.own_targets and x.akim_tones[2 + o] is None:
            todo.setdefault((id(x), o), (x, o))
    if not todo:
        return
    queries = []
    for x, o in todo.values():
        toks = [t.text for t in x.parts.toks]
        for own in x.own_targets:
            targets = own if own is not None else x.targets
            lexicon = score_features(x.parts.tones, targets, o)
            queries.append(ToneQuery(toks, targets or (), x.lang[0], lexicon, o))
    tones = iter(trained_tones(model.model, queries))
    for x, o in todo.values():
        x.akim_tones[2 + o] = tuple(next(tones) for _ in x.own_targets)


def _akim_tones(x: _Analysed, official: bool, model: TrainedToneModel | None) -> tuple[Tone, ...]:
    """Each named akim's tone, with only that akim's words as the target (several akims only)."""
    if not x.own_targets:
        return ()
    slot = (2 if model is not None else 0) + official
    hit = x.akim_tones[slot]
    if hit is None:
        toks = [t.text for t in x.parts.toks] if model is not None else []
        found = []
        for own in x.own_targets:
            targets = own if own is not None else x.targets
            lexicon = score_features(x.parts.tones, targets, official)
            if model is None:
                found.append(lexicon)
            else:
                found.append(trained_tone(model.model, toks, targets or (), x.lang[0], lexicon, official))
        hit = x.akim_tones[slot] = tuple(found)
    return hit


def _keep_source(c: Classification, m: Mention) -> Classification:
    if m.sentiment is None:
        return c
    score = {"positive": 1.0, "negative": -1.0}.get(m.sentiment, 0.0)
    evidence = {**c.evidence, "sentiment": "source label kept"}
    own = tuple((pid, m.sentiment, score) for pid in c.akims)
    return Classification(c.akims, m.sentiment, score, c.author_type, c.official_reshare, c.lang, evidence, own)


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
    classifier = _classifier_for(reference, backend)
    classifier.known_official_texts = tuple(known_official_texts)
    results = classifier.classify(list(mentions))
    if keep_source_labels:
        results = [_keep_source(c, m) for c, m in zip(results, mentions, strict=True)]
    return results


def _classifier_for(reference: Reference, backend: str) -> EmbeddedClassifier:
    """This process's classifier for the reference and named backend; ValueError naming the known
    backends when there is no such backend."""
    factory = TONE_BACKENDS.get(backend)
    if factory is None:
        known = ", ".join(sorted(TONE_BACKENDS))
        raise ValueError(f"unknown classifier backend {backend!r}; known backends: {known}")
    return _classifier(reference, backend, factory)


_CLASSIFIERS: dict[tuple[int, str], EmbeddedClassifier] = {}


def _classifier(reference: Reference, backend: str, factory: Callable[[], ToneModel]) -> EmbeddedClassifier:
    key = (id(reference), backend)
    hit = _CLASSIFIERS.get(key)
    if hit is None or hit.reference is not reference:
        hit = EmbeddedClassifier(reference, tone_model=factory())
        _CLASSIFIERS[key] = hit
    elif backend != "lexicon":
        # a model backend reads its settings (e.g. AKIMS_HF_MODEL) at each call; its factory
        # keeps loaded models, so this is cheap and a changed setting takes effect
        hit.tone_model = factory()
    return hit


def classifier_version(backend: str) -> str:
    """The classifier's version with its tone model's, as recorded beside each classified mention:
    "embedded-0.2+akims-tone@1.0", "embedded-0.2+lexicon", "embedded-0.2+transformers"."""
    if backend == "embedded":
        model = trained_tone_model()
        return f"{CLASSIFIER_VERSION}+{model.version}"
    return f"{CLASSIFIER_VERSION}+{backend}"


def official_texts(
    posts: Iterable[tuple[str, str, str | None, str]], reference: Reference, backend: str = "embedded"
) -> list[str]:
    """The texts of those (platform, author_id, author_name, text) posts whose author the
    classifier takes for official: the `known_official_texts` of the week that follows them."""
    authors = _classifier_for(reference, backend).authors
    return [
        text
        for platform, author_id, name, text in posts
        if authors.classify(platform, author_id, name).kind == "official"
    ]

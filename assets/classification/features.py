"""One pass over a text: white-space chunks, each split and analysed once (cached per chunk).

A chunk ("Баталовқа", "холодно,", "👍👍") maps to its tokens with everything the classifiers
need about them: the attribution `TokenInfo`, the tone (polarity, flags) and language marks.
Social posts reuse the same chunks heavily, so after warm-up a post costs a `split()` and one
dictionary look-up per chunk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import cast

from assets.classification.attribution import EMPTY, F_AKIM, F_AKIMAT, F_HEAD, AkimMatcher, TokenInfo
from assets.classification.language import KK_LATIN, KK_WORDS, RU_LATIN, RU_WORDS
from assets.classification.text import KAZAKH_LETTERS, TOKEN_RE, is_word
from assets.classification.tone import token_tone

HOT_FLAGS = F_AKIM | F_AKIMAT | F_HEAD
WORD_RE = re.compile(r"[^\W_]+|_")
L_CYR, L_LAT, L_KKLET, L_KKFUNC, L_RUFUNC, L_KKLAT, L_RULAT = 1, 2, 4, 8, 16, 32, 64
_ACUTE = frozenset("áóúýıǵń")


@dataclass(frozen=True, slots=True)
class Tok:
    text: str
    word: bool
    att: TokenInfo
    tone: tuple[float, int]
    lang: int
    hot: bool  # worth the attribution rules (a name, region, akim/akimat/head word)
    flat: tuple[str, ...]  # the word as the reshare shingles see it (no #/@, split at hyphens)


@dataclass(frozen=True, slots=True)
class Chunk:
    """One white-space chunk's tokens, with the per-text sums and lists precomputed."""

    toks: tuple[Tok, ...]
    words: tuple[str, ...]  # the word tokens' texts
    infos: tuple[TokenInfo, ...]  # the word tokens' attribution info
    word_at: tuple[int, ...]  # index in `toks` of each word token
    tones: tuple[tuple[float, int], ...]  # every token's tone
    flat: tuple[str, ...]
    lang: int  # the language counts packed (`pack_counts`), so a text's are the sum of its chunks'
    hot: bool


def _chunk_of(toks: tuple[Tok, ...]) -> Chunk:
    word_at = tuple([n for n, t in enumerate(toks) if t.word])
    return Chunk(
        toks,
        tuple([toks[n].text for n in word_at]),
        tuple([toks[n].att for n in word_at]),
        word_at,
        tuple([t.tone for t in toks]),
        tuple(chain.from_iterable([t.flat for t in toks])),
        pack_counts(_lang_counts(toks)),
        any([t.hot for t in toks]),
    )


def language_flags(tok: str) -> int:
    ch = tok[0]
    if not ch.isalpha():
        return 0
    f = 0
    if "а" <= ch <= "я" or ch in "ёәғқңөұүһі":
        f |= L_CYR
        if any(c in KAZAKH_LETTERS for c in tok):
            f |= L_KKLET
        if tok in KK_WORDS:
            f |= L_KKFUNC
        if tok in RU_WORDS:
            f |= L_RUFUNC
    elif "a" <= ch <= "z" or ch in _ACUTE:
        f |= L_LAT
        if tok in KK_LATIN or any(c in _ACUTE for c in tok):
            f |= L_KKLAT
        if tok in RU_LATIN:
            f |= L_RULAT
    return f


class Featurizer:
    def __init__(self, matcher: AkimMatcher) -> None:
        self.matcher = matcher
        self._chunks: dict[str, Chunk] = {}
        self._langs: dict[int, tuple[str, str]] = {}  # packed language counts -> language, evidence

    def chunk(self, chunk: str) -> tuple[Tok, ...]:
        return self.chunk_info(chunk).toks

    def chunk_info(self, chunk: str) -> Chunk:
        hit = self._chunks.get(chunk)
        if hit is None:
            out = []
            for t in TOKEN_RE.findall(chunk):
                word = is_word(t)
                att = self.matcher.token_info(t) if word else EMPTY
                hot = bool(att.entries or att.flags & HOT_FLAGS)
                flat = tuple(WORD_RE.findall(t)) if word else ()
                out.append(Tok(t, word, att, token_tone(t), language_flags(t) if word else 0, hot, flat))
            hit = _chunk_of(tuple(out))
            if len(self._chunks) < 500_000:
                self._chunks[chunk] = hit
        return hit

    def chunks(self, folded: str) -> list[Chunk]:
        """The white-space chunks of a folded text, analysed (cached per chunk)."""
        parts = folded.split()
        hits = list(map(self._chunks.get, parts))
        if None in hits:
            return [h if h is not None else self.chunk_info(c) for h, c in zip(hits, parts, strict=True)]
        return cast(list[Chunk], hits)  # no None among them

    def language(self, chunks: Sequence[Chunk]) -> tuple[str, str]:
        """`language_of` the tokens of these chunks, once per distinct combination of counts."""
        packed = sum([c.lang for c in chunks])
        hit = self._langs.get(packed)
        if hit is None:
            hit = self._langs[packed] = language_of_counts(unpack_counts(packed))
        return hit

    def features(self, folded: str) -> list[Tok]:
        return list(chain.from_iterable([c.toks for c in self.chunks(folded)]))


def _lang_counts(toks: Iterable[Tok]) -> tuple[int, int, int, int, int, int, int]:
    """Counts of the tokens' language marks: cyr, lat, kklet, kkfunc, rufunc, kklat, rulat."""
    cyr = lat = kklet = kkfunc = rufunc = kklat = rulat = 0
    for t in toks:
        f = t.lang
        if not f:
            continue
        if f & L_CYR:
            cyr += 1
            if f & L_KKLET:
                kklet += 1
            if f & L_KKFUNC:
                kkfunc += 1
            if f & L_RUFUNC:
                rufunc += 1
        else:
            lat += 1
            if f & L_KKLAT:
                kklat += 1
            if f & L_RULAT:
                rulat += 1
    return cyr, lat, kklet, kkfunc, rufunc, kklat, rulat


def language_of(toks: list[Tok]) -> tuple[str, str]:
    """`ru` | `kk` | `other` from the tokens' language marks (see `language.detect_language`)."""
    return language_of_counts(_lang_counts(toks))


_COUNT_BITS = 40  # more tokens than 2**40 in one text are out of reach
_COUNT_MASK = (1 << _COUNT_BITS) - 1


def pack_counts(counts: Sequence[int]) -> int:
    """Non-negative counts in one int, a field each: the sum of packed counts packs the sums."""
    out = 0
    for n, c in enumerate(counts):
        out |= c << (n * _COUNT_BITS)
    return out


def unpack_counts(packed: int, fields: int = 7) -> tuple[int, ...]:
    return tuple([(packed >> (n * _COUNT_BITS)) & _COUNT_MASK for n in range(fields)])


def language_of_counts(counts: Sequence[int]) -> tuple[str, str]:
    cyr, lat, kklet, kkfunc, rufunc, kklat, rulat = counts
    if not cyr and not lat:
        return "other", "no words"
    if cyr >= lat:
        kk = kklet + kkfunc
        if kk > rufunc * 1.2 and kk >= 1:
            return "kk", f"kazakh letters/words {kk} vs russian function words {rufunc}"
        return "ru", f"cyrillic; kazakh markers {kk} vs russian function words {rufunc}"
    if kklat >= 2 and kklat > rulat:
        return "kk", f"latin-script kazakh words {kklat} vs russian {rulat}"
    return "other", f"latin script; kazakh words {kklat}, russian {rulat}"

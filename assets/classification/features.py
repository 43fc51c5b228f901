"""One pass over a text: white-space chunks, each split and analysed once (cached per chunk).

A chunk ("Баталовқа", "холодно,", "👍👍") maps to its tokens with everything the classifiers
need about them: the attribution `TokenInfo`, the tone (polarity, flags) and language marks.
Social posts reuse the same chunks heavily, so after warm-up a post costs a `split()` and one
dictionary look-up per chunk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain

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
        self._chunks: dict[str, tuple[Tok, ...]] = {}

    def chunk(self, chunk: str) -> tuple[Tok, ...]:
        hit = self._chunks.get(chunk)
        if hit is None:
            out = []
            for t in TOKEN_RE.findall(chunk):
                word = is_word(t)
                att = self.matcher.token_info(t) if word else EMPTY
                hot = bool(att.entries or att.flags & HOT_FLAGS)
                flat = tuple(WORD_RE.findall(t)) if word else ()
                out.append(Tok(t, word, att, token_tone(t), language_flags(t) if word else 0, hot, flat))
            hit = tuple(out)
            if len(self._chunks) < 500_000:
                self._chunks[chunk] = hit
        return hit

    def features(self, folded: str) -> list[Tok]:
        parts = folded.split()
        hits = list(map(self._chunks.get, parts))
        if None in hits:
            hits = [h if h is not None else self.chunk(c) for h, c in zip(hits, parts, strict=True)]
        return list(chain.from_iterable(hits))


def language_of(toks: list[Tok]) -> tuple[str, str]:
    """`ru` | `kk` | `other` from the tokens' language marks (see `language.detect_language`)."""
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

"""Official reshares: a post that forwards or copies an official publication.

A mention is an official reshare when
* its `reshare_of` names a post of the same platform, in the batch, by an official author; or
* it credits an official account ("#regram @akimat_…", "repost @…"); or
* its normalised text equals an official post's (by another author, published no later), or the
  two are near copies: Jaccard similarity of word 3-shingles ≥ `threshold` (exact Jaccard through an
  inverted shingle index; at batch sizes that is cheaper than MinHash and has no false negatives).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from math import ceil

from assets.classification.text import normalise

WORDS_RE = re.compile(r"\w+")
CREDIT_RE = re.compile(r"(?:#?regram|#?repost|репост|via|источник|дереккөз)\s*:?\s*@([\w.]+)", re.IGNORECASE)
SHINGLE = 3
MIN_WORDS = 6


@dataclass(slots=True)
class Post:
    key: str  # unique within the batch
    platform: str
    post_id: str
    author: str
    published: datetime
    text: str
    reshare_of: str | None
    official: bool
    words: tuple[str, ...] | None = None  # folded words, when the caller has them (fast pre-filter)


@dataclass(frozen=True)
class ReshareResult:
    reshare: bool
    source: str | None  # key of the official post it copies or forwards
    evidence: str


NOT_RESHARE = ReshareResult(False, None, "")


def shingles(text: str) -> frozenset[str]:
    """Word 3-shingles of the normalised text."""
    return _shingles_of(normalise(text))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def find_reshares(
    posts: Sequence[Post],
    official_handles: Iterable[str] = (),
    known_official_texts: Iterable[str] = (),
    threshold: float = 0.8,
) -> list[ReshareResult]:
    by_id = {(p.platform, p.post_id): p for p in posts}
    handles = {h.lower() for h in official_handles}
    finder = _CopyFinder(threshold)
    for p in posts:
        if p.official and p.text.strip():
            finder.add(p.text, p)
    for t in known_official_texts:
        if t and t.strip():
            finder.add(t, None)
    results = []
    # posts repeat texts: the sampled-shingle test once per word tuple (all alive meanwhile, so
    # their ids are unique)
    maybe: dict[int, bool] = {}
    for p in posts:
        forwarded = _forwarded(p, by_id, handles) if p.reshare_of or "@" in p.text else None
        if forwarded is not None:
            results.append(forwarded)
            continue
        if finder.texts and p.text.strip():
            may = maybe.get(id(p.words))
            if may is None:
                may = maybe[id(p.words)] = _maybe_copy(p, finder.index)
            if may:
                results.append(finder.match(p))
                continue
        results.append(NOT_RESHARE)
    return results


class _CopyFinder:
    """Official texts, deduplicated by normalised text, with an inverted index of their shingles."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.texts: dict[str, int] = {}  # normalised text -> unique id
        self.sources: list[list[Post | None]] = []
        self.sets: list[frozenset[str]] = []
        self.index: dict[str, list[int]] = {}
        self._norm: dict[str, str] = {}
        self._shingles: dict[str, frozenset[str]] = {}
        self._ranked: dict[str, list[tuple[float, int]]] = {}

    def norm(self, text: str) -> str:
        hit = self._norm.get(text)
        if hit is None:
            hit = self._norm[text] = normalise(text)
        return hit

    def shingles(self, norm: str) -> frozenset[str]:
        hit = self._shingles.get(norm)
        if hit is None:
            hit = self._shingles[norm] = _shingles_of(norm)
        return hit

    def add(self, text: str, post: Post | None) -> None:
        norm = self.norm(text)
        uid = self.texts.get(norm)
        if uid is None:
            self._ranked.clear()  # a new text may be a candidate of any post
            uid = self.texts[norm] = len(self.sources)
            self.sources.append([])
            s = self.shingles(norm)
            self.sets.append(s)
            for sh in s:
                self.index.setdefault(sh, []).append(uid)
        self.sources[uid].append(post)

    def _source(self, uid: int, p: Post) -> tuple[bool, Post | None]:
        """Whether unique text uid has a source p may copy (another author, not later), and which."""
        for src in self.sources[uid]:
            if src is None:
                return True, None
            if src.key != p.key and src.author != p.author and src.published <= p.published:
                return True, src
        return False, None

    def match(self, p: Post) -> ReshareResult:
        norm = self.norm(p.text)
        uid = self.texts.get(norm)
        if uid is not None:
            ok, src = self._source(uid, p)
            if ok:
                return ReshareResult(True, src.key if src else None, "same normalised text as an official post")
        ranked = self._ranked.get(norm)
        if ranked is None:
            mine = self.shingles(norm)
            short = len(mine) < MIN_WORDS - SHINGLE + 1
            ranked = self._ranked[norm] = [] if short else sorted(self._candidates(mine), reverse=True)
        for score, u in ranked:
            if score < self.threshold:
                break
            ok, src = self._source(u, p)
            if ok:
                return ReshareResult(
                    True, src.key if src else None, f"near copy of an official post (jaccard {score:.2f})"
                )
        return NOT_RESHARE

    def _candidates(self, mine: frozenset[str]) -> list[tuple[float, int]]:
        """(jaccard, uid) of every official text whose Jaccard with `mine` can reach the threshold.

        Prefix filter, exact: J >= t needs an intersection of at least t * |mine| shingles, so any
        |mine| - need + 1 of mine's shingles include one of the text's. The rarest are probed.
        """
        size = len(mine)
        need = max(1, ceil(self.threshold * size - 1e-9))
        index = self.index
        probes = sorted(mine, key=lambda sh: len(index.get(sh, ())))[: size - need + 1]
        uids: set[int] = set()
        for sh in probes:
            uids.update(index.get(sh, ()))
        out = []
        for u in uids:
            other = self.sets[u]
            if len(other) * self.threshold > size + 1e-9:
                continue  # too long to reach the threshold
            inter = len(mine & other)
            if inter >= need:
                out.append((inter / (size + len(other) - inter), u))
        return out


def _shingles_of(norm: str) -> frozenset[str]:
    words = WORDS_RE.findall(norm)
    if len(words) < SHINGLE:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def _maybe_copy(p: Post, index: dict[str, list[int]]) -> bool:
    """Cheap test: could p share most word 3-shingles with an official text? (sampled shingles)"""
    if p.words is None or len(p.words) < SHINGLE + 1:
        return True
    words = p.words
    n = len(words) - SHINGLE + 1
    hits = 0
    for i in {0, n // 3, (2 * n) // 3, n - 1}:
        if " ".join(words[i : i + SHINGLE]) in index:
            hits += 1
            if hits == 2:
                return True
    return False


def _forwarded(p: Post, by_id: dict[tuple[str, str], Post], handles: set[str]) -> ReshareResult | None:
    if p.reshare_of:
        src = by_id.get((p.platform, p.reshare_of))
        if src is not None and src.official and src.key != p.key:
            return ReshareResult(True, src.key, f"reshare_of {p.reshare_of} by official {src.author}")
    if "@" in p.text:
        credit = CREDIT_RE.search(p.text)
        if credit and credit.group(1).lower().rstrip(".") in handles:
            return ReshareResult(True, None, f"credits official @{credit.group(1)}")
    return None

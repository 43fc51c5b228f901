"""Evidence-based detectors run over the loaded, classified mentions (before dbt):

- accounts that look official without being in the registry: an official-looking name or
  handle, a high share of reposts of official posts, or taking part in bursts of near-identical
  praise posted by several accounts within minutes (a bot ring);
- a new akim in the data: "аким … области" next to a name the roster does not know.

Pure functions over plain records; `load_posts` is the only one that reads the warehouse.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import duckdb

from assets.quality.settings import OFFICIAL_NAME_PATTERNS, QualitySettings

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class Post:
    platform: str
    id: str
    author_id: str
    author_name: str
    text: str
    published_utc: datetime
    local_date: date
    reshare_of: str | None
    author_type: str
    sentiment: str
    official_reshare: bool


@dataclass
class SuspectAccount:
    platform: str
    author_id: str
    author_name: str
    posts: int
    signals: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


def load_posts(con: duckdb.DuckDBPyConnection) -> list[Post]:
    rows = con.execute(
        """
        select m.platform, m.id, m.author_id, coalesce(m.author_name, ''), m.text, m.published_utc, m.local_date,
               nullif(trim(m.reshare_of), ''), coalesce(c.author_type, ''), coalesce(c.sentiment, ''),
               coalesce(c.official_reshare, false)
        from raw.mentions m left join raw.classified_mentions c using (platform, id)
        order by m.platform, m.published_utc, m.id
        """
    ).fetchall()
    return [Post(*r) for r in rows]


def registry(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """(platform, author_id) of the registry this warehouse uses (its override, else the seed)."""
    from assets.reference import load_reference
    from assets.warehouse import load_overrides

    tenures, accounts = load_overrides(con)
    reference = load_reference(tenures, accounts)
    return {(a.platform.lower(), a.author_id) for a in reference.official_accounts}


def official_name_match(
    author_id: str, author_name: str, patterns: Sequence[str] = OFFICIAL_NAME_PATTERNS
) -> str | None:
    """The first official-looking fragment in the handle or display name, or None."""
    for text in (author_name, author_id):
        for pattern in patterns:
            found = re.search(pattern, text.lower())
            if found:
                return found.group(0).strip()
    return None


def text_tokens(text: str) -> frozenset[str]:
    """Lower-cased words without punctuation, digits or emoji: what near-identical texts share."""
    return frozenset([w for w in _WORD.findall(text.lower().replace("ё", "е")) if len(w) > 1])


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def praise_bursts(posts: Iterable[Post], settings: QualitySettings) -> list[list[Post]]:
    """Groups of near-identical positive posts by at least `burst_min_accounts` distinct
    non-official accounts of one platform within `burst_window_minutes` of the first post."""
    window = timedelta(minutes=settings.burst_window_minutes)
    candidates = [
        p
        for p in posts
        if p.sentiment == "positive" and p.author_type != "official" and not p.official_reshare and not p.reshare_of
    ]
    by_platform: dict[str, list[Post]] = defaultdict(list)
    for p in candidates:
        by_platform[p.platform].append(p)
    bursts: list[list[Post]] = []
    for platform_posts in by_platform.values():
        platform_posts.sort(key=lambda p: (p.published_utc, p.id))
        tokens = [text_tokens(p.text) for p in platform_posts]
        used: set[int] = set()
        for i, first in enumerate(platform_posts):
            if i in used:
                continue
            group = [i]
            j = i + 1
            while j < len(platform_posts) and platform_posts[j].published_utc - first.published_utc <= window:
                if j not in used and jaccard(tokens[i], tokens[j]) >= settings.burst_similarity:
                    group.append(j)
                j += 1
            if len({platform_posts[k].author_id for k in group}) >= settings.burst_min_accounts:
                used.update(group)
                bursts.append([platform_posts[k] for k in group])
    return bursts


@dataclass(frozen=True)
class AccountFacts:
    """What the detectors need to know of one account over the whole history."""

    platform: str
    author_id: str
    author_name: str
    posts: int
    official_reposts: int
    """its posts that repost a post of an official author"""


@dataclass(frozen=True)
class BurstPost:
    platform: str
    author_id: str
    published_utc: datetime


def account_facts(posts: Sequence[Post], official: set[tuple[str, str]]) -> list[AccountFacts]:
    """Per-account facts of a list of posts (the registry and any author classified official
    count as official authors whose posts are reposted)."""
    by_key = {(p.platform, p.id): p for p in posts}
    counts: dict[tuple[str, str], int] = defaultdict(int)
    names: dict[tuple[str, str], str] = {}
    official_authors = set(official)
    for p in posts:
        key = (p.platform, p.author_id)
        counts[key] += 1
        names.setdefault(key, p.author_name)
        if p.author_type == "official":
            official_authors.add(key)
    reshares: dict[tuple[str, str], int] = defaultdict(int)
    for p in posts:
        target = by_key.get((p.platform, p.reshare_of)) if p.reshare_of else None
        if target is not None and (target.platform, target.author_id) in official_authors:
            reshares[(p.platform, p.author_id)] += 1
    return [AccountFacts(key[0], key[1], name, counts[key], reshares.get(key, 0)) for key, name in names.items()]


def suspect_accounts(
    posts: Sequence[Post], official: set[tuple[str, str]], settings: QualitySettings
) -> list[SuspectAccount]:
    """Unregistered accounts that look official, with the evidence for each."""
    bursts = [[BurstPost(p.platform, p.author_id, p.published_utc) for p in b] for b in praise_bursts(posts, settings)]
    return judge_accounts(account_facts(posts, official), official, bursts, settings)


_ANY_OFFICIAL_NAME = re.compile("|".join(f"(?:{p})" for p in OFFICIAL_NAME_PATTERNS))


def judge_accounts(
    facts: Iterable[AccountFacts],
    official: set[tuple[str, str]],
    bursts: Iterable[Sequence[BurstPost]],
    settings: QualitySettings,
) -> list[SuspectAccount]:
    """The accounts that look official by name, by reposting official posts, or by taking part
    in praise bursts, with the evidence for each (registered accounts are never listed)."""
    accounts: dict[tuple[str, str], SuspectAccount] = {}
    known = {(f.platform, f.author_id): f for f in facts}

    def account(key: tuple[str, str]) -> SuspectAccount:
        if key not in accounts:
            f = known.get(key)
            accounts[key] = SuspectAccount(key[0], key[1], f.author_name if f else "", f.posts if f else 0)
        return accounts[key]

    for key, f in known.items():
        if key in official:
            continue
        # one combined search rules out most accounts; the pattern-by-pattern search names the fragment
        if not (_ANY_OFFICIAL_NAME.search(f.author_name.lower()) or _ANY_OFFICIAL_NAME.search(f.author_id.lower())):
            continue
        fragment = official_name_match(f.author_id, f.author_name)
        if fragment:
            found = account(key)
            found.signals.append("official_name")
            found.evidence.append(f"name or handle looks official ({fragment!r})")

    for key, f in known.items():
        if key in official or not f.official_reposts or f.posts < settings.reshare_min_posts:
            continue
        share = f.official_reposts / f.posts
        if share >= settings.reshare_min_share:
            found = account(key)
            found.signals.append("official_reposts")
            found.evidence.append(f"{f.official_reposts} of {f.posts} posts ({share:.0%}) repost official posts")

    taken: dict[tuple[str, str], list[Sequence[BurstPost]]] = defaultdict(list)
    for burst in bursts:
        for key in {(p.platform, p.author_id) for p in burst}:
            taken[key].append(burst)
    for key, found_bursts in taken.items():
        if key in official or len(found_bursts) < settings.burst_min_bursts:
            continue
        partners = sorted({p.author_id for b in found_bursts for p in b} - {key[1]})
        first = min(b[0].published_utc for b in found_bursts)
        found = account(key)
        found.signals.append("praise_bursts")
        found.evidence.append(
            f"{len(found_bursts)} bursts of near-identical praise within {settings.burst_window_minutes} min "
            f"with {len(partners)} other accounts ({', '.join(partners[:5])}{', …' if len(partners) > 5 else ''}); "
            f"first {first:%Y-%m-%d %H:%M} UTC"
        )
    return sorted(accounts.values(), key=lambda a: (a.platform, a.author_id))


# ---------------------------------------------------------------- roster out of date
_NAME = r"([А-ЯЁӘҒҚҢӨҰҮҺІ][а-яёәғқңөұүһі]+)"
_REGION = r"([А-ЯЁ][а-яё]+(?:ской|ой|ий)\s+области)"
AKIM_NAME_PATTERNS = (
    re.compile(r"\b[Аа]ким(?:ом|а|у|е)?\s+" + _REGION + r"\s+" + _NAME + r"\s+" + _NAME),
    re.compile(_NAME + r"\s+" + _NAME + r",?\s+(?:—\s+|-\s+)?(?:новый\s+)?аким(?:ом|а|у|е)?\s+" + _REGION),
    re.compile(_NAME + r"\s+" + _NAME + r"\s+назначен[а]?\s+акимом\s+" + _REGION),
)


@dataclass(frozen=True)
class RosterSignal:
    platform: str
    id: str
    local_date: date
    name: str
    position: str
    excerpt: str


def _stems(words: Iterable[str]) -> set[str]:
    return {w.lower()[: max(4, len(w) - 2)] for w in words if w}


def roster_signals(posts: Iterable[Post], roster_names: Iterable[str]) -> list[RosterSignal]:
    """Mentions naming "аким … области" together with a person the roster does not know (neither
    word of the name is a known surname)."""
    stems = _stems(roster_names)
    found: list[RosterSignal] = []
    for p in posts:
        if "аким" not in p.text.lower():
            continue
        for pattern in AKIM_NAME_PATTERNS:
            match = pattern.search(p.text)
            if not match:
                continue
            groups = match.groups()
            region, words = (groups[0], groups[1:]) if pattern is AKIM_NAME_PATTERNS[0] else (groups[2], groups[:2])
            if any(w.lower()[: max(4, len(w) - 2)] in stems or w.lower().startswith(tuple(stems)) for w in words):
                continue
            excerpt = p.text[max(0, match.start() - 30) : match.end() + 30]
            found.append(RosterSignal(p.platform, p.id, p.local_date, " ".join(words), region, excerpt))
            break
    return found


def roster_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Surnames of the roster (given names are shared by many people, so they prove nothing)."""
    from assets.reference import load_persons

    return [w for p in load_persons() for w in (p.surname_ru, p.surname_kk, p.surname_latin) if w]

"""An independent, plain-Python reading of the rating rules (methodology v1.1), for tests.

It takes classified mentions (the classifier's output as stored in the warehouse) and the
tenures, and computes weekly rankings the slow, obvious way, so that the dbt models can be
checked against it on data no unit test was written for.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

ALMATY = ZoneInfo("Asia/Almaty")
INDICATORS = ("mentions", "positive", "negative", "tone_index", "authors", "engagement", "reach")


@dataclass(frozen=True)
class OracleTenure:
    region_code: str
    person_id: str
    start: date
    end: date | None


@dataclass(frozen=True)
class OracleMention:
    platform: str
    id: str
    published_at: str
    author_id: str
    author_followers: int | None
    text: str
    likes: int | None
    comments: int | None
    reposts: int | None
    reshare_of: str | None
    sentiment: str
    akims: tuple[str, ...]
    author_type: str
    official_reshare: bool

    @property
    def utc(self) -> datetime:
        return datetime.fromisoformat(self.published_at.replace("Z", "+00:00")).astimezone(ZoneInfo("UTC"))

    @property
    def day(self) -> date:
        return self.utc.astimezone(ALMATY).date()


def normalise(text: str) -> str:
    text = text.casefold().replace("ё", "е")
    text = re.sub(r"https?://\S+", "", text)
    text = re.sub(r"www\.\S+", "", text)
    return re.sub(r"\s+", " ", text).strip()


def effective_tenures(tenures: list[OracleTenure]) -> list[OracleTenure]:
    """A predecessor loses the days from its successor's start on (the newcomer holds a shared day)."""
    out = []
    for t in tenures:
        later = [o.start for o in tenures if o.region_code == t.region_code and o.start > t.start]
        end = t.end
        if later and (end is None or min(later) <= end):
            end = min(later) - timedelta(days=1)
        out.append(OracleTenure(t.region_code, t.person_id, t.start, end))
    return out


def covers(t: OracleTenure, day: date) -> bool:
    return t.start <= day and (t.end is None or day <= t.end)


def eligibility(
    mentions: list[OracleMention], tenures: list[OracleTenure], registry: set[tuple[str, str]]
) -> list[tuple[OracleMention, str | None, str, OracleTenure | None]]:
    """(mention, person, status, tenure) per mention x person, statuses as in the methodology."""
    official = {
        (m.platform, m.id) for m in mentions if (m.platform, m.author_id) in registry or m.author_type == "official"
    }
    official_texts = {normalise(m.text) for m in mentions if (m.platform, m.id) in official and normalise(m.text)}
    rows = []
    for m in mentions:
        for person in m.akims or (None,):
            tenure = None
            if person is None:
                status = "no_akim"
            elif (m.platform, m.id) in official:
                status = "official_author"
            elif (
                (m.reshare_of and (m.platform, m.reshare_of) in official)
                or normalise(m.text) in official_texts
                or m.official_reshare
            ):
                status = "official_reshare"
            else:
                held = [t for t in tenures if t.person_id == person and covers(t, m.day)]
                held.sort(key=lambda t: t.start, reverse=True)
                tenure = held[0] if held else None
                status = "eligible" if tenure else "out_of_tenure"
            rows.append((m, person, status, tenure))
    groups: dict[tuple, list[int]] = defaultdict(list)
    for n, (m, person, status, _) in enumerate(rows):
        if status == "eligible":
            week = m.day.isocalendar()[:2]
            groups[(person, m.platform, m.author_id, normalise(m.text), week)].append(n)
    for members in groups.values():
        members.sort(key=lambda n: (rows[n][0].utc, rows[n][0].id))
        for n in members[1:]:
            m, person, _, tenure = rows[n]
            rows[n] = (m, person, "duplicate", tenure)
    return rows


def indicators(mentions: list[OracleMention]) -> dict[str, float]:
    positive = sum(m.sentiment == "positive" for m in mentions)
    negative = sum(m.sentiment == "negative" for m in mentions)
    followers: dict[str, int] = {}
    for m in mentions:
        followers[m.author_id] = max(followers.get(m.author_id, 0), m.author_followers or 0)
    return {
        "mentions": len(mentions),
        "positive": positive,
        "negative": negative,
        "tone_index": (positive - negative) / (positive + negative) if positive + negative else 0.0,
        "authors": len({m.author_id for m in mentions}),
        "engagement": sum((m.likes or 0) + (m.comments or 0) + (m.reposts or 0) for m in mentions),
        "reach": sum(followers.values()),
    }


def tournament(rows: dict[str, dict[str, float]]) -> list[dict]:
    """person_id -> indicators  ==>  ranked rows with score and rank."""
    n = len(rows)
    scored = []
    for person, values in rows.items():
        score = 0
        for name in INDICATORS:
            lower_is_better = name == "negative"
            better = sum(
                1
                for other in rows.values()
                if (other[name] < values[name] if lower_is_better else other[name] > values[name])
            )
            score += n + 1 - (better + 1)
        scored.append({"person_id": person, "score": score, **values})
    scored.sort(key=lambda r: (-r["score"], -r["tone_index"], -r["mentions"], r["person_id"]))
    for rank, row in enumerate(scored, start=1):
        row["rank"] = rank
    return scored


def weekly_ranking(
    monday: date, rows: list[tuple[OracleMention, str | None, str, OracleTenure | None]], tenures: list[OracleTenure]
) -> list[dict]:
    days = [monday + timedelta(days=k) for k in range(7)]
    ranked = [t for t in tenures if sum(covers(t, d) for d in days) >= 4]
    per_tenure = {
        t.person_id: indicators(
            [m for m, _, status, tenure in rows if status == "eligible" and tenure == t and m.day in days]
        )
        for t in ranked
    }
    return tournament(per_tenure)


# --- rank intervals (issue #18): the resampling by author, written out plainly ----------------

MASK32 = 0xFFFFFFFF
# P(X <= k) of Poisson(1), k = 0..7, as thresholds on a 32-bit uniform
POISSON_THRESHOLDS = [round(sum(math.exp(-1) / math.factorial(j) for j in range(k + 1)) * 2**32) for k in range(8)]


def stream_key(seed: str, period_kind: str, period: str, author_id: str) -> int:
    """The author's 32-bit key in a period: the first 8 hex digits of md5('seed|kind|period|author')."""
    return int(hashlib.md5(f"{seed}|{period_kind}|{period}|{author_id}".encode()).hexdigest()[:8], 16)


def poisson_draws(key: int, replicate: int) -> int:
    """How many times the author is drawn in the replicate (the documented hash, then Poisson(1))."""
    h = key ^ ((replicate * 2654435761) & MASK32)
    h ^= h >> 16
    h = (h * 2146121005) & MASK32
    h ^= h >> 15
    h = (h * 830770091) & MASK32
    h ^= h >> 16
    return next((k for k, limit in enumerate(POISSON_THRESHOLDS) if h < limit), 8)


def resampled_ranking(mentions_by_person: dict[str, list[OracleMention]], draws: Callable[[str], int]) -> list[dict]:
    """The tournament when each author is drawn draws(author_id) times: an author drawn k times
    becomes k distinct authors (clones) each repeating its mentions."""
    return tournament(
        {
            person: indicators(
                [replace(m, author_id=f"{m.author_id}#{k}") for m in mentions for k in range(draws(m.author_id))]
            )
            for person, mentions in mentions_by_person.items()
        }
    )


def percentile_disc(values: list[int], fraction: float) -> int:
    """The first value whose cumulative share reaches `fraction` (SQL percentile_disc)."""
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def replicate_places(
    mentions_by_person: dict[str, list[OracleMention]], seed: str, period_kind: str, period: str, replicates: int
) -> dict[str, list[int]]:
    """Each person's place in replicates 1..n of the period (the seeded draws per author)."""
    keys = {
        m.author_id: stream_key(seed, period_kind, period, m.author_id)
        for mentions in mentions_by_person.values()
        for m in mentions
    }
    places: dict[str, list[int]] = {person: [] for person in mentions_by_person}
    for replicate in range(1, replicates + 1):
        for row in resampled_ranking(mentions_by_person, lambda author, r=replicate: poisson_draws(keys[author], r)):
            places[row["person_id"]].append(row["rank"])
    return places


def interval_rows(order: list[str], places: dict[str, list[int]]) -> list[tuple]:
    """(rank, person, rank_low, rank_high, p_above_next, replicates) for the published order."""
    rows = []
    for rank, person in enumerate(order, start=1):
        mine = places[person]
        following = places[order[rank]] if rank < len(order) else None
        above = sum(a < b for a, b in zip(mine, following, strict=True)) / len(mine) if following else None
        rows.append((rank, person, percentile_disc(mine, 0.05), percentile_disc(mine, 0.95), above, len(mine)))
    return rows

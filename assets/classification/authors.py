"""Author type: `official`, `media` or `person`, with the evidence.

Order: the official-account registry on (platform, author_id); the akim's own account (display
name equal to an akim's name, or "Аким …"/"<surname>_official" pages); state-body patterns in
the id or display name (akimat, press service, ГУ/КГУ, gov.kz, departments, police, …); media
patterns (news, TV, agency, newspaper, .kz news sites, "ақпарат", …). Anything else is a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assets.classification.attribution import AkimMatcher
from assets.reference import Reference

OFFICIAL_NAME_RE = re.compile(
    r"акимат|әкімдіг|әкімдік|akimat|akimdig|пресс-служб|пресс служб|баспасөз қызмет|"
    r"(?:^|[\s«\"(])(?:ГУ|КГУ|РГУ|ГККП|КГП|РГП|ГКП)(?:[\s«\"»)]|$)|"
    r"gov\.kz|\.gov\b|департамент|управлени|министерств|министрліг|басқарма|"
    r"полици|\bдп\b|\bдвд\b|комитет|маслихат|мәслихат|правительств|үкімет|ақорда|акорда|"
    r"государственн|мемлекеттік|аппарат акима|әкімі аппарат|ведомств|служба спасения|\bмчс\b|\bтжм\b",
    re.IGNORECASE,
)
OFFICIAL_ID_PARTS = frozenset(
    {
        "akimat",
        "akimdigi",
        "akimdik",
        "press",
        "gov",
        "govkz",
        "police",
        "polisia",
        "minzdrav",
        "mvd",
        "dvd",
        "departament",
        "department",
        "upravlenie",
        "ministry",
        "minfin",
        "primeminister",
        "aqorda",
        "akorda",
        "maslikhat",
        "maslihat",
        "official",
        "resmi",
    }
)
ID_SPLIT_RE = re.compile(r"[^0-9a-zа-яёәғқңөұүһі]+")
AKIM_FIRST_RE = re.compile(r"^\s*(?:аким|әкім|akim)\b", re.IGNORECASE)
AKIM_PAGE_RE = re.compile(r"^\s*(?:аким|әкім|akim)\b|официальн|official|ресми", re.IGNORECASE)
MEDIA_NAME_RE = re.compile(
    r"news|новост|ньюс|жаңалық|ақпарат|aqparat|akparat|информ|inform|\binfo\b|инфо\b|\btv\b|\bтв\b|"
    r"телеканал|радио|radio|газет|gazeta|журнал|агентств|agency|портал|portal|media\b|медиа|times|таймс|"
    r"сегодня|segodnya|обзор|главное|live\b|онлайн|online|24/7|\b24\b|\.kz$|"
    r"tengri|informburo|zakon|kursiv|vlast|kazinform|azattyq|orda\.kz|nur\.kz|ktk|khabar|хабар|"
    r"ulysmedia|exclusive|lada\.kz|pressa|пресса|вести|vesti|курьер|kurier|хроник|dailynews|daily|"
    r"kazpravda|егемен|egemen|aikyn|айқын|время|vremya|экспресс",
    re.IGNORECASE,
)
MEDIA_ID_PARTS = frozenset(
    {
        "news",
        "novosti",
        "info",
        "tv",
        "media",
        "live",
        "online",
        "times",
        "segodnya",
        "24",
        "aqparat",
        "akparat",
        "obzor",
        "glavnoe",
        "gazeta",
        "radio",
        "press",
        "kz_news",
        "tengrinews",
        "informburo",
        "zakon",
        "orda",
    }
)
PERSON_HINT_PARTS = frozenset({"fan", "fans", "reader", "chitatel", "forum", "lover", "mama", "papa", "jigit"})


@dataclass(frozen=True)
class AuthorType:
    kind: str  # official | media | person
    evidence: str
    akim: str | None = None  # person_id when the account is the akim's own


def account_key(platform: str, author_id: str) -> tuple[str, str]:
    """The registry's matching key: platform and id compared case-insensitively (handles on
    Telegram, Instagram, X and VK screen names are case-insensitive; numeric ids have no case).
    Surrounding spaces are stripped where ids are loaded (assets/records.py, assets/reference.py),
    and a leading '@' is part of the id. The SQL side compares the same way, `lower(...)` on
    both ids: int_mention_eligibility's registry join and the staging kept-author decision."""
    return platform.lower(), author_id.lower()


def _id_parts(author_id: str) -> list[str]:
    return [p for p in ID_SPLIT_RE.split(author_id.lower()) if p]


@dataclass(frozen=True, slots=True)
class _NameFacts:
    """What the rules read from a display name (many accounts share one)."""

    person: str | None  # the roster person the name spells
    akim_page: bool  # "Аким …", "official", "ресми" …
    akim_first: bool  # begins with "аким"/"әкім"/"akim"
    official: str | None  # the state-body pattern found
    media: str | None  # the media pattern found


class AuthorClassifier:
    def __init__(self, reference: Reference, matcher: AkimMatcher) -> None:
        self.matcher = matcher
        self.registry = {account_key(a.platform, a.author_id): a for a in reference.official_accounts}
        self._cache: dict[tuple[str, str, str], AuthorType] = {}
        self._names: dict[str, _NameFacts] = {}

    def classify(self, platform: str, author_id: str, author_name: str | None) -> AuthorType:
        key = (platform, author_id, author_name or "")
        hit = self._cache.get(key)
        if hit is None:
            hit = self._classify(platform, author_id, author_name or "")
            self._cache[key] = hit
        return hit

    def _name_facts(self, name: str) -> _NameFacts:
        hit = self._names.get(name)
        if hit is None:
            official = OFFICIAL_NAME_RE.search(name)
            media = MEDIA_NAME_RE.search(name)
            hit = self._names[name] = _NameFacts(
                self.matcher.person_of_name(name) if name else None,
                bool(AKIM_PAGE_RE.search(name)),
                bool(AKIM_FIRST_RE.match(name)),
                official.group(0) if official else None,
                media.group(0) if media else None,
            )
        return hit

    def _classify(self, platform: str, author_id: str, name: str) -> AuthorType:
        account = self.registry.get(account_key(platform, author_id))
        if account is not None:
            return AuthorType("official", f"registry {account.kind} {account.region_code}".strip())
        facts = self._name_facts(name)
        pid = facts.person
        if pid:
            return AuthorType("official", f"akim's own account (name = {pid})", pid)
        parts = _id_parts(author_id)
        if facts.akim_page and (facts.akim_first or "akim" in parts):
            return AuthorType("official", f"akim's page: {name!r}")
        if any(p in {"official", "akim", "press", "resmi"} for p in parts):
            handle_person = self.matcher.surname_in_handle(author_id)
            if handle_person:
                return AuthorType("official", f"akim's own handle {author_id!r}", handle_person)
        found = facts.official
        if found is None:
            m = OFFICIAL_NAME_RE.search(author_id)
            found = m.group(0) if m else None
        if found is not None:
            return AuthorType("official", f"state-body pattern {found.strip()!r}")
        official_parts = [p for p in parts if p in OFFICIAL_ID_PARTS or p.startswith(("akimat", "akim"))]
        if (
            official_parts
            and not any(p in PERSON_HINT_PARTS for p in parts)
            and (official_parts != ["press"] or platform in {"telegram", "x"})
        ):
            return AuthorType("official", f"state-body handle part {official_parts[0]!r}")
        if platform == "web" and "/" not in author_id and "." in author_id:
            return AuthorType("media", f"web site {author_id!r}")
        if any(p in PERSON_HINT_PARTS for p in parts):
            return AuthorType("person", "fan/reader account")
        if facts.media is not None and "/" not in author_id:
            return AuthorType("media", f"media pattern {facts.media!r} in name")
        media_parts = [p for p in parts if p in MEDIA_ID_PARTS]
        if media_parts and "/" not in author_id:
            return AuthorType("media", f"media handle part {media_parts[0]!r}")
        return AuthorType("person", "no official or media pattern")

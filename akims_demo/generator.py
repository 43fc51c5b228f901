"""Embedded demo source: synthetic social-media mentions of Kazakhstan's akims.

`generate_mentions(config, reference, start, end)` yields mention records of the contract
(`shared/contracts/mentions.md`, section 1) for the Asia/Almaty dates `start..end`.

The data imitates what a social-media monitor captures: citizens' posts and comments about
the akim in office (complaints, thanks, news-sharing, questions; Russian, Kazakh, a little
Latin), posts naming two akims, posts naming no rated akim, news outlets, registered official
accounts and unregistered official-like ones, a pro-akim bot ring, reshares and copy-pastes
of press releases, duplicate re-posts, mentions of departed akims and of a vacant post.

Determinism and window independence: every day's rows come from a random generator seeded
with (seed, day); the author pools and akim profiles depend on the config only. A day's
generation may place rows on the following days of up to `MAX_SPILL_DAYS` (reshares of a
press release, a re-post later in the week), so a window is produced from the days that can
spill into it and then restricted to its own dates. Generating [a, b] and then [b+1, c]
therefore gives exactly the rows of [a, c].

`generate_labelled` yields each row with its ground truth (akims meant, tone, author type,
official reshare, duplicate_of), for tests and for checking a classifier on the demo.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import string
import sys
import zlib
from bisect import bisect
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from akims_demo import texts as T
from assets.reference import OfficialAccount, Person, Reference, Region, Tenure, load_reference

ALMATY = ZoneInfo("Asia/Almaty")
HALF_YEAR_DAYS = 181  # 2019-01-01..2019-06-30: mentions_per_half_year is spread over this many days
# The primary kinds' shares below sum to ~0.80; derived kinds (reshares, copies, duplicates, the
# bot ring, appointment news) add the rest. Measured on 2019-H1, seed 2019: total / target = 1.0.
VOLUME_CALIBRATION = 1.118
MAX_SPILL_DAYS = 7
WEEKDAY_FACTOR = (1.08, 1.10, 1.10, 1.08, 1.04, 0.80, 0.80)  # Monday..Sunday, mean 1
HOUR_WEIGHTS = (
    1.0,
    0.5,
    0.3,
    0.2,
    0.2,
    0.4,
    1.0,
    2.0,
    3.5,
    4.5,
    5.0,
    5.0,
    5.0,
    4.8,
    4.5,
    4.5,
    4.8,
    5.0,
    5.5,
    6.0,
    6.5,
    6.0,
    4.5,
    2.5,
)
_HOUR_CUM = tuple(accumulate(HOUR_WEIGHTS))
NUR_SULTAN_FROM = date(2019, 3, 23)
NUR_SULTAN_TO = date(2022, 9, 16)

# Shares of a day's volume by kind (the derived kinds — reshares, copies, duplicates, bot
# ring, appointment news — come on top; the total is calibrated to mentions_per_half_year).
SHARE_CITIZEN = 0.55
SHARE_NO_AKIM = 0.095
SHARE_MEDIA = 0.075
SHARE_OFFICIAL = 0.05
SHARE_UNREGISTERED = 0.032
RING_BURSTS_PER_DAY = 0.3  # per ring, at 50k a half-year and popularity 1
CITIZEN_PLATFORMS = (
    ("instagram", 30),
    ("facebook", 15),
    ("vk", 15),
    ("telegram", 15),
    ("web", 12),
    ("youtube", 5),
    ("x", 5),
    ("other", 3),
)
RU_CASES = ("nom", "gen", "dat", "ins", "acc", "prep")
KK_CASES = ("nom", "gen", "dat", "acc", "ins")

UNREGISTERED_OFFICIAL_ACCOUNTS = tuple((p, a, n, r) for p, a, n, r, _lang, _kind in T.UNREGISTERED_OFFICIAL)
BOT_RING_ACCOUNTS = tuple(
    (platform, aid, name, region) for region, platform, members in T.BOT_RINGS for aid, name in members
)


@dataclass(frozen=True)
class AkimProfile:
    person_id: str
    popularity: float  # relative volume of mentions; 0 = nobody names this akim
    tone: float  # -1 (hated) .. 1 (loved): the share of positive vs negative posts


# The days the demo *source* serves (AKIMS_SOURCE=demo, `akims demo`): the whole of 2019 and the
# rest of the ISO week 2020-W01, so 2019-H2 and the year 2019 end on a complete week. A week
# outside this span is refused, never served empty. DemoConfig's default window below (2019-H1)
# is only what `generate_mentions` yields when no dates are given; any day can be generated.
DEMO_FIRST_DAY = date(2019, 1, 1)
DEMO_LAST_DAY = date(2020, 1, 5)


def demo_serves(week_start: date) -> bool:
    """Whether the demo source has the ISO week starting on this Monday (any day of it in the span)."""
    return week_start <= DEMO_LAST_DAY and week_start + timedelta(days=6) >= DEMO_FIRST_DAY


@dataclass(frozen=True)
class DemoConfig:
    start: date = date(2019, 1, 1)  # inclusive, Asia/Almaty dates
    end: date = date(2019, 6, 30)
    mentions_per_half_year: int = 50_000  # volume scales linearly with the date span
    seed: int = 2019
    profiles: tuple[AkimProfile, ...] = ()  # overrides of the seed-derived defaults
    include_cities: bool = True


# ----------------------------------------------------------------------------- language
def _ru_surname_cases(s: str, female: bool) -> dict[str, str]:
    if female and s.endswith(("ова", "ева", "ёва", "ина")):
        stem = s[:-1]
        return {
            "nom": s,
            "gen": stem + "ой",
            "dat": stem + "ой",
            "ins": stem + "ой",
            "acc": stem + "у",
            "prep": stem + "ой",
        }
    if female or s[-1] in "аеёиоуыэюя":
        return dict.fromkeys(RU_CASES, s)
    if s.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return {"nom": s, "gen": s + "а", "dat": s + "у", "ins": s + "ым", "acc": s + "а", "prep": s + "е"}
    return _ru_noun_cases(s)


def _ru_noun_cases(s: str) -> dict[str, str]:
    """A masculine name or noun ending in a consonant (or -й), or a feminine one in -а."""
    if s.endswith("й"):
        stem = s[:-1]
        return {
            "nom": s,
            "gen": stem + "я",
            "dat": stem + "ю",
            "ins": stem + "ем",
            "acc": stem + "я",
            "prep": stem + "е",
        }
    if s.endswith("а"):
        stem = s[:-1]
        y = "и" if stem[-1] in "гкхжшчщ" else "ы"
        return {"nom": s, "gen": stem + y, "dat": stem + "е", "ins": stem + "ой", "acc": stem + "у", "prep": stem + "е"}
    if s[-1] in "еёиоуыэюя":
        return dict.fromkeys(RU_CASES, s)
    ins = "ем" if s[-1] in "жшчщц" else "ом"
    return {"nom": s, "gen": s + "а", "dat": s + "у", "ins": s + ins, "acc": s + "а", "prep": s + "е"}


def _ru_patronymic_cases(s: str) -> dict[str, str]:
    if not s or s[-1] in "ыи":  # Kazakh-style -улы / -кызы: indeclinable
        return dict.fromkeys(RU_CASES, s)
    if s.endswith("вна"):
        stem = s[:-1]
        return {
            "nom": s,
            "gen": stem + "ы",
            "dat": stem + "е",
            "ins": stem + "ой",
            "acc": stem + "у",
            "prep": stem + "е",
        }
    return {"nom": s, "gen": s + "а", "dat": s + "у", "ins": s + "ем", "acc": s + "а", "prep": s + "е"}


_KK_BACK = frozenset("аоұыя")
_KK_FRONT = frozenset("әеөүіэ")
_KK_VOWEL_END = frozenset("аоұыяәеөүіэюё")
_KK_FRONT_MAP = str.maketrans({"ы": "і", "ғ": "г", "қ": "к", "а": "е"})


def _kk_is_front(word: str) -> bool:
    for ch in reversed(word.lower()):
        if ch in _KK_BACK:
            return False
        if ch in _KK_FRONT:
            return True
    return False


def kk_case(word: str, case: str) -> str:
    """Kazakh case suffix for a (sur)name: Баталов -> Баталовқа, Байбек -> Байбектің."""
    if case == "nom" or not word:
        return word
    last = word[-1].lower()
    if last in _KK_VOWEL_END:
        cls = "vowel"
    elif last in "лрйуи":
        cls = "sonorant"
    elif last in "мнң":
        cls = "nasal"
    elif last in "жз":
        cls = "voiced"
    else:
        cls = "voiceless"
    suffix = {
        "gen": {"vowel": "ның", "nasal": "ның", "sonorant": "дың", "voiced": "дың", "voiceless": "тың"},
        "dat": {"vowel": "ға", "nasal": "ға", "sonorant": "ға", "voiced": "ға", "voiceless": "қа"},
        "acc": {"vowel": "ны", "nasal": "ды", "sonorant": "ды", "voiced": "ды", "voiceless": "ты"},
        "ins": {"vowel": "мен", "nasal": "мен", "sonorant": "мен", "voiced": "бен", "voiceless": "пен"},
    }[case][cls]
    if _kk_is_front(word):
        suffix = suffix.translate(_KK_FRONT_MAP)
    return word + suffix


def _kk_possessive_cases(phrase: str) -> dict[str, str]:
    """'Алматы облысы' -> genitive 'Алматы облысының', dative 'Алматы облысына'."""
    front = _kk_is_front(phrase)
    return {"gen": phrase + ("нің" if front else "ның"), "dat": phrase + ("не" if front else "на")}


_AKIM_RU = {"nom": "аким", "gen": "акима", "dat": "акиму", "ins": "акимом", "acc": "акима", "prep": "акиме"}
_HEAD_RU = {"nom": "глава", "gen": "главы", "dat": "главе", "ins": "главой", "acc": "главу", "prep": "главе"}
_AKIM_KK = {"nom": "әкімі", "gen": "әкімінің", "dat": "әкіміне", "acc": "әкімін", "ins": "әкімімен"}


@dataclass
class _Names:
    """All the ways of naming one person."""

    person: Person
    female: bool
    sur: dict[str, str]
    given: dict[str, str]
    patr: dict[str, str]
    ksur: dict[str, str]
    ksur_ru: dict[str, str]  # the Russian spelling with Kazakh suffixes (Шукеевке)
    kgiven: str
    lat: str
    lat_given: str

    @classmethod
    def of(cls, p: Person) -> _Names:
        female = p.patronymic_ru.endswith("вна") or p.surname_ru.endswith(("ова", "ева", "ина"))
        ksur_word = p.surname_kk or p.surname_ru
        return cls(
            person=p,
            female=female,
            sur=_ru_surname_cases(p.surname_ru, female),
            given=_ru_noun_cases(p.given_name_ru) if p.given_name_ru else dict.fromkeys(RU_CASES, ""),
            patr=_ru_patronymic_cases(p.patronymic_ru),
            ksur={c: kk_case(ksur_word, c) for c in KK_CASES},
            ksur_ru={c: kk_case(p.surname_ru, c) for c in KK_CASES},
            kgiven=p.given_name_kk or p.given_name_ru,
            lat=p.surname_latin or p.surname_ru,
            lat_given=p.given_name_latin or p.given_name_ru,
        )


@dataclass
class _RegionForms:
    region: Region
    weight: float
    ru_gen: str
    kk_gen: str
    kk_dat: str
    is_city: bool
    towns: tuple[tuple[str, str, str, str], ...]
    districts: tuple[tuple[str, str], ...]
    registry: list[OfficialAccount] = field(default_factory=list)

    def towns_on(self, day: date) -> tuple[tuple[str, str, str, str], ...]:
        if self.region.region_code == "KZ-71" and NUR_SULTAN_FROM <= day <= NUR_SULTAN_TO:
            return T.NUR_SULTAN
        return self.towns


# ----------------------------------------------------------------------------- slots
class _Ctx:
    """What one post is about; resolves template slots lazily and records what was used."""

    __slots__ = ("by_name", "day", "district", "names", "positional", "regions", "rng", "town", "used", "world")

    def __init__(
        self,
        world: _World,
        rng: random.Random,
        day: date,
        region: _RegionForms,
        people: dict[str, tuple[_Names, _RegionForms]],
    ):
        self.world = world
        self.rng = rng
        self.day = day
        self.names = people  # prefix ("", "b_", "old_") -> (names, their region)
        self.regions = region
        towns = region.towns_on(day)
        self.town = towns[int(rng.random() * len(towns))]
        self.district = (
            region.districts[int(rng.random() * len(region.districts))] if region.districts else ("района", "ауданының")
        )
        self.used: set[str] = set()
        self.positional: set[str] = set()  # prefixes referred to by position ("аким ... области")
        self.by_name: set[str] = set()  # prefixes referred to by a name form

    def fill(self, template: str) -> str:
        return _capitalize(template.format_map(_Fill(self)))

    def resolve(self, key: str) -> str:
        rng = self.rng
        region = self.regions
        if key == "in_town":
            return self.town[1]
        if key == "town":
            return self.town[0]
        if key == "kk_in_town":
            return self.town[3]
        if key == "kk_town":
            return self.town[2]
        if key == "district_gen":
            return self.district[0]
        if key == "kk_district_gen":
            return self.district[1]
        if key == "street":
            return rng.choice(T.STREETS)
        if key == "village":
            return rng.choice(T.VILLAGES)
        if key == "obj":
            return rng.choice(T.OBJECTS)
        if key == "num":
            return str(rng.randint(2, 90))
        if key == "n":
            return str(rng.randint(12, 160))
        if key == "url":
            return (
                f"https://{rng.choice(('tengrinews.kz', 'informburo.kz', 'nur.kz', 'zakon.kz'))}"
                f"/news/{rng.randint(300_000, 380_000)}/"
            )
        if key == "region_gen":
            return region.ru_gen
        if key == "region_ru":
            return region.region.name_ru
        if key == "region_kk_gen":
            return region.kk_gen
        if key == "region_kk_dat":
            return region.kk_dat
        if key == "pos_title":
            return "Аким города" if region.is_city else "Аким области"
        if key == "kpos_title":
            return "Қала әкімі" if region.is_city else "Облыс әкімі"
        if key == "akim_of_region":
            return f"Аким {region.ru_gen}"
        for prefix in ("b_", "old_"):
            if key.startswith(prefix):
                return self._person_form(prefix, key[len(prefix) :])
        return self._person_form("", key)

    def _person_form(self, prefix: str, key: str) -> str:
        self.used.add(prefix)
        positional_before = prefix in self.positional
        self.positional.discard(prefix)
        value = self._person_form_inner(prefix, key)
        if prefix not in self.positional:
            self.by_name.add(prefix)
        if positional_before:
            self.positional.add(prefix)
        return value

    def _person_form_inner(self, prefix: str, key: str) -> str:
        names, region = self.names[prefix]
        rng = self.rng
        if key in _AKIM_RU:  # a Russian case, in a randomly chosen style
            r = rng.random() * 100
            if r < 34:
                return names.sur[key]
            if r < 48:
                return f"{_AKIM_RU[key]} {names.sur[key]}"
            if r < 62:
                return f"{names.given[key]} {names.sur[key]}"
            if r < 68:
                return f"{names.person.given_name_ru[:1]}. {names.sur[key]}"
            if r < 84:
                self.positional.add(prefix)
                if region.region.abbr_ru and rng.random() < 0.3:
                    return f"{_AKIM_RU[key]} {region.region.abbr_ru}"
                return f"{_AKIM_RU[key]} {region.ru_gen}"
            if r < 94:
                return f"{_AKIM_RU[key]} {region.ru_gen} {names.given[key]} {names.sur[key]}"
            if r < 97:
                return f"{_HEAD_RU[key]} региона {names.sur[key]}"
            return f"{_AKIM_RU[key]} {'города' if region.is_city else 'области'} {names.sur[key]}"
        if key.startswith("k_") and key[2:] in _AKIM_KK:
            case = key[2:]
            r = rng.random() * 100
            if r < 35:
                return names.ksur[case]
            if r < 55:
                return f"{names.kgiven} {names.ksur[case]}"
            if r < 63:
                return f"әкім {names.ksur[case]}"
            if r < 85:
                self.positional.add(prefix)
                return f"{region.kk_gen} {_AKIM_KK[case]}"
            if r < 95:
                title = "қала әкімі" if region.is_city else "облыс әкімі"
                return f"{title} {names.kgiven} {names.ksur[case]}"
            return names.ksur_ru[case]
        if key == "addr":
            r = rng.random()
            p = names.person
            if p.patronymic_ru and r < 0.65:
                return f"{p.given_name_ru} {p.patronymic_ru}"
            if r < 0.85:
                return f"{p.given_name_ru} {p.surname_ru}"
            return f"{'госпожа' if names.female else 'господин'} {p.surname_ru}"
        if key == "k_addr":
            r = rng.random()
            if r < 0.5:
                return f"{names.kgiven} {'апай' if names.female else 'аға'}"
            if r < 0.8:
                return f"құрметті {names.kgiven} {names.ksur['nom']}"
            return f"{names.ksur['nom']} {'ханым' if names.female else 'мырза'}"
        if key == "sur":
            return names.sur["nom"]
        if key.startswith("sur_"):
            return names.sur[key[4:]]
        if key == "full":
            return f"{names.person.given_name_ru} {names.sur['nom']}"
        if key == "full_gen":
            return f"{names.given['gen']} {names.sur['gen']}"
        if key == "lat":
            return names.lat
        if key == "ksur":
            return names.ksur["nom"]
        if key.startswith("ksur_"):
            return names.ksur[key[5:]]
        if key == "kfull":
            return f"{names.kgiven} {names.ksur['nom']}"
        if key == "kfull_gen":
            return f"{names.kgiven} {names.ksur['gen']}"
        raise KeyError(key)


class _Fill(dict):
    def __init__(self, ctx: _Ctx):
        super().__init__()
        self.ctx = ctx

    def __missing__(self, key: str) -> str:
        value = self.ctx.resolve(key)
        self[key] = value
        return value


# ----------------------------------------------------------------------------- authors
class _Author:
    __slots__ = ("author_id", "followers", "kk", "mixed", "name", "platform", "region")

    def __init__(
        self,
        platform: str,
        author_id: str,
        name: str,
        followers: int,
        region: str,
        kk: float = 0.0,
        mixed: bool = False,
    ):
        self.platform = platform
        self.author_id = author_id
        self.name = name
        self.followers = followers
        self.region = region
        self.kk = kk
        self.mixed = mixed


class _Pool:
    """Authors with heavy-tailed activity weights, for fast weighted choice."""

    def __init__(self, authors: list[_Author], weights: list[float]):
        self.authors = authors
        self.cum = list(accumulate(weights))

    def pick(self, rng: random.Random) -> _Author:
        return self.authors[bisect(self.cum, rng.random() * self.cum[-1])]


_TRANSLIT = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ё": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "i",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "sch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
        "ә": "a",
        "ғ": "g",
        "қ": "k",
        "ң": "n",
        "ө": "o",
        "ұ": "u",
        "ү": "u",
        "һ": "h",
        "і": "i",
    }
)
_ID_CHARS = string.ascii_letters + string.digits + "_-"


def _translit(text: str) -> str:
    return text.lower().translate(_TRANSLIT)


def _female_surname(s: str) -> str:
    return s + "а" if s.endswith(("ов", "ев", "ин")) else s


# ----------------------------------------------------------------------------- the world
@dataclass
class _Slot:
    kind: str  # "akim", "gap", "departed"
    region: _RegionForms
    person: str | None  # the incumbent (akim), the predecessor (gap, departed)
    days_in: int = 0  # days since the incumbent's start
    old: str | None = None  # the predecessor (for an incumbent), when recent


@dataclass
class _DayState:
    slots: list[_Slot]
    cum: list[float]
    regions: list[_RegionForms]
    incumbent: dict[str, str]  # region_code -> person_id
    starts: list[tuple[_RegionForms, str]]  # tenures starting within the last 2 days
    event: dict[str, float]


class _World:
    def __init__(self, config: DemoConfig, reference: Reference):
        self.config = config
        self.reference = reference
        self.base = config.mentions_per_half_year / HALF_YEAR_DAYS * VOLUME_CALIBRATION
        self.scale = config.mentions_per_half_year / 50_000
        self.names = {p.person_id: _Names.of(p) for p in reference.persons}
        self.profiles = self._profiles(config, reference)
        self.regions: dict[str, _RegionForms] = {}
        for region in reference.regions:
            if region.region_kind == "city" and not config.include_cities:
                continue
            kk = _kk_possessive_cases(region.name_kk)
            towns = T.TOWNS.get(region.region_code) or (
                (region.center_ru, f"в {region.center_ru}", region.center_kk, region.center_kk),
            )
            self.regions[region.region_code] = _RegionForms(
                region=region,
                weight=T.REGION_WEIGHT.get(region.region_code, 0.6),
                ru_gen=region.name_ru_genitive,
                kk_gen=kk["gen"],
                kk_dat=kk["dat"],
                is_city=region.region_kind == "city",
                towns=towns,
                districts=T.DISTRICTS.get(region.region_code, ()),
            )
        for account in reference.official_accounts:
            if account.region_code in self.regions:
                self.regions[account.region_code].registry.append(account)
        self.state_bodies = [a for a in reference.official_accounts if not a.region_code]
        self.tenures: dict[str, list[Tenure]] = defaultdict(list)
        for tenure in reference.tenures:
            self.tenures[tenure.region_code].append(tenure)
        for tenures in self.tenures.values():
            tenures.sort(key=lambda t: t.start_date)
        self.unregistered = [u for u in T.UNREGISTERED_OFFICIAL if u[3] in self.regions]
        self.events = [(code, date.fromisoformat(a), date.fromisoformat(b), m) for code, a, b, m in T.EVENTS]
        self._build_authors()
        self._states: dict[date, _DayState] = {}
        self._offsets: dict[date, str] = {}

    # -- profiles
    @staticmethod
    def _profiles(config: DemoConfig, reference: Reference) -> dict[str, AkimProfile]:
        profiles = {}
        for person in reference.persons:
            rng = random.Random(f"{config.seed}:profile:{person.person_id}")
            popularity = min(2.8, max(0.35, math.exp(rng.gauss(0.0, 0.45))))
            tone = min(0.9, max(-0.9, rng.gauss(0.0, 0.35)))
            profiles[person.person_id] = AkimProfile(person.person_id, round(popularity, 3), round(tone, 3))
        for override in config.profiles:
            profiles[override.person_id] = override
        return profiles

    def popularity(self, person_id: str | None) -> float:
        return max(0.0, self.profiles[person_id].popularity) if person_id in self.profiles else 0.0

    # -- authors
    def _build_authors(self) -> None:
        rng = random.Random(f"{self.config.seed}:authors")
        banned = {p.surname_ru for p in self.reference.persons}
        kk_surnames = [s for s in T.KK_SURNAMES if s not in banned]
        ru_surnames = [s for s in T.RU_SURNAMES if s not in banned]
        platforms = [p for p, _ in CITIZEN_PLATFORMS]
        platform_cum = list(accumulate(w for _, w in CITIZEN_PLATFORMS))
        total = max(600, self.config.mentions_per_half_year // 4)
        weight_sum = sum(r.weight for r in self.regions.values())
        seen: set[tuple[str, str]] = set()
        self.pools: dict[str, _Pool] = {}
        self.platform_pools: dict[tuple[str, str], _Pool] = {}
        by_platform: dict[str, tuple[list[_Author], list[float]]] = defaultdict(lambda: ([], []))
        everyone: tuple[list[_Author], list[float]] = ([], [])
        for code, region in sorted(self.regions.items()):
            count = max(40, round(total * region.weight / weight_sum))
            kk_share = T.KK_SHARE.get(code, 0.3)
            authors, weights = [], []
            local: dict[str, tuple[list[_Author], list[float]]] = defaultdict(lambda: ([], []))
            for _ in range(count):
                platform = platforms[bisect(platform_cum, rng.random() * platform_cum[-1])]
                kazakh = rng.random() < kk_share + 0.03
                female = rng.random() < 0.5
                if kazakh or rng.random() < 0.55:
                    given = rng.choice(T.KK_FEMALE if female else T.KK_MALE)
                    surname = rng.choice(kk_surnames)
                else:
                    given = rng.choice(T.RU_FEMALE if female else T.RU_MALE)
                    surname = rng.choice(ru_surnames)
                if female:
                    surname = _female_surname(surname)
                author_id, name = self._account(rng, platform, given, surname)
                while (platform, author_id) in seen:
                    author_id += str(rng.randint(0, 9))
                seen.add((platform, author_id))
                followers = int(math.exp(rng.gauss(5.0, 1.4)))
                if rng.random() < 0.03:  # bloggers
                    followers = int(followers * rng.uniform(20, 200))
                author = _Author(
                    platform,
                    author_id,
                    name,
                    min(followers, 3_000_000),
                    code,
                    kk=(0.85 if kazakh else 0.04),
                    mixed=rng.random() < 0.15,
                )
                activity = rng.paretovariate(1.4)
                authors.append(author)
                weights.append(activity)
                local[platform][0].append(author)
                local[platform][1].append(activity)
                by_platform[platform][0].append(author)
                by_platform[platform][1].append(activity)
                everyone[0].append(author)
                everyone[1].append(activity)
            self.pools[code] = _Pool(authors, weights)
            for platform, (a, w) in local.items():
                self.platform_pools[(code, platform)] = _Pool(a, w)
        self.national = _Pool(*everyone)
        self.national_by_platform = {p: _Pool(a, w) for p, (a, w) in by_platform.items()}

    @staticmethod
    def _account(rng: random.Random, platform: str, given: str, surname: str) -> tuple[str, str]:
        g, s = _translit(given), _translit(surname)
        style = rng.random()
        if platform == "vk":
            return f"id{rng.randint(1_000_000, 560_000_000)}", f"{given} {surname}"
        if platform == "facebook":
            if style < 0.7:
                return str(rng.randint(100_000_000_000_000, 100_040_000_000_000)), f"{given} {surname}"
            return f"{g}.{s}", f"{given} {surname}"
        if platform == "youtube":
            return "UC" + "".join(rng.choices(_ID_CHARS, k=22)), f"{given} {surname}"
        year = rng.randint(1960, 2003)
        if style < 0.35:
            nick = f"{g}_{s}"
        elif style < 0.6:
            nick = f"{g}.{year % 100:02d}"
        elif style < 0.8:
            nick = f"{g}_{rng.choice(T.NICK_WORDS)}"
        else:
            nick = f"{rng.choice(T.NICK_WORDS)}_{g}{year}"
        name = f"{given} {surname}" if rng.random() < 0.6 else (f"{given} {surname[:1]}." if style < 0.5 else nick)
        return nick, name

    # -- the reference on a day
    def state(self, day: date) -> _DayState:
        cached = self._states.get(day)
        if cached is not None:
            return cached
        slots: list[_Slot] = []
        weights: list[float] = []
        incumbent: dict[str, str] = {}
        starts: list[tuple[_RegionForms, str]] = []
        regions = []
        event = {code: m for code, a, b, m in self.events if a <= day <= b}
        for code, region in self.regions.items():
            r = region.region
            if r.valid_from > day or (r.valid_to is not None and r.valid_to < day):
                continue
            regions.append(region)
            tenures = self.tenures.get(code, [])
            current = [t for t in tenures if t.covers(day)]
            current.sort(key=lambda t: t.start_date, reverse=True)
            ended = [
                t
                for t in tenures
                if t.end_date is not None and t.end_date <= day and (not current or t is not current[0])
            ]
            previous = max(ended, key=lambda t: t.end_date) if ended else None  # type: ignore[arg-type,return-value]
            since_end = (day - previous.end_date).days if previous else 10_000  # type: ignore[operator]
            boost = event.get(code, 1.0)
            if current:
                tenure = current[0]
                person = tenure.person_id
                incumbent[code] = person
                days_in = (day - tenure.start_date).days
                if days_in <= 2:
                    starts.append((region, person))
                newcomer = 1.0 + 2.0 * math.exp(-days_in / 10.0)
                old = previous.person_id if previous and since_end <= 60 else None
                slots.append(_Slot("akim", region, person, days_in, old))
                weights.append(region.weight * self.popularity(person) * newcomer * boost)
            elif previous and since_end <= 120:
                slots.append(_Slot("gap", region, previous.person_id))
                weights.append(region.weight * 0.9)
            if previous and since_end <= 60:
                slots.append(_Slot("departed", region, previous.person_id, since_end))
                weights.append(region.weight * self.popularity(previous.person_id) * 0.12 * math.exp(-since_end / 20.0))
        state = _DayState(slots, list(accumulate(weights)), regions, incumbent, starts, event)
        self._states[day] = state
        return state

    def offset(self, day: date) -> str:
        off = self._offsets.get(day)
        if off is None:
            off = datetime.combine(day, time(12), tzinfo=ALMATY).isoformat()[19:]
            self._offsets[day] = off
        return off


# ----------------------------------------------------------------------------- one day
_NO_PROFILE = AkimProfile("", 0.0, 0.0)


_SENTENCE_START = re.compile(r"(^|[.!?…]\s+)(?!https?://|www\.)([a-zа-яёәғқңөұүһі])")


def _capitalize(text: str) -> str:
    """Upper-case the first letter of each sentence (slot forms like "аким ..." may open one)."""
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)


def _sround(rng: random.Random, x: float) -> int:
    """Stochastic rounding: an integer whose expectation is x."""
    n = int(x)
    return n + (rng.random() < x - n)


class _DayGen:
    def __init__(self, world: _World, day: date):
        self.w = world
        self.day = day
        self.rng = random.Random(f"{world.config.seed}:{day.isoformat()}")
        self.state = world.state(day)
        self.items: list[tuple[date, int, dict[str, Any], dict[str, Any]]] = []
        self.n = 0
        self.id_prefix = f"demo-{day:%Y%m%d}-"
        self.official_posts: list[tuple[dict[str, Any], dict[str, Any], int, str]] = []
        self.citizen_posts: list[tuple[dict[str, Any], dict[str, Any], int, _Author]] = []

    # -- helpers
    def next_id(self) -> str:
        self.n += 1
        return f"{self.id_prefix}{self.n:05d}"

    def when(self) -> int:
        rng = self.rng
        return bisect(_HOUR_CUM, rng.random() * _HOUR_CUM[-1]) * 3600 + int(rng.random() * 3600)

    def emit(
        self,
        secs: int,
        platform: str,
        author_id: str,
        author_name: str | None,
        followers: int | None,
        text: str,
        lang: str | None,
        truth: dict[str, Any],
        *,
        reshare_of: str | None = None,
        engagement: float = 1.0,
        url_base: str | None = None,
    ) -> dict[str, Any]:
        rng = self.rng
        day = self.day + timedelta(days=secs // 86_400)
        s = secs % 86_400
        row_id = self.next_id()
        likes, comments, reposts, views = self._engagement(platform, followers or 0, engagement)
        row = {
            "id": row_id,
            "platform": platform,
            "published_at": f"{day.isoformat()}T{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}{self.w.offset(day)}",
            "author_id": author_id,
            "author_name": author_name,
            "author_followers": followers,
            "text": text,
            "url": self._url(platform, author_id, url_base) if rng.random() < 0.93 else None,
            "likes": likes,
            "comments": comments,
            "reposts": reposts,
            "views": views,
            "reshare_of": reshare_of,
            "lang": None if platform == "web" and rng.random() < 0.5 else lang,
        }
        truth["id"] = row_id
        self.items.append((day, s, row, truth))
        return row

    def _engagement(self, platform: str, followers: int, boost: float) -> tuple[Any, Any, Any, Any]:
        rng = self.rng
        scale = (followers + 20) ** 0.55 * math.exp(rng.gauss(0.0, 1.1)) * boost
        likes = int(scale * 0.35)
        comments = int(scale * 0.05 * rng.random() * 2)
        reposts = int(scale * 0.02 * rng.random() * 2)
        views = int(followers * (0.1 + 0.5 * rng.random()) + scale * 4)
        if platform == "telegram":
            return None, None, reposts, views
        if platform == "vk":
            return likes, comments, reposts, views
        if platform == "facebook":
            return likes, comments, reposts, None
        if platform == "instagram":
            return likes, comments, None, (views if rng.random() < 0.2 else None)
        if platform == "x":
            return likes, comments, reposts, None
        if platform == "youtube":
            return likes, comments, None, views * 3
        if platform == "web":
            return (likes if rng.random() < 0.3 else None), None, None, None
        return None, None, None, None

    def _url(self, platform: str, author_id: str, base: str | None) -> str | None:
        rng = self.rng
        n = rng.randint(1_000, 999_999)
        if base is not None:
            return f"{base}#comment-{n}"
        if platform == "telegram":
            return f"https://t.me/{author_id}/{n}"
        if platform == "vk":
            owner = author_id[2:] if author_id.startswith("id") else f"-{zlib.crc32(author_id.encode()) % 10**8}"
            return f"https://vk.com/wall{owner}_{n}"
        if platform == "facebook":
            return f"https://www.facebook.com/{author_id}/posts/{rng.randint(10**15, 10**16)}"
        if platform == "instagram":
            return f"https://www.instagram.com/p/B{''.join(rng.choices(_ID_CHARS, k=10))}/"
        if platform == "x":
            status = rng.randint(1_080_000_000_000_000_000, 1_150_000_000_000_000_000)  # 2019 tweet ids
            return f"https://twitter.com/{author_id}/status/{status}"
        if platform == "youtube":
            return f"https://www.youtube.com/watch?v={''.join(rng.choices(_ID_CHARS, k=11))}"
        if platform == "web":
            site = author_id if "." in author_id else rng.choice(("tengrinews.kz", "nur.kz", "zakon.kz"))
            return f"https://{site}/news/{n}"
        return None

    def ctx(
        self, region: _RegionForms, person: str | None = None, b: str | None = None, old: str | None = None
    ) -> _Ctx:
        people: dict[str, tuple[_Names, _RegionForms]] = {}
        names = self.w.names
        if person is not None:
            people[""] = (names[person], region)
        if b is not None:
            b_region = next((s.region for s in self.state.slots if s.kind == "akim" and s.person == b), region)
            people["b_"] = (names[b], b_region)
        if old is not None:
            people["old_"] = (names[old], region)
        return _Ctx(self.w, self.rng, self.day, region, people)

    def author_lang(self, author: _Author) -> str:
        r = self.rng.random()
        if author.mixed and r < 0.45:
            return "mixed"
        return "kk" if self.rng.random() < author.kk else "ru"

    def pick_author(self, region: _RegionForms) -> _Author:
        if self.rng.random() < 0.9:
            return self.w.pools[region.region.region_code].pick(self.rng)
        return self.w.national.pick(self.rng)

    # -- the day
    def run(self) -> list[tuple[date, int, dict[str, Any], dict[str, Any]]]:
        rng = self.rng
        w = self.w
        total = w.base * WEEKDAY_FACTOR[self.day.weekday()] * (0.9 + 0.2 * rng.random())
        total *= 1.0 + 0.15 * len(self.state.event)
        if self.state.slots and self.state.cum[-1] > 0:
            count = _sround(rng, total * SHARE_CITIZEN)
            for slot in rng.choices(self.state.slots, cum_weights=self.state.cum, k=count):
                self.citizen(slot)
        for _ in range(_sround(rng, total * SHARE_NO_AKIM)):
            self.no_akim()
        self.media(_sround(rng, total * SHARE_MEDIA))
        self.official(_sround(rng, total * SHARE_OFFICIAL))
        self.unregistered(_sround(rng, total * SHARE_UNREGISTERED))
        self.bot_rings()
        self.reshares()
        return self.items

    def citizen(self, slot: _Slot) -> None:
        rng = self.rng
        w = self.w
        region = slot.region
        author = self.pick_author(region)
        lang = self.author_lang(author)
        akims: list[str] = []
        kind = "citizen"
        if slot.kind == "gap":
            old = slot.person if w.popularity(slot.person) > 0 else None
            pool = T.KK_GAP if lang == "kk" else T.RU_GAP
            pool = tuple(t for t in pool if old or "{old_" not in t)
            ctx = self.ctx(region, old=old)
            text = ctx.fill(rng.choice(pool))
            akims = [old] if "old_" in ctx.used and old else []
            sentiment, kind = "neutral", "gap"
            lang = "kk" if lang == "kk" else "ru"
        elif slot.kind == "departed":
            template, sentiment = rng.choice(T.KK_DEPARTED if lang == "kk" else T.RU_DEPARTED)
            ctx = self.ctx(region, old=slot.person)
            text = ctx.fill(template)
            akims = [slot.person]  # type: ignore[list-item]
            kind = "departed"
            lang = "kk" if lang == "kk" else "ru"
        else:
            person = slot.person
            assert person is not None
            profile = w.profiles.get(person, _NO_PROFILE)
            second = None
            old = None
            r = rng.random()
            newcomer_p = 0.35 * math.exp(-slot.days_in / 14.0) if slot.days_in < 28 else 0.0
            if lang == "mixed":
                sentiment = self.sentiment(profile.tone)
                options = [t for t in T.MIXED if t[1] == sentiment] or list(T.MIXED)
                template, sentiment = rng.choice(options)
                kind = "mixed"
            elif r < newcomer_p:
                template, sentiment = rng.choice(T.KK_NEWCOMER if lang == "kk" else T.RU_NEWCOMER)
                kind = "newcomer"
            elif r < newcomer_p + 0.045:
                if slot.old and w.popularity(slot.old) > 0 and rng.random() < 0.6:
                    old = slot.old
                    template, sentiment = rng.choice(T.KK_SUCCESSION if lang == "kk" else T.RU_SUCCESSION)
                    kind = "succession"
                else:
                    others = [
                        s
                        for s in self.state.slots
                        if s.kind == "akim" and s.person != person and w.popularity(s.person) > 0
                    ]
                    if others:
                        second = rng.choice(others).person
                        template, sentiment = rng.choice(T.KK_TWO if lang == "kk" else T.RU_TWO)
                        kind = "two_akims"
                    else:
                        template, sentiment = self.single(lang, profile.tone, region)
            elif region.region.region_code in self.state.event and rng.random() < 0.4:
                template, sentiment = rng.choice(T.EVENT_KK if lang == "kk" else T.EVENT_RU)
                kind = "event"
            else:
                template, sentiment = self.single(lang, profile.tone, region)
            ctx = self.ctx(region, person, b=second, old=old)
            text = ctx.fill(template)
            akims = [person]
            if second:
                akims.append(second)
            if old:
                akims.append(old)
            if rng.random() < 0.05:
                names = w.names[person]
                text += f" #{names.lat if lang == 'mixed' else names.person.surname_ru}"
            if lang == "mixed":
                lang = None  # type: ignore[assignment]
        tails = (
            (T.KK_POS_TAILS if sentiment == "positive" else T.KK_TAILS)
            if lang == "kk"
            else (T.RU_POS_TAILS if sentiment == "positive" else T.RU_TAILS)
        )
        if sentiment != "neutral":
            text += rng.choice(tails)
        url_base = None
        comment = author.platform in ("instagram", "facebook", "vk", "youtube") and rng.random() < 0.15
        if comment:
            kind += "_comment"
            registry = [a for a in region.registry if a.platform == author.platform]
            if registry and rng.random() < 0.5:
                text = f"@{registry[0].author_id} {text}"
        elif author.platform == "web":
            url_base = (
                f"https://{rng.choice(('tengrinews.kz', 'nur.kz', 'zakon.kz', 'informburo.kz'))}"
                f"/news/{rng.randint(300_000, 380_000)}/"
            )
        truth = {
            "kind": kind,
            "akims": akims,
            "sentiment": sentiment,
            "author_type": "person",
            "official_reshare": False,
            "region_code": region.region.region_code,
            "position_only": bool(akims) and "" in ctx.positional and "" not in ctx.by_name,
            "duplicate_of": None,
        }
        secs = self.when()
        row = self.emit(
            secs,
            author.platform,
            author.author_id,
            author.name,
            self.followers(author),
            text,
            lang,
            truth,
            engagement=1.3 if sentiment == "negative" else 1.0,
            url_base=url_base,
        )
        if akims and not comment:
            self.citizen_posts.append((row, truth, secs, author))
            self.maybe_duplicate(row, truth, secs, author)

    def sentiment(self, tone: float) -> str:
        r = self.rng.random()
        positive = 0.22 + 0.2 * tone
        negative = 0.45 - 0.3 * tone
        return "positive" if r < positive else ("negative" if r < positive + negative else "neutral")

    def single(self, lang: str, tone: float, region: _RegionForms) -> tuple[str, str]:
        rng = self.rng
        sentiment = self.sentiment(tone)
        if sentiment == "positive":
            return rng.choice(T.KK_POS if lang == "kk" else T.RU_POS), sentiment
        if sentiment == "negative":
            if rng.random() < 0.1:
                return rng.choice(T.KK_SARCASM if lang == "kk" else T.RU_SARCASM), sentiment
            if lang == "kk":
                return rng.choice(T.KK_NEG), sentiment
            month = self.day.month - 1
            topics = list(T.TOPIC_WEIGHTS)
            topic = rng.choices(topics, weights=[T.TOPIC_WEIGHTS[t][month] for t in topics])[0]
            return rng.choice(T.RU_NEG[topic]), sentiment
        if lang == "kk":
            return rng.choice(T.KK_NEUTRAL), sentiment
        return rng.choice(T.RU_NEUTRAL if rng.random() < 0.55 else T.RU_QUESTION), sentiment

    def followers(self, author: _Author) -> int:
        # slow growth over time, so "the largest followers" of an author is a real choice
        months = (self.day.year - 2019) * 12 + self.day.month
        return int(author.followers * (1 + 0.01 * max(0, months)))

    def maybe_duplicate(self, row: dict[str, Any], truth: dict[str, Any], secs: int, author: _Author) -> None:
        rng = self.rng
        r = rng.random()
        if r >= 0.025:
            return
        weekday = self.day.weekday()
        if r < 0.02:  # the same ISO week: a duplicate
            k = rng.randint(0, 6 - weekday)
            duplicate_of = row["id"]
        else:  # next week: counts again
            k = rng.randint(7 - weekday, MAX_SPILL_DAYS)
            duplicate_of = None
        text = row["text"]
        variant = rng.random()
        if variant < 0.2:
            text = text + "  "
        elif variant < 0.35:
            text = text.replace(" ", "  ", 1)
        elif variant < 0.45:
            text = text.upper()
        elif variant < 0.55:
            text = f"{text}\nhttps://{rng.choice(('t.me', 'vk.cc', 'bit.ly'))}/{rng.randint(1000, 99999)}"
        new_secs = k * 86_400 + self.when()
        if new_secs <= secs:  # later the same day
            room = 86_399 - secs
            if room < 1:
                return
            new_secs = secs + rng.randint(1, min(7200, room))
        dup = dict(truth, kind="duplicate" if duplicate_of else "repost_next_week", duplicate_of=duplicate_of)
        self.emit(
            new_secs,
            row["platform"],
            row["author_id"],
            row["author_name"],
            row["author_followers"],
            text,
            row["lang"],
            dup,
        )

    def no_akim(self) -> None:
        rng = self.rng
        regions = self.state.regions
        if not regions:
            return
        region = rng.choices(regions, weights=[r.weight for r in regions])[0]
        author = self.pick_author(region)
        lang = "kk" if rng.random() < author.kk else "ru"
        if lang == "kk":
            pool = T.KK_NO_AKIM + (() if region.is_city else T.KK_TOWN_AKIM)
        else:
            pool = T.RU_NO_AKIM + (() if region.is_city else T.RU_TOWN_AKIM)
        text = self.ctx(region).fill(rng.choice(pool))
        truth = {
            "kind": "no_akim",
            "akims": [],
            "sentiment": "neutral",
            "author_type": "person",
            "official_reshare": False,
            "region_code": region.region.region_code,
            "position_only": False,
            "duplicate_of": None,
        }
        self.emit(
            self.when(), author.platform, author.author_id, author.name, self.followers(author), text, lang, truth
        )

    def media(self, count: int) -> None:
        rng = self.rng
        w = self.w
        state = self.state
        regions = state.regions
        if not regions:
            return
        weights = []
        for region in regions:
            person = state.incumbent.get(region.region.region_code)
            weights.append(region.weight * (math.sqrt(w.popularity(person)) if person else 0.5))
        if sum(weights) <= 0:
            return
        posts: list[tuple[_RegionForms, str | None, str]] = []
        for _ in range(count):
            posts.append((rng.choices(regions, weights=weights)[0], None, "news"))
        for region, person in state.starts:  # appointment news
            if w.popularity(person) > 0:
                posts.extend((region, person, "appointment") for _ in range(rng.randint(2, 5)))
        national = [m for m in T.MEDIA if not m[4]]
        for region, appointed, what in posts:
            code = region.region.region_code
            local = [m for m in T.MEDIA if m[4] == code]
            outlet = rng.choice(local) if local and rng.random() < 0.35 else rng.choice(national)
            platform, author_id, name, lang, _r, followers = outlet
            person = appointed or state.incumbent.get(code)
            ctx = self.ctx(region, person)
            if what == "appointment":
                template = rng.choice(T.MEDIA_APPOINT_KK if lang == "kk" else T.MEDIA_APPOINT_RU)
            elif person is None:
                template = rng.choice(T.MEDIA_GAP_RU) if lang == "ru" else "{region_kk_gen} әкімі әлі тағайындалған жоқ"
            elif rng.random() < 0.1:
                template = rng.choice(T.MEDIA_OTHER_KK if lang == "kk" else T.MEDIA_OTHER_RU)
            else:
                template = rng.choice(T.MEDIA_KK if lang == "kk" else T.MEDIA_RU)
            text = ctx.fill(template)
            akims = [person] if person and "" in ctx.used else []
            if not akims and person and ("Аким " + region.ru_gen in text or region.kk_gen + " әкімі" in text):
                akims = [person]  # by position
            site = author_id if "." in author_id else T.MEDIA_SITES.get(author_id, "tengrinews.kz")
            url = f"https://{site}/news/{rng.randint(300_000, 380_000)}/"
            if platform != "web":
                text = f"{text}\n{url}"
            truth = {
                "kind": "media",
                "akims": akims,
                "sentiment": "neutral",
                "author_type": "media",
                "official_reshare": False,
                "region_code": code,
                "position_only": False,
                "duplicate_of": None,
            }
            self.emit(self.when(), platform, author_id, name, followers or None, text, lang, truth, engagement=2.0)

    def official(self, count: int) -> None:
        rng = self.rng
        w = self.w
        state = self.state
        regions = [r for r in state.regions if r.registry]
        if regions:
            for region in rng.choices(regions, weights=[r.weight for r in regions], k=count):
                account = rng.choice(region.registry)
                person = state.incumbent.get(region.region.region_code)
                lang = "kk" if rng.random() < 0.3 else "ru"
                self.official_post(
                    region,
                    person,
                    account.platform,
                    account.author_id,
                    account.author_name,
                    lang,
                    named=T.OFFICIAL_KK if lang == "kk" else T.OFFICIAL_RU,
                    registered=True,
                )
        for region, person in state.starts:  # the decree, from state bodies
            if w.popularity(person) <= 0 or self._start_of(region, person) != self.day:
                continue
            for account in w.state_bodies:
                lang = "kk" if account.author_id == "aqorda_resmi" else "ru"
                self.official_post(
                    region,
                    person,
                    account.platform,
                    account.author_id,
                    account.author_name,
                    lang,
                    named=(T.APPOINT_KK,) if lang == "kk" else (T.APPOINT_RU,),
                    registered=True,
                    always_named=True,
                )

    def _start_of(self, region: _RegionForms, person: str) -> date | None:
        for tenure in self.w.tenures.get(region.region.region_code, []):
            if tenure.person_id == person and tenure.covers(self.day):
                return tenure.start_date
        return None

    def unregistered(self, count: int) -> None:
        rng = self.rng
        accounts = [u for u in self.w.unregistered if u[3] in {r.region.region_code for r in self.state.regions}]
        if not accounts:
            return
        for _ in range(count):
            platform, author_id, name, code, lang, _kind = rng.choice(accounts)
            region = self.w.regions[code]
            person = self.state.incumbent.get(code)
            named = T.OFFICIAL_BY_ORDER_KK + T.OFFICIAL_KK if lang == "kk" else T.OFFICIAL_BY_ORDER_RU + T.OFFICIAL_RU
            self.official_post(region, person, platform, author_id, name, lang, named=named, registered=False)

    def official_post(
        self,
        region: _RegionForms,
        person: str | None,
        platform: str,
        author_id: str,
        author_name: str,
        lang: str,
        *,
        named: tuple[str, ...],
        registered: bool,
        always_named: bool = False,
    ) -> None:
        rng = self.rng
        pop = self.w.popularity(person)
        name_him = person is not None and pop > 0 and (always_named or rng.random() < 0.7)
        ctx = self.ctx(region, person if name_him else None)
        if name_him:
            template = rng.choice(named)
        else:
            template = rng.choice(T.OFFICIAL_UNNAMED_KK if lang == "kk" else T.OFFICIAL_UNNAMED_RU)
        text = ctx.fill(template)
        if not always_named:
            text += rng.choice(T.OFFICIAL_HASHTAGS)
        followers = 5_000 + int(math.exp(rng.gauss(9.5, 0.6))) if platform != "web" else None
        truth = {
            "kind": "official" if registered else "official_unregistered",
            "akims": [person] if name_him else [],
            "sentiment": "positive" if name_him else "neutral",
            "author_type": "official",
            "official_reshare": False,
            "region_code": region.region.region_code,
            "position_only": False,
            "duplicate_of": None,
            "registered": registered,
        }
        secs = 8 * 3600 + int(rng.random() * 11 * 3600)  # office hours
        row = self.emit(secs, platform, author_id, author_name, followers, text, lang, truth)
        self.official_posts.append((row, truth, secs, region.region.region_code))

    def bot_rings(self) -> None:
        rng = self.rng
        w = self.w
        for code, platform, members in T.BOT_RINGS:
            region = w.regions.get(code)
            person = self.state.incumbent.get(code)
            if region is None or person is None or region not in self.state.regions:
                continue
            bursts = _sround(rng, RING_BURSTS_PER_DAY * w.scale * min(1.0, w.popularity(person)))
            for _ in range(bursts):
                lang = "kk" if rng.random() < 0.25 else "ru"
                ctx = self.ctx(region, person)
                base = ctx.fill(rng.choice(T.RING_KK if lang == "kk" else T.RING_RU))
                t0 = 9 * 3600 + int(rng.random() * 12 * 3600)
                chosen = rng.sample(members, rng.randint(min(4, len(members)), len(members)))
                for author_id, name in chosen:
                    t0 += rng.randint(15, 160)
                    text = rng.choice(T.RING_PREFIX) + base + rng.choice(T.RING_SUFFIX)
                    truth = {
                        "kind": "bot_ring",
                        "akims": [person],
                        "sentiment": "positive",
                        "author_type": "person",
                        "official_reshare": False,
                        "region_code": code,
                        "position_only": False,
                        "duplicate_of": None,
                    }
                    followers = 30 + (sum(map(ord, author_id)) % 150)
                    self.emit(t0, platform, author_id, name, followers, text, lang, truth, engagement=0.3)

    def reshares(self) -> None:
        rng = self.rng
        w = self.w
        for row, truth, secs, code in self.official_posts:
            platform = row["platform"]
            if rng.random() < 0.27:
                pool = w.platform_pools.get((code, platform)) or w.national_by_platform.get(platform)
                count = 1
                while rng.random() < 0.5 and count < 8:
                    count += 1
                for _ in range(count if pool else 0):
                    author = pool.pick(rng)  # type: ignore[union-attr]
                    r = rng.random()
                    text = "" if r < 0.35 else (row["text"] if r < 0.75 else rng.choice(T.RESHARE_PREFIX) + row["text"])
                    shared = dict(
                        truth,
                        kind="reshare",
                        author_type="person",
                        official_reshare=True,
                        akims=truth["akims"] if text else [],
                        registered=None,
                    )
                    self.emit(
                        secs + int(rng.expovariate(1 / 7200)) % (2 * 86_400) + 60,
                        platform,
                        author.author_id,
                        author.name,
                        self.followers(author),
                        text,
                        row["lang"],
                        shared,
                        reshare_of=row["id"],
                        engagement=0.5,
                    )
            if rng.random() < 0.2:
                author = w.pools[code].pick(rng)
                original = row["text"]
                r = rng.random()
                if r < 0.15:
                    text, kind = original, "copy_exact"
                elif r < 0.3:
                    text, kind = f"{original}\nhttps://t.me/{row['author_id']}/{rng.randint(1000, 99999)}", "copy_exact"
                elif r < 0.4:
                    text, kind = "  ".join(original.split(" ")), "copy_exact"
                else:
                    suffix = rng.choice(T.COPY_SUFFIX_KK if row["lang"] == "kk" else T.COPY_SUFFIX_RU)
                    text = original.split("#")[0].rstrip() + suffix
                    if rng.random() < 0.4:
                        text = rng.choice(("Жаңалық: ",) if row["lang"] == "kk" else ("Новости: ", "Кстати, ")) + text
                    kind = "copy_near"
                copied = dict(truth, kind=kind, author_type="person", official_reshare=True, registered=None)
                self.emit(
                    secs + int(rng.expovariate(1 / 14_400)) % (3 * 86_400) + 60,
                    author.platform,
                    author.author_id,
                    author.name,
                    self.followers(author),
                    text,
                    row["lang"],
                    copied,
                )
        # citizens resharing citizens, and reshares of posts outside the data
        for row, truth, secs, author in self.citizen_posts:
            r = rng.random()
            if r < 0.01:
                pool = w.platform_pools.get((truth["region_code"], author.platform))
                if pool is None:
                    continue
                other = pool.pick(rng)
                if other is author:
                    continue
                shared = dict(truth, kind="citizen_reshare", akims=[], sentiment="neutral", position_only=False)
                self.emit(
                    secs + rng.randint(300, 20_000),
                    author.platform,
                    other.author_id,
                    other.name,
                    self.followers(other),
                    rng.choice(T.CITIZEN_RESHARE_TEXT),
                    row["lang"],
                    shared,
                    reshare_of=row["id"],
                )
            elif r < 0.018:
                row["reshare_of"] = f"ext-{author.platform}-{rng.getrandbits(40)}"
                truth["kind"] += "_reshare_external"


# ----------------------------------------------------------------------------- API
def _window(config: DemoConfig, start: date | None, end: date | None) -> tuple[date, date]:
    first = config.start if start is None else start
    last = config.end if end is None else end
    return first, last


_WORLDS: dict[tuple[DemoConfig, Reference], _World] = {}


def _world(config: DemoConfig, reference: Reference) -> _World:
    """The config's author pools and profiles, reused across the weekly calls of one run."""
    key = (replace(config, start=date.min, end=date.min), reference)
    world = _WORLDS.get(key)
    if world is None:
        if len(_WORLDS) >= 4:
            _WORLDS.pop(next(iter(_WORLDS)))
        world = _WORLDS[key] = _World(config, reference)
    return world


def generate_labelled(
    config: DemoConfig, reference: Reference, start: date | None = None, end: date | None = None
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(row, truth) pairs for the Asia/Almaty dates start..end (default: the config's), in time order.

    truth: kind, akims (person_ids the post is about; by name or by position), sentiment (the
    intended tone), author_type, official_reshare, region_code, position_only, duplicate_of.
    """
    first, last = _window(config, start, end)
    if last < first:
        return
    world = _world(config, reference)
    buckets: dict[date, list[tuple[date, int, dict[str, Any], dict[str, Any]]]] = defaultdict(list)
    origin = first - timedelta(days=MAX_SPILL_DAYS)
    day = first
    while day <= last:
        while origin <= day:
            for item in _DayGen(world, origin).run():
                if first <= item[0] <= last:
                    buckets[item[0]].append(item)
            origin += timedelta(days=1)
        items = buckets.pop(day, [])
        items.sort(key=lambda it: (it[1], it[2]["id"]))
        for _day, _secs, row, truth in items:
            yield row, truth
        day += timedelta(days=1)


def generate_mentions(
    config: DemoConfig, reference: Reference, start: date | None = None, end: date | None = None
) -> Iterator[dict[str, Any]]:
    """Mention records (contract section 1) for the Asia/Almaty dates start..end, in time order."""
    for row, _truth in generate_labelled(config, reference, start, end):
        yield row


def write_jsonl(mentions: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Write mentions as JSON Lines (UTF-8); `-` is standard output. Returns the number written."""
    if str(path) == "-":
        return _write_lines(mentions, sys.stdout)
    with Path(path).open("w", encoding="utf-8") as handle:
        return _write_lines(mentions, handle)


def _write_lines(mentions: Iterable[dict[str, Any]], handle: TextIO) -> int:
    count = 0
    for row in mentions:
        handle.write(json.dumps(row, ensure_ascii=False))
        handle.write("\n")
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m akims_demo.generator", description="Write the embedded demo mentions as JSON Lines."
    )
    parser.add_argument("--start", type=date.fromisoformat, default=DemoConfig.start)
    parser.add_argument("--end", type=date.fromisoformat, default=DemoConfig.end)
    parser.add_argument("-o", "--output", default="-", help="output .jsonl file (default: standard output)")
    parser.add_argument(
        "--size",
        type=int,
        default=DemoConfig.mentions_per_half_year,
        help="mentions per half-year (volume scales with the date span)",
    )
    parser.add_argument("--seed", type=int, default=DemoConfig.seed)
    parser.add_argument("--no-cities", action="store_true", help="leave out the three cities' akims")
    parser.add_argument("--truth", help="also write the ground truth of each row to this .jsonl file")
    args = parser.parse_args(argv)
    if args.end < args.start:
        parser.error("--end is before --start")
    config = DemoConfig(
        start=args.start,
        end=args.end,
        mentions_per_half_year=args.size,
        seed=args.seed,
        include_cities=not args.no_cities,
    )
    reference = load_reference()
    if args.truth:
        pairs = list(generate_labelled(config, reference))
        count = write_jsonl((row for row, _ in pairs), args.output)
        write_jsonl((truth for _, truth in pairs), args.truth)
    else:
        count = write_jsonl(generate_mentions(config, reference), args.output)
    print(f"{count} mentions {args.start}..{args.end}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

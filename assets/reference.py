"""Reference data: regions, akims (persons), tenures and the official-account registry.

Loaded from the dbt seeds (the project's curated roster), or from a warehouse's
overrides (`akims ingest --tenures/--official-accounts`) when a caller passes them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from assets.paths import SEEDS_DIR


@dataclass(frozen=True)
class Region:
    region_code: str
    region_kind: str  # "oblast" or "city"
    name_ru: str
    name_ru_genitive: str
    name_kk: str
    name_en: str
    abbr_ru: str
    center_ru: str
    center_kk: str
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True)
class Person:
    person_id: str
    surname_ru: str
    given_name_ru: str
    patronymic_ru: str
    surname_kk: str
    given_name_kk: str
    surname_latin: str
    given_name_latin: str

    @property
    def name_ru(self) -> str:
        return " ".join(p for p in (self.given_name_ru, self.surname_ru) if p)


@dataclass(frozen=True)
class Tenure:
    region_code: str
    person_id: str
    start_date: date
    end_date: date | None  # inclusive; None = in office

    def covers(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


@dataclass(frozen=True)
class OfficialAccount:
    platform: str
    author_id: str
    author_name: str
    region_code: str
    kind: str


@dataclass(frozen=True)
class Reference:
    regions: tuple[Region, ...]
    persons: tuple[Person, ...]
    tenures: tuple[Tenure, ...]
    official_accounts: tuple[OfficialAccount, ...]
    _by_person: dict[str, Person] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_person.update({p.person_id: p for p in self.persons})

    def person(self, person_id: str) -> Person:
        return self._by_person[person_id]

    def incumbents(self, region_code: str, day: date) -> list[str]:
        """person_ids holding the region's post on `day` (the newcomer first on a change day)."""
        holders = [t for t in self.tenures if t.region_code == region_code and t.covers(day)]
        holders.sort(key=lambda t: t.start_date, reverse=True)
        return [t.person_id for t in holders]

    def tenures_on(self, person_id: str, day: date) -> list[Tenure]:
        return [t for t in self.tenures if t.person_id == person_id and t.covers(day)]


class ReferenceError(ValueError):
    """A reference file that cannot be used, with the reason."""


def _date(value: str, *, what: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ReferenceError(f"{what}: {value!r} is not a YYYY-MM-DD date") from exc


def _optional_date(value: str | None, *, what: str) -> date | None:
    return _date(value, what=what) if value and value.strip() else None


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(handle)]
    except FileNotFoundError as exc:
        raise ReferenceError(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise ReferenceError(f"{path}: not UTF-8 text") from exc


def _require(rows: list[dict[str, str]], columns: Iterable[str], path: Path) -> None:
    header = set(rows[0]) if rows else set()
    missing = [c for c in columns if c not in header]
    if rows and missing:
        raise ReferenceError(f"{path}: missing column(s) {', '.join(missing)}")


def load_regions(path: Path = SEEDS_DIR / "regions.csv") -> tuple[Region, ...]:
    rows = _rows(path)
    return tuple(
        Region(
            region_code=r["region_code"],
            region_kind=r["region_kind"],
            name_ru=r["name_ru"],
            name_ru_genitive=r["name_ru_genitive"],
            name_kk=r["name_kk"],
            name_en=r["name_en"],
            abbr_ru=r["abbr_ru"],
            center_ru=r["center_ru"],
            center_kk=r["center_kk"],
            valid_from=_date(r["valid_from"], what=f"{path} valid_from"),
            valid_to=_optional_date(r["valid_to"], what=f"{path} valid_to"),
        )
        for r in rows
    )


def load_persons(path: Path = SEEDS_DIR / "akims.csv") -> tuple[Person, ...]:
    return tuple(Person(**r) for r in _rows(path))


TENURE_COLUMNS = ("region_code", "person_id", "start_date", "end_date")
OFFICIAL_ACCOUNT_COLUMNS = ("platform", "author_id", "author_name", "region_code", "kind")


def load_tenures(path: Path = SEEDS_DIR / "akim_tenures.csv") -> tuple[Tenure, ...]:
    rows = _rows(path)
    _require(rows, TENURE_COLUMNS, path)
    tenures = []
    for line, r in enumerate(rows, start=2):
        where = f"{path} line {line}"
        if not r["region_code"] or not r["person_id"]:
            raise ReferenceError(f"{where}: region_code and person_id are required")
        start = _date(r["start_date"], what=f"{where} start_date")
        end = _optional_date(r["end_date"], what=f"{where} end_date")
        if end is not None and end < start:
            raise ReferenceError(f"{where}: end_date {end} is before start_date {start}")
        tenures.append(Tenure(r["region_code"], r["person_id"], start, end))
    return tuple(tenures)


def load_official_accounts(path: Path = SEEDS_DIR / "official_accounts.csv") -> tuple[OfficialAccount, ...]:
    rows = _rows(path)
    _require(rows, OFFICIAL_ACCOUNT_COLUMNS, path)
    return tuple(OfficialAccount(**{c: r.get(c, "") for c in OFFICIAL_ACCOUNT_COLUMNS}) for r in rows)


def load_reference(
    tenures: tuple[Tenure, ...] | None = None,
    official_accounts: tuple[OfficialAccount, ...] | None = None,
) -> Reference:
    """The project's seeds, with a warehouse's overrides in place of tenures or registry."""
    return Reference(
        regions=load_regions(),
        persons=load_persons(),
        tenures=tenures if tenures is not None else load_tenures(),
        official_accounts=official_accounts if official_accounts is not None else load_official_accounts(),
    )

"""Sources as plug-ins: what serves a run's weeks into `raw.mentions`.

A source plug-in is a class registered under the Python entry-point group `akims.sources`
(pyproject.toml, `[project.entry-points."akims.sources"]`); its entry-point name is the value of
AKIMS_SOURCE that picks it. Production ships `landing` (the landing area: `akims ingest`, the
inbox, the live sources in AKIMS_FETCH; `assets/sources/serving.py`); the embedded demo is the
separate package `akims_demo`, registered as `demo`. `auto` (the default) means `landing`,
never the demo. No production module imports a plug-in other than through this registry.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from importlib.metadata import EntryPoint, entry_points
from typing import Protocol, runtime_checkable

import duckdb

ENTRY_POINT_GROUP = "akims.sources"
DEFAULT_SOURCE = "landing"  # what `auto` means: the landing area, never the demo


class SourceUnavailable(ValueError):
    """The chosen source cannot serve the run's weeks; the message is one line for the user."""


@dataclass(frozen=True)
class WeekLoaded:
    """One week a source wrote to `raw.mentions`: its rows and the rows set aside in `raw.quarantine`."""

    week_start: date
    mentions: int
    quarantined: int


@runtime_checkable
class MentionSource(Protocol):
    """A source that serves ISO weeks (Monday starts) into `raw.mentions`."""

    name: str

    def check(self, con: duckdb.DuckDBPyConnection, weeks: Sequence[date]) -> None:
        """Raise SourceUnavailable, with the one-line reason, when the source cannot serve `weeks`."""
        ...

    def load(self, con: duckdb.DuckDBPyConnection, weeks: Sequence[date]) -> Iterator[WeekLoaded]:
        """Write each week idempotently (its old rows deleted, the new inserted), yielding each as written."""
        ...

    def warnings(self, loaded: Sequence[WeekLoaded]) -> list[str]:
        """Lines for the run's log about what was loaded (e.g. weeks loaded empty)."""
        ...


def source_entry_points() -> dict[str, EntryPoint]:
    """The installed source plug-ins by name."""
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def _names_text(names: Sequence[str]) -> str:
    """'auto, landing or demo': the values AKIMS_SOURCE takes, the default first."""
    ordered = ["auto", DEFAULT_SOURCE, *sorted(n for n in names if n != DEFAULT_SOURCE)]
    return ", ".join(ordered[:-1]) + " or " + ordered[-1]


def resolve_kind(kind: str) -> str:
    """The plug-in a run uses, by name (`auto` is the landing area, never the demo)."""
    value = kind.strip().lower()
    known = source_entry_points()
    if DEFAULT_SOURCE not in known:  # the project's own entry points are missing: not installed
        raise SourceUnavailable(
            f"no {DEFAULT_SOURCE!r} source plug-in is registered (entry points {ENTRY_POINT_GROUP}): "
            "install the project (pip install -e .)"
        )
    if value == "auto":
        value = DEFAULT_SOURCE
    if value not in known:
        raise SourceUnavailable(f"unknown mention source {kind!r} (AKIMS_SOURCE): use {_names_text(list(known))}")
    return value


def load_source(kind: str) -> MentionSource:
    """The source plug-in `kind` names (AKIMS_SOURCE), ready to check and load weeks."""
    name = resolve_kind(kind)
    source = source_entry_points()[name].load()()
    if not isinstance(source, MentionSource):
        raise TypeError(f"the {ENTRY_POINT_GROUP} entry point {name!r} is not a mention source plug-in")
    return source

"""Sources are plug-ins (issue #15): found by entry point, the demo a package production never imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from akims_demo.source import DemoSource
from assets.sources.plugins import ENTRY_POINT_GROUP, MentionSource, SourceUnavailable, load_source, resolve_kind
from assets.sources.serving import LandingSource

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = ("assets", "orchestration")
DEMO_PACKAGE = "akims_demo"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_production_module_imports_the_demo() -> None:
    offenders = []
    for package in PRODUCTION:
        for path in sorted((ROOT / package).rglob("*.py")):
            demo = sorted(m for m in _imported_modules(path) if m == DEMO_PACKAGE or m.startswith(DEMO_PACKAGE + "."))
            if demo:
                offenders.append(f"{path.relative_to(ROOT).with_suffix('').as_posix().replace('/', '.')}: {demo}")
    assert not offenders, "production modules import the demo: " + "; ".join(offenders)


def test_the_entry_points_resolve_to_the_plugins() -> None:
    demo = load_source("demo")
    assert isinstance(demo, DemoSource) and isinstance(demo, MentionSource) and demo.name == "demo"
    landing = load_source("landing")
    assert isinstance(landing, LandingSource) and isinstance(landing, MentionSource)
    assert isinstance(load_source("auto"), LandingSource)  # auto is the landing area, never the demo
    assert ENTRY_POINT_GROUP == "akims.sources"


def test_an_unknown_source_names_the_known_ones() -> None:
    with pytest.raises(SourceUnavailable) as caught:
        resolve_kind("telegram")
    assert str(caught.value) == "unknown mention source 'telegram' (AKIMS_SOURCE): use auto, landing or demo"
    with pytest.raises(SourceUnavailable, match="unknown mention source 'nope'"):
        load_source("nope")

"""Shared fixtures: every test that touches a warehouse gets its own AKIMS_HOME."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pytest


@pytest.fixture
def akims_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("AKIMS_HOME", str(home))
    monkeypatch.delenv("AKIMS_SOURCE", raising=False)
    monkeypatch.delenv("AKIMS_PROGRESS", raising=False)
    return home


def write_jsonl(path: Path, rows: Iterable[dict]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def write_csv(path: Path, header: str, lines: Iterable[str]) -> Path:
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path

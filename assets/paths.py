"""Where the project's files and the warehouse's state live."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"


class SettingError(ValueError):
    """An AKIMS_* environment setting has a value the program cannot use; the message says which."""


def akims_home() -> Path:
    """The warehouse folder: `$AKIMS_HOME`, default the project's `data/`."""
    home = Path(os.environ.get("AKIMS_HOME") or PROJECT_ROOT / "data").expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    return home


def warehouse_path() -> Path:
    return akims_home() / "warehouse.duckdb"


def reports_dir() -> Path:
    path = akims_home() / "reports"
    path.mkdir(parents=True, exist_ok=True)
    return path

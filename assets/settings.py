"""Every AKIMS_* setting of a run, read once from the environment with its one default and a
clear error (`SettingError`, naming the variable) for a value the program cannot use.

`Settings.from_env()` reads them all, so a bad one stops a command before any work starts. The
accessors below (`duckdb_memory_limit`, `max_text_chars`, `classifier_backend`) read one setting
each, for the code that needs just that one; the older accessors (`assets.paths.akims_home`,
`assets.parallel.worker_count`, `assets.quality.settings.load_settings`) are what this object
gathers. The environment stays the carrier between processes: Dagster runs its steps, dbt and
the classifier workers in child processes, which inherit it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from assets.paths import SettingError, akims_home
from assets.quality.settings import QualitySettings, load_settings

MEMORY_LIMIT_ENV = "AKIMS_DUCKDB_MEMORY_LIMIT"
# DuckDB's memory cap: past it DuckDB spills to disk instead of growing (its own default, 80 % of
# RAM, would let one big join take the machine). dbt's connection gets the same (profiles.yml).
DEFAULT_MEMORY_LIMIT = "1500MB"
MAX_TEXT_ENV = "AKIMS_MAX_TEXT_CHARS"
# texts longer than this (characters) are kept whole but classified on their first part
DEFAULT_MAX_TEXT_CHARS = 65_536
BACKEND_ENV = "AKIMS_BACKEND"
DEFAULT_BACKEND = "embedded"
# rank intervals (fct_rank_intervals): dbt reads these two through env_var() in dbt_project.yml,
# whose defaults must stay equal to these (tests/test_settings.py)
REPLICATES_ENV = "AKIMS_RANK_INTERVAL_REPLICATES"
DEFAULT_REPLICATES = 500
MAX_REPLICATES = 100_000
SEED_ENV = "AKIMS_RANK_INTERVAL_SEED"
DEFAULT_SEED = "1"
# the Dagster instance's storage (runs, events, schedules, sensors): SQLite files in
# $AKIMS_HOME/.dagster unless this names a PostgreSQL database (orchestration/pipeline.py)
DAGSTER_POSTGRES_ENV = "AKIMS_DAGSTER_POSTGRES_URL"
DAGSTER_POSTGRES_SCHEME = "postgresql+psycopg2://"
# the warehouse: the DuckDB file $AKIMS_HOME/warehouse.duckdb unless this names a PostgreSQL
# database, where dbt then builds the models and marts (assets/postgres_warehouse.py)
WAREHOUSE_URL_ENV = "AKIMS_WAREHOUSE_URL"
WAREHOUSE_URL_SCHEMES = ("postgresql://", "postgres://")


def duckdb_memory_limit(env: Mapping[str, str] = os.environ) -> str:
    """`AKIMS_DUCKDB_MEMORY_LIMIT`, a size such as "1500MB" or "4GB" (default 1500MB)."""
    value = env.get(MEMORY_LIMIT_ENV, "").strip() or DEFAULT_MEMORY_LIMIT
    if not re.fullmatch(r"\d+(\.\d+)?\s*(B|[KMGT]i?B)", value, flags=re.IGNORECASE):
        raise SettingError(f"{MEMORY_LIMIT_ENV} must be a size such as 1500MB or 4GB, got {value!r}")
    return value


def max_text_chars(env: Mapping[str, str] = os.environ) -> int:
    """`AKIMS_MAX_TEXT_CHARS` (default 65536): the part of a text the classifier reads."""
    raw = env.get(MAX_TEXT_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_TEXT_CHARS
    if not raw.isdigit() or int(raw) < 1:
        raise SettingError(f"{MAX_TEXT_ENV} must be a positive number of characters, got {raw!r}")
    return int(raw)


def classifier_backend(env: Mapping[str, str] = os.environ) -> str:
    """`AKIMS_BACKEND`: the classifier backend of the pipeline (default embedded, offline)."""
    return env.get(BACKEND_ENV) or DEFAULT_BACKEND


def rank_interval_replicates(env: Mapping[str, str] = os.environ) -> int:
    """`AKIMS_RANK_INTERVAL_REPLICATES` (default 500): resamples behind each period's rank intervals."""
    raw = env.get(REPLICATES_ENV, "").strip()
    if not raw:
        return DEFAULT_REPLICATES
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_REPLICATES:
        raise SettingError(f"{REPLICATES_ENV} must be a whole number from 1 to {MAX_REPLICATES}, got {raw!r}")
    return int(raw)


def rank_interval_seed(env: Mapping[str, str] = os.environ) -> str:
    """`AKIMS_RANK_INTERVAL_SEED` (default 1): the resamples' seed, letters, digits, '-' or '_'."""
    raw = env.get(SEED_ENV, "").strip()
    if not raw:
        return DEFAULT_SEED
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", raw):
        raise SettingError(f"{SEED_ENV} must be 1-64 letters, digits, '-' or '_', got {raw!r}")
    return raw


def _url_setting(env: Mapping[str, str], name: str, schemes: tuple[str, ...], expected: str) -> str:
    """A URL setting, "" when unset; a value with another scheme is a `SettingError` that shows
    the scheme it got and never the rest (a password)."""
    raw = env.get(name, "").strip()
    if raw and not raw.startswith(schemes):
        shown = raw.split("://", 1)[0] + "://…" if "://" in raw else "a value that is not a URL"
        raise SettingError(f"{name} must be {expected}, got {shown}")
    return raw


def dagster_postgres_url(env: Mapping[str, str] = os.environ) -> str:
    """`AKIMS_DAGSTER_POSTGRES_URL`: the SQLAlchemy URL of a PostgreSQL database for the Dagster
    instance's storage, `postgresql+psycopg2://user:password@host:5432/db`, or "" (the default:
    SQLite files beside the warehouse). dagster-postgres needs the psycopg2 driver named: with a
    bare `postgresql://` SQLAlchemy 2.1 picks psycopg 3, on which Dagster's NOTIFY fails."""
    return _url_setting(
        env,
        DAGSTER_POSTGRES_ENV,
        (DAGSTER_POSTGRES_SCHEME,),
        f"a {DAGSTER_POSTGRES_SCHEME} URL ({DAGSTER_POSTGRES_SCHEME}user:password@host:5432/db; Dagster talks "
        "to PostgreSQL through psycopg2)",
    )


def warehouse_url(env: Mapping[str, str] = os.environ) -> str:
    """`AKIMS_WAREHOUSE_URL`: a libpq URL of the PostgreSQL database that holds the warehouse,
    `postgresql://user:password@host:5432/db` (a Unix socket: `postgresql://user@/db?host=/dir`),
    or "" (the default: the embedded DuckDB file)."""
    return _url_setting(
        env,
        WAREHOUSE_URL_ENV,
        WAREHOUSE_URL_SCHEMES,
        "a postgresql:// URL (postgresql://user:password@host:5432/db; unset: the embedded DuckDB warehouse)",
    )


@dataclass(frozen=True)
class Settings:
    home: Path
    duckdb_memory_limit: str
    workers: int
    parallel_min_mentions: int
    max_text_chars: int
    backend: str
    quality: QualitySettings
    rank_interval_replicates: int
    rank_interval_seed: str
    dagster_postgres_url: str = field(repr=False)  # may hold a password
    warehouse_url: str = field(repr=False)  # may hold a password

    @classmethod
    def from_env(cls) -> Settings:
        """Every setting from the environment; `SettingError` names the first bad one."""
        from assets.parallel import parallel_min_items, worker_count

        return cls(
            home=akims_home(),
            duckdb_memory_limit=duckdb_memory_limit(),
            workers=worker_count(),
            parallel_min_mentions=parallel_min_items(),
            max_text_chars=max_text_chars(),
            backend=classifier_backend(),
            quality=load_settings(),
            rank_interval_replicates=rank_interval_replicates(),
            rank_interval_seed=rank_interval_seed(),
            dagster_postgres_url=dagster_postgres_url(),
            warehouse_url=warehouse_url(),
        )

"""The one settings object (assets/settings.py): every AKIMS_* setting read once, with its one
default, and one clear error naming the variable for a value the program cannot use."""

from __future__ import annotations

from pathlib import Path

import pytest

from assets.paths import DBT_PROJECT_DIR, SettingError
from assets.settings import (
    DEFAULT_BACKEND,
    DEFAULT_MAX_TEXT_CHARS,
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_REPLICATES,
    DEFAULT_SEED,
    Settings,
)

VARIABLES = (
    "AKIMS_DUCKDB_MEMORY_LIMIT",
    "AKIMS_MAX_TEXT_CHARS",
    "AKIMS_BACKEND",
    "AKIMS_WORKERS",
    "AKIMS_PARALLEL_MIN_MENTIONS",
    "AKIMS_QUALITY_LEAKAGE_MAX_SHARE",
    "AKIMS_QUALITY_GATE",
    "AKIMS_RANK_INTERVAL_REPLICATES",
    "AKIMS_RANK_INTERVAL_SEED",
)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AKIMS_HOME", str(tmp_path / "home"))
    return monkeypatch


def test_defaults(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = Settings.from_env()
    assert settings.home == (tmp_path / "home").resolve()
    assert settings.duckdb_memory_limit == DEFAULT_MEMORY_LIMIT
    assert settings.max_text_chars == DEFAULT_MAX_TEXT_CHARS
    assert settings.backend == DEFAULT_BACKEND
    assert settings.workers >= 1
    assert settings.quality.gate == "block"
    assert (settings.rank_interval_replicates, settings.rank_interval_seed) == (DEFAULT_REPLICATES, DEFAULT_SEED)


def test_values_from_the_environment(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("AKIMS_DUCKDB_MEMORY_LIMIT", "4GB")
    clean_env.setenv("AKIMS_MAX_TEXT_CHARS", "100")
    clean_env.setenv("AKIMS_WORKERS", "2")
    clean_env.setenv("AKIMS_QUALITY_LEAKAGE_MAX_SHARE", "0.05")
    clean_env.setenv("AKIMS_RANK_INTERVAL_REPLICATES", "200")
    clean_env.setenv("AKIMS_RANK_INTERVAL_SEED", "newsroom-2019")
    settings = Settings.from_env()
    assert (settings.rank_interval_replicates, settings.rank_interval_seed) == (200, "newsroom-2019")
    assert (settings.duckdb_memory_limit, settings.max_text_chars, settings.workers) == ("4GB", 100, 2)
    assert settings.quality.leakage_max_share == 0.05


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("AKIMS_DUCKDB_MEMORY_LIMIT", "lots"),
        ("AKIMS_MAX_TEXT_CHARS", "0"),
        ("AKIMS_WORKERS", "many"),
        ("AKIMS_PARALLEL_MIN_MENTIONS", "-1"),
        ("AKIMS_QUALITY_LEAKAGE_MAX_SHARE", "two percent"),
        ("AKIMS_QUALITY_GATE", "maybe"),
        ("AKIMS_RANK_INTERVAL_REPLICATES", "0"),
        ("AKIMS_RANK_INTERVAL_REPLICATES", "lots"),
        ("AKIMS_RANK_INTERVAL_SEED", "1'; drop table x"),
    ],
)
def test_a_bad_value_is_one_error_naming_its_variable(clean_env: pytest.MonkeyPatch, variable: str, value: str) -> None:
    clean_env.setenv(variable, value)
    with pytest.raises(SettingError, match=variable):
        Settings.from_env()


def test_dbt_connection_falls_back_to_the_same_memory_limit() -> None:
    """profiles.yml's fallback (dbt run by hand, without `akims`) is the one default."""
    profiles = (DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8")
    assert f"env_var('AKIMS_DUCKDB_MEMORY_LIMIT', '{DEFAULT_MEMORY_LIMIT}')" in profiles


def test_dbt_falls_back_to_the_same_rank_interval_settings() -> None:
    """dbt_project.yml's fallbacks (dbt run by hand) are the rank-interval defaults of assets/settings.py."""
    project = (DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8")
    assert f"env_var('AKIMS_RANK_INTERVAL_REPLICATES', '{DEFAULT_REPLICATES}')" in project
    assert f"env_var('AKIMS_RANK_INTERVAL_SEED', '{DEFAULT_SEED}')" in project


def test_fct_data_quality_falls_back_to_the_same_quality_settings() -> None:
    """fct_data_quality reads the thresholds the quality_settings asset writes from
    assets/quality/settings.py; its fallbacks (a warehouse built by dbt alone) must be the same
    defaults, setting by setting. A threshold read in SQL that the Python settings lack fails too."""
    import re

    from assets.quality.settings import QualitySettings

    sql = (DBT_PROJECT_DIR / "models" / "marts" / "fct_data_quality.sql").read_text(encoding="utf-8")
    cast = r"cast\(value as (?:double precision|double|integer)\)"
    fallbacks = re.findall(rf"when setting = '(\w+)' then {cast} end\), ([0-9.]+)\)", sql)
    assert len(fallbacks) >= 6
    defaults = QualitySettings()
    for name, fallback in fallbacks:
        assert hasattr(defaults, name), f"fct_data_quality reads {name}, which QualitySettings lacks"
        assert float(fallback) == float(getattr(defaults, name)), name
    # the boolean one: leakage blocks only when the setting says 'true' (default False)
    assert "setting = 'leakage_blocks' and value = 'true'" in sql and defaults.leakage_blocks is False

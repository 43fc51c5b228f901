"""Every data-quality setting, in one place. `akims quality` prints them; dbt reads them from
`raw.quality_settings`, which the checks write before each dbt build."""

from __future__ import annotations

import itertools
import os
from dataclasses import asdict, dataclass, fields

from assets.paths import SettingError

# Name or handle fragments of state bodies: akimats, their press services, state institutions,
# departments, maslikhats, official sites (Russian, Kazakh, Latin transliterations).
OFFICIAL_NAME_PATTERNS: tuple[str, ...] = (
    r"акимат",
    r"әкімдіг",
    r"акимдиг",
    r"akimat",
    r"akimdigi",
    r"\bкгу\b",
    r"\bгу\s*«",
    r"\bkgu_",
    r"пресс-служб",
    r"баспасөз",
    r"\bpress_",
    r"управлени[ея]\s",
    r"\bupr_",
    r"маслихат",
    r"maslikhat",
    r"\.gov\.kz",
    r"официальн",
    r"ведомств",
)


@dataclass(frozen=True)
class QualitySettings:
    leakage_max_share: float = 0.02
    """official-like leakage fails when suspected accounts carry more than this share of any
    tenure's weekly eligible mentions"""
    burst_window_minutes: int = 15
    """near-identical praise posted by several accounts within this many minutes is a burst"""
    burst_min_accounts: int = 3
    """distinct accounts in a burst"""
    burst_min_bursts: int = 2
    """an account is listed when it took part in at least this many bursts"""
    burst_similarity: float = 0.6
    """token Jaccard similarity above which two texts are near-identical"""
    reshare_min_posts: int = 10
    """an account needs at least this many posts before its reshare share is judged"""
    reshare_min_share: float = 0.8
    """accounts whose posts are at least this share reposts of official posts are listed"""
    daily_drop_share: float = 0.3
    """a day with fewer mentions than this share of the median of the 28 days before it is a drop"""
    source_min_share: float = 0.5
    """a source normally delivers when it delivered in at least this share of the loaded weeks"""
    silent_week_share: float = 0.25
    """no data, no ranking: a loaded week with no mention, or with fewer than this share of the
    median of the loaded weeks before it, is silent and blocks its periods"""
    silent_baseline_weeks: int = 8
    """the loaded weeks before a week (at least 4 needed) whose median is its baseline volume"""
    region_silent_min_median: float = 20.0
    """a rated region with no mention in a loaded week blocks publication when its median weekly
    mentions over the baseline weeks reach this (below it, a silent region only warns)"""
    leakage_blocks: bool = False
    """official-like leakage above leakage_max_share fails the check; it also blocks publication
    only when this is true (the detector is heuristic: by default an editor reviews the listed
    accounts and registers the official ones)"""
    gate: str = "block"
    """block: a failing blocking check stops the period's ranking from being published; warn: report only"""

    def as_rows(self) -> list[tuple[str, str, str]]:
        docs = {name: " ".join(text.split()) for name, text in _field_docs().items()}
        return [
            (name, str(value).lower() if isinstance(value, bool) else str(value), docs.get(name, ""))
            for name, value in asdict(self).items()
        ]


def _field_docs() -> dict[str, str]:
    """The string under each field above, read from the class source (one place for the text)."""
    import ast
    import inspect

    body = ast.parse(inspect.getsource(QualitySettings)).body[0].body  # type: ignore[attr-defined]
    return {
        node.target.id: after.value.value
        for node, after in itertools.pairwise(body)
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and isinstance(after, ast.Expr)
        and isinstance(after.value, ast.Constant)
    }


def load_settings() -> QualitySettings:
    """The defaults, with `AKIMS_QUALITY_<NAME>` environment variables overriding any of them."""
    values: dict[str, object] = {}
    for f in fields(QualitySettings):
        raw = os.environ.get(f"AKIMS_QUALITY_{f.name.upper()}")
        if raw is None:
            continue
        default = getattr(QualitySettings(), f.name)
        try:
            if isinstance(default, bool):
                if raw.strip().lower() not in {"true", "false", "1", "0", "yes", "no"}:
                    raise ValueError(raw)
                values[f.name] = raw.strip().lower() in {"true", "1", "yes"}
                continue
            values[f.name] = type(default)(raw)
        except ValueError as exc:
            raise SettingError(f"AKIMS_QUALITY_{f.name.upper()}={raw!r} is not a {type(default).__name__}") from exc
    settings = QualitySettings(**values)  # type: ignore[arg-type]
    if settings.gate not in {"block", "warn"}:
        raise SettingError(f"AKIMS_QUALITY_GATE={settings.gate!r}: use block or warn")
    return settings

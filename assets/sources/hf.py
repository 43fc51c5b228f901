"""Weekly Parquet shards of contract mentions in a Hugging Face Hub dataset repository.

Layout of the dataset repo: one shard per ISO week, named by its Monday (the weekly partition
key), by default `weeks/YYYY-MM-DD.parquet`, with the mention contract's columns.

Configuration (environment, so Dagster and the CLI agree):

* AKIMS_HF_REPO      `org/name` of the dataset repository (required);
* AKIMS_HF_REVISION  the pinned revision, a commit hash or tag (required: a moving branch would
                     make a re-run read other data);
* AKIMS_HF_CACHE     the local cache folder (default `$AKIMS_HOME/hf-cache`), laid out as
                     huggingface_hub's cache (`datasets--org--name/snapshots/<rev>/...`);
* AKIMS_HF_SHARDS    the shard path pattern (default `weeks/{week}.parquet`);
* HF_HUB_OFFLINE=1   read only what the cache holds (no network);
* HF_TOKEN           for a private repo, read by huggingface_hub itself and never by this code.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from assets.records import RejectedRow
from assets.sources.base import Batch, SourceError
from assets.sources.files import read_file

REPO_ENV = "AKIMS_HF_REPO"
REVISION_ENV = "AKIMS_HF_REVISION"
CACHE_ENV = "AKIMS_HF_CACHE"
PATTERN_ENV = "AKIMS_HF_SHARDS"
DEFAULT_PATTERN = "weeks/{week}.parquet"
TRUE = frozenset({"1", "true", "yes", "on"})


@dataclass(frozen=True)
class HfConfig:
    repo_id: str
    revision: str
    cache_dir: Path
    offline: bool = False
    pattern: str = DEFAULT_PATTERN

    @classmethod
    def from_env(cls, home: Path) -> HfConfig:
        repo = os.environ.get(REPO_ENV, "").strip()
        revision = os.environ.get(REVISION_ENV, "").strip()
        if not repo or repo.count("/") != 1:
            raise SourceError(f"set {REPO_ENV} to the dataset repository, e.g. org/akims-mentions")
        if not revision:
            raise SourceError(f"set {REVISION_ENV} to a pinned revision (a commit hash or tag) of {repo}")
        pattern = os.environ.get(PATTERN_ENV, "").strip() or DEFAULT_PATTERN
        if "{week}" not in pattern:
            raise SourceError(f"{PATTERN_ENV} must contain {{week}}, e.g. {DEFAULT_PATTERN}")
        cache = Path(os.environ.get(CACHE_ENV, "").strip() or home / "hf-cache").expanduser()
        offline = os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in TRUE
        return cls(repo_id=repo, revision=revision, cache_dir=cache, offline=offline, pattern=pattern)

    def shard_name(self, week_start: date) -> str:
        return self.pattern.format(week=week_start.isoformat())


def fetch_shard(config: HfConfig, week_start: date) -> tuple[Path | None, str]:
    """(local path or None, note): the week's shard from the cache or the Hub."""
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import (
        EntryNotFoundError,
        HfHubHTTPError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    name = config.shard_name(week_start)
    try:
        path = hf_hub_download(
            config.repo_id,
            name,
            repo_type="dataset",
            revision=config.revision,
            cache_dir=str(config.cache_dir),
            local_files_only=config.offline,
        )
    except LocalEntryNotFoundError:
        if config.offline:
            return None, f"{name}: not in the local cache (offline)"
        raise SourceError(f"{config.repo_id}@{config.revision}: {name} could not be fetched (network?)") from None
    except RevisionNotFoundError:
        raise SourceError(f"{config.repo_id}: no revision {config.revision!r}") from None
    except RepositoryNotFoundError:
        raise SourceError(f"{config.repo_id}: no such dataset repository (or no access)") from None
    except EntryNotFoundError:
        return None, f"{name}: no shard in {config.repo_id}@{config.revision}"
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        raise SourceError(f"{config.repo_id}: the Hub answered HTTP {status} for {name}") from None
    return Path(path), name


def fetch_weeks(config: HfConfig, weeks: Iterable[date]) -> Batch:
    """The shards of the given weeks as one batch. A missing shard is counted; a broken one is
    set aside with the reason (as one quarantined row naming the shard)."""
    label = f"hf {config.repo_id}@{config.revision}"
    batch = Batch(source="hf", label=label)
    for week_start in weeks:
        path, note = fetch_shard(config, week_start)
        if path is None:
            batch.skip("week without a shard", 1)
            continue
        try:
            shard = read_file(path, source="hf")
        except SourceError as exc:
            reason = str(exc).replace(str(path), note)
            batch.rejected.append(RejectedRow(f"hf: unreadable shard: {reason}", {"shard": note, "repo": label}))
            continue
        batch.extend(shard)
    return batch

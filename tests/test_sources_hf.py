"""Hub dataset shards, read offline from a local folder laid out like the huggingface_hub cache."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from assets.sources.base import SourceError
from assets.sources.hf import HfConfig, fetch_weeks
from orchestration.cli import main

REPO = "akims-desk/kz-mentions"
REVISION = "3f2c9a1b7d4e5f60718293a4b5c6d7e8f9012345"


def _shard(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows)


def mention(mid: str, day: str, author: str, text: str) -> dict:
    return {
        "id": mid,
        "platform": "x",
        "published_at": f"{day}T12:00:00+06:00",
        "author_id": author,
        "text": text,
        "likes": 1,
    }


@pytest.fixture
def hub_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """datasets--akims-desk--kz-mentions/{refs/v1, snapshots/<rev>/weeks/*.parquet}, as the hub cache holds."""
    cache = tmp_path / "hf-cache"
    repo_dir = cache / "datasets--akims-desk--kz-mentions"
    snapshot = repo_dir / "snapshots" / REVISION / "weeks"
    snapshot.mkdir(parents=True)
    (repo_dir / "refs").mkdir()
    (repo_dir / "refs" / "v1").write_text(REVISION)
    pq.write_table(
        _shard(
            [
                mention("x1", "2019-03-04", "aidana", "Баталов открыл школу"),
                mention("x2", "2019-03-05", "bolat", "Баталов, где газ?"),
                {**mention("x3", "2019-03-06", "c", "нет счётчика"), "likes": -1},
            ]
        ),
        snapshot / "2019-03-04.parquet",
    )
    (snapshot / "2019-03-11.parquet").write_bytes(b"PAR1 this is not really parquet")
    monkeypatch.setenv("AKIMS_HF_REPO", REPO)
    monkeypatch.setenv("AKIMS_HF_REVISION", REVISION)
    monkeypatch.setenv("AKIMS_HF_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return cache


def test_reads_weekly_shards_offline_from_the_cache(hub_cache: Path, tmp_path: Path) -> None:
    config = HfConfig.from_env(tmp_path)
    assert config.offline and config.cache_dir == hub_cache
    batch = fetch_weeks(config, [date(2019, 3, 4), date(2019, 3, 11), date(2019, 3, 18)])
    assert [m.id for m in batch.mentions] == ["x1", "x2"]
    assert {m.platform for m in batch.mentions} == {"x"} and batch.source == "hf"
    reasons = sorted(r.reason for r in batch.rejected)
    assert reasons[0].startswith("hf: unreadable shard: weeks/2019-03-11.parquet: not a readable Parquet file")
    assert reasons[1] == "negative counter likes: -1"
    assert str(hub_cache) not in reasons[0]  # the shard is named by its path in the repo
    assert batch.skipped == {"week without a shard": 1}


def test_a_tag_resolves_through_refs(hub_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKIMS_HF_REVISION", "v1")
    batch = fetch_weeks(HfConfig.from_env(tmp_path), [date(2019, 3, 4)])
    assert len(batch.mentions) == 2


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AKIMS_HF_REPO": ""}, "set AKIMS_HF_REPO"),
        ({"AKIMS_HF_REVISION": ""}, "set AKIMS_HF_REVISION to a pinned revision"),
        ({"AKIMS_HF_SHARDS": "weeks/latest.parquet"}, "must contain {week}"),
    ],
)
def test_configuration_errors(
    hub_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SourceError, match=message):
        HfConfig.from_env(tmp_path)


def test_ingest_hf_twice_leaves_the_warehouse_unchanged(
    hub_cache: Path, akims_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["ingest", "--source", "hf", "--from", "2019-03-04", "--to", "2019-03-24"]
    assert main(argv) == 0
    assert "3 read" not in capsys.readouterr().err  # 2 mentions + 2 set aside
    con = duckdb.connect(str(akims_home / "warehouse.duckdb"), read_only=True)
    try:
        first = (
            con.execute("select * from landing.mentions order by id").fetchall(),
            con.execute("select source, reason, row_json from raw.quarantine order by all").fetchall(),
        )
    finally:
        con.close()
    assert [r[0] for r in first[0]] == ["x1", "x2"] and {r[-2] for r in first[0]} == {"hf"}
    assert len(first[1]) == 2 and all(r[0] == "hf" for r in first[1])
    assert main(argv) == 0
    con = duckdb.connect(str(akims_home / "warehouse.duckdb"), read_only=True)
    try:
        again = (
            con.execute("select * from landing.mentions order by id").fetchall(),
            con.execute("select source, reason, row_json from raw.quarantine order by all").fetchall(),
        )
    finally:
        con.close()
    assert again == first


def test_unknown_revision_offline_is_counted_not_crashed(
    hub_cache: Path, akims_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AKIMS_HF_REVISION", "v2")
    assert main(["ingest", "--source", "hf", "--from", "2019-03-04", "--to", "2019-03-10"]) == 0
    assert "0 read, 0 added" in capsys.readouterr().err

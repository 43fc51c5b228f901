"""Private persons' ids never reach the marts, exports or explanations (issue 16, item 5).

A VK mention id is `<owner_id>_<post>` and its URL names the wall, so a private author's
numeric id would link the pseudonym back to the person. Staging pseudonymises the mention id
and drops the URL of every private author; officials keep theirs.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import duckdb
import pytest

from orchestration.cli import main
from tests.conftest import write_csv, write_jsonl

KEY = "issue-16-test-key"
OWNER = "888888"  # the private VK user's numeric id
OFFICIAL = "-777777"  # an akimat's VK group, in the registry
# independently computed HMAC-SHA256 test vectors (not by calling assets.sources.pseudonymise)
AUTHOR_PSEUDONYM = "anon-" + hmac.new(KEY.encode(), OWNER.encode(), hashlib.sha256).hexdigest()[:20]
MENTION_PSEUDONYM = "anon-" + hmac.new(KEY.encode(), f"vk:{OWNER}_2".encode(), hashlib.sha256).hexdigest()[:20]


def test_the_hmac_test_vector_is_the_published_one() -> None:
    """The literal vectors, so a change of the hash (or of what is hashed) fails loudly."""
    assert hmac.new(b"issue-16-test-key", b"888888", hashlib.sha256).hexdigest()[:20] == AUTHOR_PSEUDONYM[5:]
    assert len(AUTHOR_PSEUDONYM) == len(MENTION_PSEUDONYM) == 25


@pytest.fixture
def built_week(akims_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AKIMS_PSEUDONYM_KEY", KEY)

    def row(mid: str, day: str, author: str, text: str, **extra: str) -> dict:
        return {
            "id": mid,
            "platform": "vk",
            "published_at": f"{day}T12:00:00+06:00",
            "author_id": author,
            "text": text,
            **extra,
        }

    official_text = "Аким Баталов открыл новую школу в Талдыкоргане, сообщает пресс-служба акимата."
    data = write_jsonl(
        tmp_path / "mentions.jsonl",
        [
            row(f"{OFFICIAL}_5", "2019-03-05", OFFICIAL, official_text, url=f"https://vk.com/wall{OFFICIAL}_5"),
            row(
                f"{OWNER}_2",
                "2019-03-06",
                OWNER,
                "Аким Баталов построил новую школу, молодец.",
                url=f"https://vk.com/wall{OWNER}_2",
            ),
            row(f"{OWNER}_3", "2019-03-07", OWNER, "Аким Баталов опять всё провалил.", reshare_of=f"{OFFICIAL}_5"),
            row("p4", "2019-03-07", "someone", "Аким Баталов провёл приём граждан."),
        ],
    )
    tenures = write_csv(
        tmp_path / "tenures.csv", "region_code,person_id,start_date,end_date", ["KZ-19,batalov-amandyk,2014-01-01,"]
    )
    accounts = write_csv(
        tmp_path / "accounts.csv",
        "platform,author_id,author_name,region_code,kind",
        [f"vk,{OFFICIAL},Акимат области Жетісу,KZ-19,akimat"],
    )
    assert main(["ingest", str(data), "--tenures", str(tenures), "--official-accounts", str(accounts)]) == 0
    main(["run", "--from", "2019-03-04", "--to", "2019-03-10"])  # a 4-mention week may be refused publication
    return akims_home


def _marts_text(home: Path) -> str:
    """Every value of every marts.* table, as text."""
    parts: list[str] = []
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        tables = con.execute("select table_name from information_schema.tables where table_schema = 'marts'").fetchall()
        assert tables
        for (table,) in tables:
            parts.extend(repr(values) for values in con.execute(f'select * from marts."{table}"').fetchall())
    return "\n".join(parts)


def test_private_owner_id_appears_in_no_mart_export_or_explanation(
    built_week: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with duckdb.connect(str(built_week / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select e.mention_key, e.mention_id, e.author_id, s.url, e.is_official_reshare"
            " from marts.fct_mention_eligibility e"
            " join staging.stg_warehouse__mentions s using (mention_key) order by e.published_utc"
        ).fetchall()
        raw_ids = {r[0] for r in con.execute("select id from raw.mentions").fetchall()}
    assert f"{OWNER}_2" in raw_ids  # the raw layer keeps the ids the classifier needs
    by_key = {r[0]: r for r in rows}
    # the fixed vector: the private author and their first mention, exactly as computed above
    assert by_key[f"vk:{MENTION_PSEUDONYM}"][1:4] == (MENTION_PSEUDONYM, AUTHOR_PSEUDONYM, None)
    # the official post keeps its id and URL; the private reshare of it is still an official reshare
    assert by_key[f"vk:{OFFICIAL}_5"][1:4] == (f"{OFFICIAL}_5", OFFICIAL, f"https://vk.com/wall{OFFICIAL}_5")
    reshare = [r for r in rows if r[2] == AUTHOR_PSEUDONYM and r[0] != f"vk:{MENTION_PSEUDONYM}"]
    assert len(reshare) == 1 and reshare[0][4] is True
    assert len({r[0] for r in rows}) == len(rows) == 4  # keys stay unique

    marts = _marts_text(built_week)
    assert OWNER not in marts
    assert f"{OFFICIAL}_5" in marts

    capsys.readouterr()
    assert main(["explain", "--period", "2019-W10", "--akim", "batalov-amandyk"]) == 0
    explained = capsys.readouterr()
    assert OWNER not in explained.out + explained.err
    assert f"vk:{MENTION_PSEUDONYM}  author={AUTHOR_PSEUDONYM}" in explained.out

    assert main(["export", "--period", "2019-W10"]) == 0
    capsys.readouterr()
    exported = [p for p in (built_week / "exports").rglob("*") if p.is_file()]
    assert any(p.suffix == ".csv" for p in exported)
    assert any(f"vk:{OFFICIAL}_5" in p.read_text(encoding="utf-8") for p in exported if p.suffix == ".csv")
    for path in exported:
        if path.suffix == ".parquet":
            with duckdb.connect() as con:
                content = "\n".join(repr(r) for r in con.execute(f"select * from read_parquet('{path}')").fetchall())
        else:
            content = path.read_text(encoding="utf-8", errors="replace")
        assert OWNER not in content, path


def test_rerun_keeps_the_pseudonymised_keys_stable(built_week: Path) -> None:
    """A second run of the same week rebuilds the same keys (incremental staging, keyed by the
    loaded id), no duplicates."""
    query = "select mention_key from marts.fct_mention_eligibility order by mention_key"
    with duckdb.connect(str(built_week / "warehouse.duckdb"), read_only=True) as con:
        before = con.execute(query).fetchall()
    main(["run", "--from", "2019-03-04", "--to", "2019-03-10"])
    with duckdb.connect(str(built_week / "warehouse.duckdb"), read_only=True) as con:
        after = con.execute(query).fetchall()
    assert after == before

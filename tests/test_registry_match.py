"""Official-account matching is one rule in Python and SQL (issue #15): an author id that differs
from the registry's only by case is the registry's account on both sides; a leading '@' or
surrounding spaces make another id on both sides (ids are stripped where they are loaded).

The same author ids go through the classifier (`AuthorClassifier.classify`) and through a real
dbt run of the eligibility model on a small warehouse whose classifier verdicts say `person` (as
when the account entered the registry after the mentions were classified): both must exclude
the same mentions as official authors.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from assets.classification.attribution import AkimMatcher
from assets.classification.authors import AuthorClassifier
from assets.reference import OfficialAccount, Tenure, load_reference
from tests.test_dbt_rules import DDL, run_dbt

REGISTRY = OfficialAccount("telegram", "kz_region_voice", "Голос региона", "KZ-19", "akimat")
PERSON = "batalov-amandyk"
WEEK = date(2019, 2, 25)
# mention id -> author id as loaded
AUTHORS = {
    "r1": "kz_region_voice",  # the registry's id
    "r2": "KZ_Region_Voice",  # differs only by case: the same account
    "r3": "@kz_region_voice",  # a leading '@': another id
    "r4": "kz_region_voice ",  # a trailing space: another id (the loaders strip ids)
    "r5": "someone_else",
}
OFFICIAL = {"r1", "r2"}


def python_official(mention_ids: dict[str, str]) -> set[str]:
    reference = load_reference(
        tenures=(Tenure("KZ-19", PERSON, date(2014, 1, 1), None),), official_accounts=(REGISTRY,)
    )
    classifier = AuthorClassifier(reference, AkimMatcher(reference))
    verdicts = {mid: classifier.classify("telegram", author, "") for mid, author in mention_ids.items()}
    return {mid for mid, verdict in verdicts.items() if verdict.kind == "official"}


def write_warehouse(home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    loaded_at = datetime(2026, 1, 1)
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        con.execute(DDL)
        con.execute("insert into overrides.akim_tenures values ('KZ-19', ?, '2014-01-01', null)", [PERSON])
        con.execute(
            "create table overrides.official_accounts as select ? as platform, ? as author_id,"
            " ? as author_name, ? as region_code, ? as kind",
            [REGISTRY.platform, REGISTRY.author_id, REGISTRY.author_name, REGISTRY.region_code, REGISTRY.kind],
        )
        for day, (mid, author) in enumerate(AUTHORS.items()):
            published = datetime(2019, 2, 25, 6 + day)
            text = f"Баталов открыл школу номер {day}"  # distinct texts: no official-text reshare
            con.execute(
                "insert into raw.mentions values (?, 'telegram', ?, ?, ?, ?, ?, ?, 100, ?, null, 1, 0, 0,"
                " null, null, 'ru', null, false, 'files', ?)",
                [
                    mid,
                    f"{published.isoformat()}+00:00",
                    published,
                    published.date(),
                    WEEK,
                    author,
                    author,
                    text,
                    loaded_at,
                ],
            )
            con.execute(
                "insert into raw.classified_mentions values ('telegram', ?, ?, [?], 'positive', 0.9, 'classifier',"
                " 'person', false, 'ru', 'embedded', 'test', null, ?, null)",
                [mid, WEEK, PERSON, loaded_at],
            )
        con.execute("insert into raw.loaded_weeks values (?, 'files', 5, 0, ?)", [WEEK, loaded_at])


@pytest.fixture(scope="module")
def sql_official(tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: pytest.MonkeyPatch) -> set[str]:
    home = tmp_path_factory.mktemp("registry_home")
    write_warehouse(home)
    monkeypatch_module.setenv("AKIMS_HOME", str(home))  # run_dbt sets it; restored after the module
    run_dbt(home, "build", "--select", "+int_mention_eligibility", "--indirect-selection", "cautious")
    # dbt-duckdb keeps its read-write instance open in this process: the same configuration
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        rows = con.execute(
            "select split_part(s.source_key, ':', 2), e.status from intermediate.int_mention_eligibility e"
            " join staging.stg_warehouse__mentions s on s.mention_key = e.mention_key"
        ).fetchall()
    assert len(rows) == len(AUTHORS)
    return {mid for mid, status in rows if status == "official_author"}


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_python_and_sql_exclude_the_same_official_authors(sql_official: set[str]) -> None:
    assert python_official(AUTHORS) == OFFICIAL
    assert sql_official == OFFICIAL

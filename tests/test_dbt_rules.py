"""The dbt project implements the rating rules (methodology v1.1) on a hand-made fixture.

A temporary AKIMS_HOME gets raw tables written with duckdb (a few dozen mentions covering the
rules), an override roster (overrides.akim_tenures, so the override detection is exercised too),
then `dbt build` runs through dbt's Python API (models, data tests and YAML unit tests) and the
marts are compared with values computed by hand (see the comments).

Roster used (override; inclusive dates; the newcomer holds a shared day):
  KZ-11 murzalin-malik 2017-03-14..2019-04-10 -> effective ..2019-04-09; marzhikpaev-ermek 2019-04-10..
  KZ-15 urazalin-ondasyn 2018-01-01..        KZ-19 batalov-amandyk 2014-01-01..
  KZ-23 nogaev-nurlan 2016-01-01..2019-03-01 -> effective ..2019-02-28; dosmukhambetov-makhambet 2019-03-01..
  KZ-47 nogaev-nurlan 2019-03-01..           (the same person moves to Mangystau)
  KZ-43 kusherbaev-krymbek 2013-01-01..2019-06-18; gap; iskakov-kuanyshbek 2019-06-29..
  KZ-71 sultanov-bakhyt 2018-09-11..2019-06-13 (a city: not rated by default)
Loaded weeks: 2019-W01 (starts 2018-12-31) .. 2019-W26, and 2020-W01 (2019-12-30..2020-01-05).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[1]
DBT_DIR = REPO / "dbt_project"
ALMATY = ZoneInfo("Asia/Almaty")

DDL = """
create schema if not exists raw;
create schema if not exists overrides;
create table raw.mentions (
    id varchar, platform varchar, published_at varchar, published_utc timestamp, local_date date,
    week_start date, author_id varchar, author_name varchar, author_followers bigint, text varchar,
    url varchar, likes bigint, comments bigint, reposts bigint, views bigint, reshare_of varchar,
    lang varchar, source_sentiment varchar, keep_source_label boolean, source varchar, loaded_at timestamp
);
create table raw.classified_mentions (
    platform varchar, id varchar, week_start date, akims varchar[], sentiment varchar,
    sentiment_score double, sentiment_origin varchar, author_type varchar, official_reshare boolean,
    lang varchar, classifier_backend varchar, classifier_version varchar, evidence varchar,
    classified_at timestamp, akim_sentiments varchar[]
);
create table raw.loaded_weeks (
    week_start date, source varchar, mention_count bigint, quarantined_count bigint, loaded_at timestamp
);
create table overrides.akim_tenures (region_code varchar, person_id varchar, start_date date, end_date date);
"""

TENURES = [
    ("KZ-11", "murzalin-malik", "2017-03-14", "2019-04-10"),
    ("KZ-11", "marzhikpaev-ermek", "2019-04-10", None),
    ("KZ-15", "urazalin-ondasyn", "2018-01-01", None),
    ("KZ-19", "batalov-amandyk", "2014-01-01", None),
    ("KZ-23", "nogaev-nurlan", "2016-01-01", "2019-03-01"),
    ("KZ-23", "dosmukhambetov-makhambet", "2019-03-01", None),
    ("KZ-47", "nogaev-nurlan", "2019-03-01", None),
    ("KZ-43", "kusherbaev-krymbek", "2013-01-01", "2019-06-18"),
    ("KZ-43", "iskakov-kuanyshbek", "2019-06-29", None),
    ("KZ-71", "sultanov-bakhyt", "2018-09-11", "2019-06-13"),
]

B, U, NG = "batalov-amandyk", "urazalin-ondasyn", "nogaev-nurlan"
MZ, MR, K, IS = "murzalin-malik", "marzhikpaev-ermek", "kusherbaev-krymbek", "iskakov-kuanyshbek"
D, S = "dosmukhambetov-makhambet", "sultanov-bakhyt"

# (id, published_at, author_id, followers, akims, sentiment, extra fields)
MENTIONS = [
    # 2019-W09 (Mon 2019-02-25 .. Sun 2019-03-03)
    (
        "m01",
        "2019-02-25T10:00:00+06:00",
        "a1",
        1000,
        [B],
        "positive",
        dict(text="Баталов открыл новую школу в Талдыкоргане", likes=10),
    ),
    ("m02", "2019-02-26T11:00:00+06:00", "a2", 500, [B], "positive", dict(likes=5, comments=5)),
    ("m03", "2019-02-26T12:00:00+06:00", "a1", 1200, [U], "negative", dict(likes=3)),
    ("m04", "2019-02-27T09:00:00+06:00", "a3", 100, [U], "positive", dict(reposts=7)),
    ("m05", "2019-02-27T10:00:00+06:00", "a4", 300, [NG], "positive", dict(likes=1)),
    ("m06", "2019-03-02T10:00:00+06:00", "a5", 40, [NG], "positive", {}),
    # official author (registry: telegram/akimat_akmola is in the seed registry)
    (
        "m07",
        "2019-02-25T09:00:00+06:00",
        "akimat_akmola",
        20000,
        [MZ],
        "positive",
        dict(text="Аким области провёл встречу с жителями https://t.me/akimat_akmola/1"),
    ),
    # official reshare by reshare_of, and by equal normalised text
    ("m08", "2019-02-25T12:00:00+06:00", "a6", 10, [MZ], "positive", dict(text="", reshare_of="m07")),
    (
        "m09",
        "2019-02-26T13:00:00+06:00",
        "a7",
        10,
        [MZ],
        "neutral",
        dict(text="  АКИМ области провел \u00a0 встречу с жителями www.example.kz/x "),
    ),
    # official author by classification; official reshare by the classifier's flag
    ("m10", "2019-02-26T14:00:00+06:00", "gov_press", 5000, [U], "positive", dict(author_type="official")),
    ("m11", "2019-02-27T15:00:00+06:00", "a13", 10, [U], "positive", dict(official_reshare=True)),
    # duplicate of m01 (same author, same normalised text, same ISO week, later)
    (
        "m13",
        "2019-02-28T10:00:00+06:00",
        "a1",
        1000,
        [B],
        "positive",
        dict(text="БАТАЛОВ открыл  новую школу в Талдыкоргане https://t.me/x/2"),
    ),
    # the same text a week later is not a duplicate (2019-W10)
    (
        "m14",
        "2019-03-05T10:00:00+06:00",
        "a1",
        1100,
        [B],
        "neutral",
        dict(text="Баталов открыл новую школу в Талдыкоргане", likes=2),
    ),
    ("m15", "2019-02-26T16:00:00+06:00", "a2", 500, [], "neutral", {}),
    # a city akim (not rated) and a person before their first tenure: out of tenure, two rows
    ("m16", "2019-02-26T17:00:00+06:00", "a3", 100, [S, D], "negative", {}),
    # 23:30 UTC on 28 Feb is 05:30 on 1 March in Almaty: nogaev now holds KZ-47, not KZ-23
    ("m18", "2019-02-28T23:30:00+00:00", "a12", 60, [NG], "neutral", dict(likes=1)),
    # 2019-W11 .. H1
    ("m19", "2019-03-12T10:00:00+06:00", "a8", 50, [MZ], "positive", {}),
    ("m20", "2019-04-11T10:00:00+06:00", "a9", 70, [MR], "negative", {}),
    # 10 April: the roster's shared day, the newcomer holds it -> murzalin out of tenure
    ("m22", "2019-04-10T10:00:00+06:00", "a8", 50, [MZ], "positive", {}),
    ("m23", "2019-06-10T10:00:00+06:00", "a10", 150, [K], "positive", dict(likes=4)),
    ("m24", "2019-06-29T10:00:00+06:00", "a10", 200, [IS], "negative", {}),
    # in the gap of KZ-43 (kusherbaev left on 18 June)
    ("m25", "2019-06-20T10:00:00+06:00", "a10", 150, [K], "negative", {}),
    ("m27", "2019-05-15T10:00:00+06:00", "a11", 10, [D], "negative", dict(comments=1)),
    # 2020-W01 (2019-12-30 .. 2020-01-05): its Thursday is in 2020
    ("m26", "2020-01-02T10:00:00+06:00", "a2", 500, [B], "positive", {}),
]


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def write_fixture(home: Path) -> None:
    """Write the raw tables and the override roster into home/warehouse.duckdb."""
    home.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    try:
        con.execute(DDL)
        loaded_at = datetime(2026, 1, 1)
        con.executemany("insert into overrides.akim_tenures values (?, ?, ?, ?)", TENURES)
        for mid, published_at, author, followers, akims, sentiment, extra in MENTIONS:
            instant = datetime.fromisoformat(published_at)
            utc = instant.astimezone(UTC).replace(tzinfo=None)
            local = instant.astimezone(ALMATY).date()
            week = _monday(local)
            platform = extra.get("platform", "telegram")
            con.execute(
                "insert into raw.mentions values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    mid,
                    platform,
                    published_at,
                    utc,
                    local,
                    week,
                    author,
                    author,
                    followers,
                    extra.get("text", f"текст упоминания {mid}"),
                    None,
                    extra.get("likes"),
                    extra.get("comments"),
                    extra.get("reposts"),
                    None,
                    extra.get("reshare_of"),
                    "ru",
                    None,
                    False,
                    "files",
                    loaded_at,
                ],
            )
            con.execute(
                "insert into raw.classified_mentions values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    platform,
                    mid,
                    week,
                    akims,
                    sentiment,
                    0.9,
                    "classifier",
                    extra.get("author_type", "person"),
                    extra.get("official_reshare", False),
                    "ru",
                    "embedded",
                    "test",
                    None,
                    loaded_at,
                    extra.get("akim_sentiments"),
                ],
            )
        weeks = [date(2018, 12, 31) + timedelta(weeks=k) for k in range(26)] + [date(2019, 12, 30)]
        con.executemany("insert into raw.loaded_weeks values (?, 'files', 0, 0, ?)", [(w, loaded_at) for w in weeks])
    finally:
        con.close()


def run_dbt(home: Path, *args: str) -> None:
    from dbt.cli.main import dbtRunner

    os.environ["AKIMS_HOME"] = str(home)
    result = dbtRunner().invoke(
        [
            *args,
            "--project-dir",
            str(DBT_DIR),
            "--profiles-dir",
            str(DBT_DIR),
            "--target-path",
            str(home / "dbt_target"),
            "--log-path",
            str(home / "dbt_logs"),
        ]
    )
    assert result.success, f"dbt {' '.join(args)} failed: {result.exception or result.result}"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("akims_home")
    write_fixture(home)
    previous = os.environ.get("AKIMS_HOME")
    try:
        run_dbt(home, "build")
    finally:
        if previous is None:
            os.environ.pop("AKIMS_HOME", None)
        else:
            os.environ["AKIMS_HOME"] = previous
    # dbt-duckdb keeps its (read-write) database instance open in this process: same config
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    yield con
    con.close()


def rows(con, sql: str, *params):
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def ranking(con, period: str):
    sql = "select * from marts.fct_akim_ranking where period = ? order by rank nulls last, person_id"
    return rows(con, sql, period)


def status(con, mention_id: str, person_id: str | None = None):
    # a private author's mention id is pseudonymised in the marts: find it by the id as loaded
    sql = (
        "select e.* from marts.fct_mention_eligibility e"
        " join staging.stg_warehouse__mentions s on s.mention_key = e.mention_key"
        " where split_part(s.source_key, ':', 2) = ? and e.person_id is not distinct from ?"
    )
    (row,) = rows(con, sql, mention_id, person_id)
    return row


def test_statuses_follow_the_rules_in_order(warehouse):
    assert status(warehouse, "m07", MZ)["status"] == "official_author"  # registry
    assert status(warehouse, "m10", U)["status"] == "official_author"  # classified official
    assert status(warehouse, "m08", MZ)["status"] == "official_reshare"  # reshare_of an official post
    m09 = status(warehouse, "m09", MZ)
    assert m09["status"] == "official_reshare" and m09["repeats_official_text"]  # equal normalised text
    assert m09["normalised_text"] == "аким области провел встречу с жителями"
    assert status(warehouse, "m11", U)["status"] == "official_reshare"  # classifier flag
    assert status(warehouse, "m15")["status"] == "no_akim"
    assert status(warehouse, "m16", S)["status"] == "out_of_tenure"  # city: not rated
    assert status(warehouse, "m16", D)["status"] == "out_of_tenure"  # before the first tenure
    assert status(warehouse, "m22", MZ)["status"] == "out_of_tenure"  # shared day: newcomer's
    assert status(warehouse, "m25", K)["status"] == "out_of_tenure"  # after leaving (gap)
    dup = status(warehouse, "m13", B)
    original = status(warehouse, "m01", B)
    assert original["status"] == "eligible"
    # the original's key as the marts know it (a private author's id is pseudonymised)
    assert original["mention_key"].startswith("telegram:anon-")
    assert dup["status"] == "duplicate" and dup["duplicate_of"] == original["mention_key"]
    assert status(warehouse, "m14", B)["status"] == "eligible"  # next ISO week


def test_mentions_follow_the_tenure_on_the_local_date(warehouse):
    m05, m06, m18 = status(warehouse, "m05", NG), status(warehouse, "m06", NG), status(warehouse, "m18", NG)
    assert (m05["region_code"], m06["region_code"]) == ("KZ-23", "KZ-47")
    # published 2019-02-28 23:30 UTC -> 2019-03-01 in Almaty (UTC+6): the Mangystau tenure
    assert m18["local_date"] == date(2019, 3, 1) and m18["region_code"] == "KZ-47"
    assert m18["week"] == "2019-W09" and m18["half_year"] == "2019-H1" and m18["year"] == "2019"


def test_week_with_mid_week_changes_ties_and_tie_breaks(warehouse):
    table = ranking(warehouse, "2019-W09")
    ranked = [(r["rank"], r["person_id"], r["region_code"], r["score"]) for r in table if r["is_ranked"]]
    # N = 5. Points (6 - r) per indicator, mentions/positive/negative/tone/authors/engagement/reach:
    # batalov 5+5+5+5+5+5+5 = 35; nogaev(KZ-23, Mon-Thu = 4 days) 3+4+5+5+3+3+3 = 26;
    # urazalin 5+4+1+3+5+4+4 = 26 (score tie -> tone 1.0 beats 0); kusherbaev and murzalin 18
    # (tie on score, tone and mentions -> person_id).
    assert ranked == [
        (1, B, "KZ-19", 35),
        (2, NG, "KZ-23", 26),
        (3, U, "KZ-15", 26),
        (4, K, "KZ-43", 18),
        (5, MZ, "KZ-11", 18),
    ]
    by_person = {(r["person_id"], r["region_code"]): r for r in table}
    u = by_person[(U, "KZ-15")]
    # urazalin shares 1st place on mentions; last on negative; shares 3rd on tone
    indicators = ("mentions", "positive", "negative", "tone_index", "authors", "engagement", "reach")
    assert tuple(u[k] for k in indicators) == (2, 1, 1, 0.0, 2, 10, 1300)
    assert (u["mentions_points"], u["negative_points"], u["tone_index_points"]) == (5, 1, 3)
    b = by_person[(B, "KZ-19")]
    assert (b["mentions"], b["engagement"], b["reach"]) == (2, 20, 1500)
    # not ranked: the newcomer in Atyrau (3 days) and nogaev's new post in Mangystau (3 days)
    not_ranked = {(r["person_id"], r["region_code"]): r for r in table if not r["is_ranked"]}
    assert set(not_ranked) == {(D, "KZ-23"), (NG, "KZ-47")}
    assert not_ranked[(NG, "KZ-47")]["rank"] is None
    assert not_ranked[(NG, "KZ-47")]["mentions"] == 2  # m06 and m18
    assert not_ranked[(D, "KZ-23")]["not_ranked_reason"] == "covers fewer than 4 days of the week"


def test_week_change_newcomer_covers_five_days(warehouse):
    table = ranking(warehouse, "2019-W15")  # 2019-04-08 .. 04-14; marzhikpaev from 04-10
    kz11 = [(r["person_id"], r["is_ranked"]) for r in table if r["region_code"] == "KZ-11"]
    assert sorted(kz11) == [(MR, True), (MZ, False)]
    ranked = [r for r in table if r["is_ranked"]]
    assert len(ranked) == 6
    # one negative mention: 1st on mentions/authors/reach, last on negative and tone -> 32 < 39
    mr = next(r for r in ranked if r["person_id"] == MR)
    assert (mr["score"], mr["rank"], mr["negative_points"], mr["tone_index"]) == (32, 6, 1, -1.0)
    assert ranked[0]["person_id"] == B and ranked[0]["score"] == 39


def test_region_gap_leaves_no_one_in_the_week(warehouse):
    table = ranking(warehouse, "2019-W25")  # kusherbaev left 06-18, iskakov from 06-29
    kz43 = [r for r in table if r["region_code"] == "KZ-43"]
    assert [(r["person_id"], r["is_ranked"]) for r in kz43] == [(K, False)]
    assert not any(r["region_code"] == "KZ-43" for r in ranking(warehouse, "2019-W26") if r["is_ranked"])


def test_half_year_is_person_based(warehouse):
    table = ranking(warehouse, "2019-H1")
    ranked = [(r["rank"], r["person_id"], r["region_code"], r["score"]) for r in table if r["is_ranked"]]
    # N = 6, points 7 - r; batalov 42, nogaev (KZ-47) 34, kusherbaev 31 (departed 06-18, kept),
    # urazalin 30, murzalin 26 (departed 04-09, 99 of 181 days, kept), dosmukhambetov 14
    assert ranked == [
        (1, B, "KZ-19", 42),
        (2, NG, "KZ-47", 34),
        (3, K, "KZ-43", 31),
        (4, U, "KZ-15", 30),
        (5, MZ, "KZ-11", 26),
        (6, D, "KZ-23", 14),
    ]
    not_ranked = {(r["person_id"], r["region_code"]): r["not_ranked_reason"] for r in table if not r["is_ranked"]}
    assert not_ranked == {
        (MR, "KZ-11"): "tenure too short",
        (NG, "KZ-23"): "tenure too short",
        (IS, "KZ-43"): "tenure too short",
    }
    b = next(r for r in table if r["person_id"] == B)
    assert (b["mentions"], b["positive"], b["authors"], b["engagement"], b["reach"]) == (3, 2, 2, 22, 1600)


def test_year_is_region_based_with_carry_over(warehouse):
    table = ranking(warehouse, "2019")
    ranked = {r["region_code"]: r for r in table if r["is_ranked"]}
    assert {k: v["person_id"] for k, v in ranked.items()} == {
        "KZ-11": MR,
        "KZ-15": U,
        "KZ-19": B,
        "KZ-23": D,
        "KZ-43": IS,
        "KZ-47": NG,
    }
    kz11, kz43 = ranked["KZ-11"], ranked["KZ-43"]
    # predecessors' mentions included: m19 (murzalin) + m20 (marzhikpaev); m23 (kusherbaev) + m24
    assert (kz11["mentions"], kz11["positive"], kz11["negative"], kz11["authors"], kz11["reach"]) == (2, 1, 1, 2, 120)
    assert (kz43["mentions"], kz43["authors"], kz43["reach"], kz43["engagement"]) == (2, 1, 200, 4)
    assert ranked["KZ-23"]["mentions"] == 2  # m05 (nogaev in Atyrau) + m27
    not_ranked = {(r["person_id"], r["region_code"]): r["not_ranked_reason"] for r in table if not r["is_ranked"]}
    assert not_ranked == {
        (MZ, "KZ-11"): "succeeded within the year",
        (K, "KZ-43"): "succeeded within the year",
        (NG, "KZ-23"): "succeeded within the year",
    }


def test_periods_and_summary(warehouse):
    periods = {r["period"]: r for r in rows(warehouse, "select * from marts.dim_periods")}
    assert periods["2019-W01"]["period_start"] == date(2018, 12, 31)
    assert periods["2019-H1"]["is_complete"] and not periods["2019"]["is_complete"]
    assert periods["2019"]["last_data_date"] == date(2019, 12, 31)
    assert periods["2020"]["last_data_date"] == date(2020, 1, 5)
    assert periods["2020-W01"]["period_start"] == date(2019, 12, 30)
    assert periods["2018-H2"]["loaded_days"] == 1
    (w09,) = rows(warehouse, "select * from marts.fct_period_summary where period = '2019-W09'")
    assert (
        w09["mentions_read"],
        w09["eligible"],
        w09["excluded_no_akim"],
        w09["excluded_official_author"],
        w09["excluded_official_reshare"],
        w09["excluded_out_of_tenure"],
        w09["excluded_duplicate"],
    ) == (15, 7, 1, 2, 3, 2, 1)
    assert (w09["tenures_ranked"], w09["tenures_not_ranked"]) == (5, 2)
    settings = dict(warehouse.execute("select setting, value from marts.dim_settings").fetchall())
    assert settings["min_tenure_share"] == "0.5" and settings["weekly_min_days"] == "4"
    assert settings["include_cities"] == "false" and settings["methodology_version"] == "1.1"


def test_weekly_first_places_follow_the_thursday(warehouse):
    wins = {
        (r["period"], r["person_id"]): r["weeks_won"]
        for r in rows(warehouse, "select * from marts.fct_weekly_first_places")
    }
    # 26 weeks in 2019-H1: murzalin wins W11 (m19), kusherbaev W24 (m23), batalov the rest
    # (all-zero weeks are decided by person_id); 2020-W01 (Thursday 2020-01-02) counts for 2020.
    assert wins[("2019-H1", MZ)] == 1 and wins[("2019-H1", K)] == 1 and wins[("2019-H1", B)] == 24
    assert wins[("2019", B)] == 24
    assert ("2019-H2", B) not in wins
    assert wins[("2020-H1", B)] == 1 and wins[("2020", B)] == 1

"""The embedded demo source: contract rows, determinism, window independence, and content."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date, timedelta

import pytest

from akims_demo.generator import (
    BOT_RING_ACCOUNTS,
    UNREGISTERED_OFFICIAL_ACCOUNTS,
    AkimProfile,
    DemoConfig,
    generate_labelled,
    generate_mentions,
    main,
    write_jsonl,
)
from assets.records import CONTRACT_FIELDS, RejectedRow, validate
from assets.reference import load_reference

CONTRACT_KEYS = set(CONTRACT_FIELDS) - {"sentiment"}  # the demo supplies no source labels
GAP_FIRST, GAP_LAST = date(2019, 6, 19), date(2019, 6, 28)  # Kyzylorda: Kusherbaev left, Iskakov not yet in
SMALL = DemoConfig(mentions_per_half_year=12_000)


@pytest.fixture(scope="module")
def reference():
    return load_reference()


@pytest.fixture(scope="module")
def half_year(reference):
    """2019-H1 at a reduced volume, rows with their ground truth."""
    return list(generate_labelled(SMALL, reference))


@pytest.fixture(scope="module")
def june(reference):
    """The second half of June 2019 at the default volume (the Kyzylorda gap, Arys, three changes)."""
    return list(generate_labelled(DemoConfig(), reference, date(2019, 6, 10), date(2019, 6, 30)))


def _normalised(text: str) -> str:
    text = re.sub(r"https?://\S+|www\.\S+", "", text.casefold().replace("ё", "е"))
    return re.sub(r"\s+", " ", text).strip()


def _day(row: dict) -> date:
    return date.fromisoformat(row["published_at"][:10])


def test_same_config_gives_same_rows(reference):
    config = DemoConfig(mentions_per_half_year=20_000, seed=7)
    first = list(generate_mentions(config, reference, date(2019, 3, 1), date(2019, 3, 10)))
    second = list(generate_mentions(config, reference, date(2019, 3, 1), date(2019, 3, 10)))
    assert first == second
    other_seed = list(generate_mentions(replace(config, seed=8), reference, date(2019, 3, 1), date(2019, 3, 10)))
    assert [r["text"] for r in other_seed] != [r["text"] for r in first]


def test_windows_concatenate_to_the_full_window(reference):
    config = DemoConfig()
    full = list(generate_mentions(config, reference, date(2019, 6, 10), date(2019, 6, 30)))
    halves = list(generate_mentions(config, reference, date(2019, 6, 10), date(2019, 6, 19)))
    halves += list(generate_mentions(config, reference, date(2019, 6, 20), date(2019, 6, 30)))
    assert halves == full
    weekly: list[dict] = []
    monday = date(2019, 6, 10)
    while monday <= date(2019, 6, 30):
        weekly += generate_mentions(config, reference, monday, min(monday + timedelta(days=6), date(2019, 6, 30)))
        monday += timedelta(days=7)
    assert weekly == full


def test_every_row_is_a_valid_contract_mention(half_year):
    ids = set()
    for row, _truth in half_year:
        assert set(row) == CONTRACT_KEYS
        record = validate(row)
        assert not isinstance(record, RejectedRow), record
        assert record.published_at.endswith("+06:00")  # Almaty was UTC+6 in 2019
        assert date(2019, 1, 1) <= record.local_date <= date(2019, 6, 30)
        ids.add(row["id"])
    assert len(ids) == len(half_year)
    times = [row["published_at"] for row, _ in half_year]
    assert times == sorted(times)


def test_volume_scales_with_the_parameter_and_the_span(reference):
    first, last = date(2019, 1, 1), date(2019, 3, 31)
    share = ((last - first).days + 1) / 181
    for size in (10_000, 30_000):
        count = sum(1 for _ in generate_mentions(DemoConfig(mentions_per_half_year=size), reference, first, last))
        assert abs(count - size * share) <= 0.15 * size * share, (size, count)


def test_full_half_year_volume_is_near_the_target(half_year):
    assert abs(len(half_year) - SMALL.mentions_per_half_year) <= 0.1 * SMALL.mentions_per_half_year


def test_kyzylorda_gap_has_posts_but_no_incumbent(june, reference):
    gap_rows = [
        (row, truth) for row, truth in june if truth["region_code"] == "KZ-43" and GAP_FIRST <= _day(row) <= GAP_LAST
    ]
    assert len(gap_rows) > 20
    assert any(truth["kind"] == "gap" for _, truth in gap_rows)
    positional = re.compile(r"(аким\w*|глав\w*) Кызылординской области|Қызылорда облысының әкім")
    position_rows = [row for row, _ in june if positional.search(row["text"])]
    in_gap = [row for row in position_rows if GAP_FIRST <= _day(row) <= GAP_LAST]
    assert in_gap, "the gap has position-only posts about the vacant post"
    for row in in_gap:
        assert reference.incumbents("KZ-43", _day(row)) == []
    # nobody in the gap is named as an akim in office in Kyzylorda; the successor is not named before his start
    for row, truth in gap_rows:
        for person in truth["akims"]:
            assert not [t for t in reference.tenures_on(person, _day(row)) if t.region_code == "KZ-43"]
        assert "Искаков" not in row["text"] and "Ысқақов" not in row["text"]
    # before and after the gap, position mentions resolve to the holder of the day
    holders = {reference.incumbents("KZ-43", _day(row))[0] for row in position_rows if _day(row) > GAP_LAST}
    assert holders == {"iskakov-kuanyshbek"}


def test_newcomers_from_their_start_and_departed_akims_out_of_tenure(half_year, reference):
    by_person = defaultdict(list)
    for row, truth in half_year:
        for person in truth["akims"]:
            by_person[person].append(_day(row))
    assert min(by_person["shukeev-umirzak"]) == date(2019, 2, 26)
    assert min(by_person["iskakov-kuanyshbek"]) == date(2019, 6, 29)
    texts = [row["text"] for row, _ in half_year if _day(row) > date(2019, 2, 27)]
    assert any("Сапарбаев" in text for text in texts)  # left Aktobe on 2019-02-26, still mentioned
    assert any("новый аким" in text.lower() or "жаңа әкім" in text.lower() for text in texts)
    out_of_tenure = [
        (person, day) for person, days in by_person.items() for day in days if not reference.tenures_on(person, day)
    ]
    assert out_of_tenure


def test_registered_and_unregistered_official_accounts_both_post(half_year, reference):
    registry = {(a.platform, a.author_id) for a in reference.official_accounts}
    unregistered = {(p, a) for p, a, _n, _r in UNREGISTERED_OFFICIAL_ACCOUNTS}
    assert not registry & unregistered
    authors = Counter((row["platform"], row["author_id"]) for row, _ in half_year)
    assert len(registry & set(authors)) >= 40
    assert unregistered <= set(authors)
    ring = {(p, a) for p, a, _n, _r in BOT_RING_ACCOUNTS}
    assert ring <= set(authors)


def test_bot_ring_posts_near_identical_praise_within_minutes(half_year):
    ring = {a for _p, a, _n, _r in BOT_RING_ACCOUNTS}
    posts = sorted(
        (row["published_at"], row["author_id"], row["text"]) for row, _ in half_year if row["author_id"] in ring
    )
    bursts = defaultdict(set)
    for published, author, text in posts:
        bursts[(published[:13], _normalised(text)[20:50])].add(author)
    assert max(len(a) for a in bursts.values()) >= 4


def test_reshares_point_at_official_posts(half_year, reference):
    registry = {(a.platform, a.author_id) for a in reference.official_accounts}
    unregistered = {(p, a) for p, a, _n, _r in UNREGISTERED_OFFICIAL_ACCOUNTS}
    by_id = {row["id"]: row for row, _ in half_year}
    reshares = [row for row, _ in half_year if row["reshare_of"]]
    inside = [row for row in reshares if row["reshare_of"] in by_id]
    official_targets = [
        row
        for row in inside
        if (by_id[row["reshare_of"]]["platform"], by_id[row["reshare_of"]]["author_id"]) in registry
    ]
    unregistered_targets = [
        row
        for row in inside
        if (by_id[row["reshare_of"]]["platform"], by_id[row["reshare_of"]]["author_id"]) in unregistered
    ]
    assert len(official_targets) > 100 and len(unregistered_targets) > 20
    for row in inside:
        assert by_id[row["reshare_of"]]["published_at"] < row["published_at"]
        assert by_id[row["reshare_of"]]["platform"] == row["platform"]
    # targets outside the data: foreign posts, or press releases from before the window
    outside = [row for row in reshares if row["reshare_of"] not in by_id]
    assert outside
    assert all(r["reshare_of"].startswith("ext-") or r["reshare_of"] < "demo-20190101" for r in outside)
    # copy-pastes of official texts without reshare_of, some identical after normalisation
    official_texts = {_normalised(row["text"]) for row, t in half_year if t["author_type"] == "official"}
    copies = [
        row
        for row, t in half_year
        if t["author_type"] == "person" and not row["reshare_of"] and _normalised(row["text"]) in official_texts
    ]
    assert len(copies) > 20


def test_duplicates_in_the_same_week(half_year):
    seen = Counter()
    for row, _ in half_year:
        day = _day(row)
        seen[(row["platform"], row["author_id"], _normalised(row["text"]), day.isocalendar()[:2])] += 1
    duplicates = sum(n - 1 for key, n in seen.items() if n > 1 and key[2])
    assert 0.003 * len(half_year) < duplicates < 0.05 * len(half_year)


def test_both_languages_and_some_latin(half_year):
    langs = Counter(row["lang"] for row, _ in half_year)
    known = langs["ru"] + langs["kk"]
    assert 0.55 < langs["ru"] / len(half_year) < 0.75
    assert 0.2 < langs["kk"] / len(half_year) < 0.4
    assert known < len(half_year)
    kazakh_letters = re.compile(r"[әғқңөұүһі]")
    assert sum(1 for row, _ in half_year if row["lang"] == "kk" and kazakh_letters.search(row["text"])) > 1000
    assert any(re.search(r"\b(Batalov|Shukeyev|Baibek)\b", row["text"]) for row, _ in half_year)


def test_name_forms_are_varied(june):
    texts = "\n".join(row["text"] for row, _ in june)
    for form in (
        "Шукееву",
        "Шукеевым",
        "Шөкеевке",
        "Шөкеевтің",
        "аким Туркестанской области",
        "Түркістан облысының әкімі",
        "Умирзак Естаевич",
        "У. Шукеев",
        "#Шукеев",
    ):
        assert form in texts, form


def test_posts_without_an_akim(half_year):
    none = [row for row, truth in half_year if not truth["akims"]]
    assert 0.07 < len(none) / len(half_year) < 0.3
    assert any("района" in row["text"] for row in none)


def test_profiles_drive_volume_and_tone(reference):
    first, last = date(2019, 1, 1), date(2019, 2, 28)
    config = DemoConfig(mentions_per_half_year=20_000)
    surname = re.compile(r"Баталов|Batalov")
    default = [row for row in generate_mentions(config, reference, first, last) if surname.search(row["text"])]
    assert len(default) > 100
    silenced = replace(config, profiles=(AkimProfile("batalov-amandyk", popularity=0.0, tone=0.0),))
    rows = list(generate_mentions(silenced, reference, first, last))
    assert sum(1 for row in rows if surname.search(row["text"])) <= 2

    def positive_share(tone: float) -> float:
        override = replace(config, profiles=(AkimProfile("batalov-amandyk", popularity=1.0, tone=tone),))
        labels = [
            t["sentiment"]
            for _, t in generate_labelled(override, reference, first, last)
            if t["akims"] == ["batalov-amandyk"] and t["author_type"] == "person" and t["kind"] == "citizen"
        ]
        return labels.count("positive") / max(1, labels.count("positive") + labels.count("negative"))

    assert positive_share(0.9) > positive_share(-0.9) + 0.3


def test_default_profiles_make_akims_differ(half_year):
    counts = Counter(p for _, truth in half_year if truth["author_type"] == "person" for p in truth["akims"])
    top = counts.most_common()
    assert top[0][1] > 2 * top[len(top) // 2][1]


def test_write_jsonl_and_command_line(tmp_path, reference):
    rows = list(generate_mentions(SMALL, reference, date(2019, 5, 6), date(2019, 5, 7)))
    path = tmp_path / "two_days.jsonl"
    assert write_jsonl(rows, path) == len(rows)
    assert [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] == rows
    out = tmp_path / "cli.jsonl"
    assert main(["--start", "2019-05-06", "--end", "2019-05-07", "-o", str(out), "--size", "12000"]) == 0
    assert [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] == rows

"""Unit tests of the embedded classifier, on hand-written examples and the real seeds."""

from __future__ import annotations

from datetime import date

import pytest

from assets.classification import (
    CLASSIFIER_VERSION,
    Classification,
    EmbeddedClassifier,
    classify_records,
)
from assets.classification.attribution import AkimMatcher
from assets.classification.language import detect_language
from assets.classification.reshare import jaccard, shingles
from assets.classification.text import normalise, skeleton
from assets.classification.tone import score_tone
from assets.records import Mention, validate
from assets.reference import Reference, load_reference


@pytest.fixture(scope="module")
def reference() -> Reference:
    return load_reference()


@pytest.fixture(scope="module")
def matcher(reference: Reference) -> AkimMatcher:
    return AkimMatcher(reference)


@pytest.fixture(scope="module")
def classifier(reference: Reference) -> EmbeddedClassifier:
    return EmbeddedClassifier(reference)


def mention(text: str, when: str = "2019-05-10T12:00:00+06:00", **extra: object) -> Mention:
    row = {
        "id": extra.pop("id", "m1"),
        "platform": "instagram",
        "published_at": when,
        "author_id": "someone",
        "text": text,
    }
    row.update(extra)
    m = validate(row)
    assert isinstance(m, Mention), m
    return m


def akims(matcher: AkimMatcher, text: str, day: date = date(2019, 5, 10)) -> tuple[str, ...]:
    return matcher.attribute(text, day).person_ids


# ---- text helpers ---------------------------------------------------------------------------


def test_skeleton_joins_scripts_and_spellings() -> None:
    assert skeleton("шөкеев") == skeleton("шукеев") == skeleton("shókeev") == skeleton("шокеев")
    assert skeleton("мырзахметов") == skeleton("myrzakhmetov")
    assert skeleton("досаев") == skeleton("dossayev".replace("ss", "s"))


def test_normalise_follows_methodology() -> None:
    assert normalise("  Ёлка  http://x.kz/a\tВсЁ  www.site.kz ") == "елка все"


# ---- attribution: names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Баталовқа үлкен рахмет, ауылға газ келді!",
        "Спасибо Баталову за дорогу до Текели.",
        "Встречался с Баталовым на приёме в Талдыкоргане.",
        "Баталовтың уәдесі қайда? Жол әлі жөнделмеді.",
        "Облыс әкімі Баталовпен кездесу болды.",
        "Амандык Габбасович, когда запустят котельную?",
        "А. Баталов провёл совещание в Талдыкоргане.",
        "Batalov molodec, v Taldykorgane stalo chishe.",
        "#Баталов #Талдыкорган опять без воды",
    ],
)
def test_batalov_name_forms(matcher: AkimMatcher, text: str) -> None:
    assert akims(matcher, text) == ("batalov-amandyk",)


def test_kazakh_and_latin_spellings_of_other_akims(matcher: AkimMatcher) -> None:
    assert akims(matcher, "Тоғжановқа рахмет, Бейнеуге аурухана салынып жатыр") == ("tugzhanov-eraly",)
    assert akims(matcher, "Ахметовке алғыс айтамыз, Өскеменде жол жөнделді") == ("akhmetov-danial",)
    assert akims(matcher, "Shókeev qazir Arysta") == ("shukeev-umirzak",)
    assert akims(matcher, "Шокеев молодец, дороги по области делают") == ("shukeev-umirzak",)  # misspelling
    assert akims(matcher, "Қырымбек Елеуұлы 👍") == ("kusherbaev-krymbek",)


def test_two_akims_in_one_post(matcher: AkimMatcher) -> None:
    text = "Аксакалов и Мухамбетов на форуме, а дороги между Петропавловском и Костанаем нет."
    assert set(akims(matcher, text)) == {"aksakalov-kumar", "mukhambetov-arkhimed"}


def test_namesakes_are_rejected(matcher: AkimMatcher) -> None:
    assert akims(matcher, "Участковый Ахметов нашёл велосипед сына. Спасибо!") == ()
    assert akims(matcher, "Ахметов забил на последней минуте, победа!") == ()
    assert akims(matcher, "Пересматриваю старый фильм, Баталов в роли Гоши великолепен") == ()
    assert akims(matcher, "Сергей Ахметов из соседнего подъезда опять шумит") == ()


def test_tenure_traps(matcher: AkimMatcher) -> None:
    # not yet an akim: Sagintaev became Almaty's akim on 2019-06-28
    assert akims(matcher, "Премьер Сагинтаев отчитался о росте ВВП", date(2019, 1, 15)) == ()
    # a former akim named with the new, non-akim post
    assert akims(matcher, "Министр энергетики Ногаев заявил, что бензин не подорожает", date(2019, 4, 16)) == ()
    # a post about a former akim's past work still counts
    assert akims(matcher, "Кушербаев кеткелі Қызылордада бәрі тоқтап қалды", date(2019, 8, 5)) == (
        "kusherbaev-krymbek",
    )


def test_shared_kazakh_surname_resolved_by_date(matcher: AkimMatcher) -> None:
    # "Көшербаев" is the Kazakh spelling of both Krymbek Kusherbaev and Yermek Kosherbaev
    assert akims(matcher, "Көшербаев мырза, Қызылордада су жоқ", date(2019, 5, 1)) == ("kusherbaev-krymbek",)
    assert akims(matcher, "Көшербаев мырза, Өскеменде су жоқ", date(2024, 5, 1)) == ("kosherbaev-ermek",)


# ---- attribution: positions -------------------------------------------------------------------


def test_position_resolved_to_incumbent_on_date(matcher: AkimMatcher) -> None:
    text = "Аким Кызылординской области сегодня посетил Арал."
    assert akims(matcher, text, date(2019, 6, 10)) == ("kusherbaev-krymbek",)
    assert akims(matcher, text, date(2019, 6, 20)) == ()  # the post was empty
    assert akims(matcher, text, date(2019, 7, 10)) == ("iskakov-kuanyshbek",)


def test_position_phrases(matcher: AkimMatcher) -> None:
    assert akims(matcher, "Акима ЗКО опять не видно", date(2019, 9, 10)) == ("iskaliev-gali",)
    assert akims(matcher, "Алматы облысының әкімі бүгін Талғарда болды") == ("batalov-amandyk",)
    assert akims(matcher, "Алматы қаласының әкімі жаңа саябақ ашты") == ("baibek-bauyrzhan",)
    assert akims(matcher, "Где аким области? Каскелен снова затопило") == ("batalov-amandyk",)
    assert akims(matcher, "Облыс әкімі қайда жүр? Арыста су жоқ") == ("shukeev-umirzak",)
    assert akims(matcher, "Спасибо нашему акиму за клумбы #Шымкент") == ("abdrakhimov-gabidulla",)
    assert akims(matcher, "Аким столицы встретился с жителями", date(2019, 5, 1)) == ("sultanov-bakhyt",)


def test_district_city_and_village_akims_are_not_oblast_akims(matcher: AkimMatcher) -> None:
    assert akims(matcher, "Аким Кентау обещал отремонтировать дорогу") == ()
    assert akims(matcher, "Аким района опять не пришёл на встречу") == ()
    assert akims(matcher, "Қарасай ауданының әкімі тұрғындармен кездесті") == ()
    assert akims(matcher, "Біздің ауыл әкімі тамаша жігіт") == ()
    assert akims(matcher, "Аким города Талдыкорган, уберите грязь") == ()
    assert akims(matcher, "Почему молчит #акимат?") == ()


# ---- tone ----------------------------------------------------------------------------------------


def test_tone_basic_and_negation() -> None:
    assert score_tone("Баталовқа үлкен рахмет! 🙏").label == "positive"
    assert score_tone("Дороги ужасные, дети мёрзнут в школе").label == "negative"
    assert score_tone("Аким провёл совещание по подготовке к паводкам.").label == "neutral"
    assert score_tone("Жол жақсы емес").label == "negative"
    assert score_tone("Проблем нет, всё сделали").label != "negative"
    assert score_tone("Ашылмай қалды, қолданба істемейді").label == "negative"


def test_tone_sarcasm() -> None:
    assert score_tone("Спасибо, аким, за ямы на каждой улице 👏").label == "negative"
    assert score_tone("Воды нет третий день. Зато отчёт красивый, ну конечно 🙄").label == "negative"


def test_tone_score_range() -> None:
    for text in ("Отлично! Молодец! 👍👍👍", "Ужас, позор, кошмар 😡", ""):
        assert -1.0 <= score_tone(text).score <= 1.0


# ---- authors ---------------------------------------------------------------------------------------


def test_author_types(classifier: EmbeddedClassifier) -> None:
    a = classifier.authors
    assert a.classify("telegram", "akimat_almobl", "Акимат Алматинской области").kind == "official"
    assert a.classify("telegram", "random_press_x", "Пресс-служба акима ВКО").kind == "official"
    assert a.classify("instagram", "zhastar_sko", "КГУ «Управление по вопросам молодёжи»").kind == "official"
    assert a.classify("instagram", "batalov_official", "Amandyk Batalov").kind == "official"
    assert a.classify("telegram", "astana_obzor", "Астана Обзор").kind == "media"
    assert a.classify("web", "tengrinews.kz", "Tengrinews").kind == "media"
    assert a.classify("instagram", "zhanaozen_news_fan", "zhanaozen_news_fan").kind == "person"
    assert a.classify("facebook", "1234", "Айгуль Досанова").kind == "person"


# ---- reshares and batches -----------------------------------------------------------------------------

OFFICIAL_TEXT = (
    "Аким области Даниал Ахметов провёл заседание областного штаба по подготовке к паводкам. "
    "Особое внимание уделено Глубоковскому и Уланскому районам."
)


def test_shingle_jaccard_of_near_copy() -> None:
    assert jaccard(shingles(OFFICIAL_TEXT), shingles("📌 " + OFFICIAL_TEXT + " https://t.me/x")) == 1.0
    assert jaccard(shingles(OFFICIAL_TEXT), shingles("Совсем другой текст про погоду в Усть-Каменогорске")) < 0.2


def test_batch_reshares(classifier: EmbeddedClassifier) -> None:
    batch = [
        mention(OFFICIAL_TEXT, id="o1", platform="telegram", author_id="press_vko", author_name="Пресс-служба"),
        mention(OFFICIAL_TEXT, id="f1", platform="telegram", author_id="u1", reshare_of="o1"),
        mention("#regram " + OFFICIAL_TEXT, id="c1", author_id="u2", when="2019-05-11T10:00:00+06:00"),
        mention("Ахметов, в Усть-Каменогорске дышать нечем!", id="p1", author_id="u3"),
    ]
    out = classifier.classify(batch)
    assert [c.official_reshare for c in out] == [False, True, True, False]
    assert out[0].author_type == "official"
    assert out[1].sentiment == out[0].sentiment  # a reshare takes the tone of the original
    assert out[3].akims == ("akhmetov-danial",) and out[3].sentiment == "negative"


def test_akims_own_account_is_attributed(classifier: EmbeddedClassifier) -> None:
    m = mention(
        "Сегодня провёл приём граждан в Бурлинском районе.",
        author_id="akim_zko_official",
        author_name="Аким ЗКО (официальная страница)",
    )
    c = classifier.classify([m])[0]
    assert c.author_type == "official"
    assert c.akims == ("kulginov-altai",)


# ---- language --------------------------------------------------------------------------------------


def test_language() -> None:
    assert detect_language("Аким области провёл совещание по паводкам")[0] == "ru"
    assert detect_language("Облыс әкімі жаңа мектепті аралады")[0] == "kk"
    assert detect_language("Oskemende aua tazalygy qashan jaqsy bolady, balalar auyryp jur")[0] == "kk"
    assert detect_language("Bakauov segodnya v Ekibastuze, vstrecha s shahterami")[0] == "other"


# ---- public API ---------------------------------------------------------------------------------------


def test_classify_records_api(reference: Reference) -> None:
    m = mention("Спасибо Баталову за дорогу!", sentiment="negative")
    [c] = classify_records([m], reference)
    assert isinstance(c, Classification)
    assert c.akims == ("batalov-amandyk",) and c.sentiment == "positive" and c.lang == "ru"
    assert set(c.evidence) == {"akims", "sentiment", "author_type", "official_reshare", "lang"}
    [kept] = classify_records([m], reference, keep_source_labels=True)
    assert kept.sentiment == "negative" and kept.sentiment_score == -1.0
    with pytest.raises(ValueError, match="unknown classifier backend"):
        classify_records([m], reference, backend="nope")
    assert CLASSIFIER_VERSION.startswith("embedded-")


# ---- issue #4 follow-ups: broken promises, 2019 place names, the per-text caches ----------------


@pytest.mark.parametrize(
    "text",
    [
        "Баталов опять обещал газ и не провёл",
        "Аким обещал отремонтировать дорогу, но так и не сделал",
        "Әкім жол саламын деп уәде берді, бірақ салмады",
        "Опять обещают новую школу",
    ],
)
def test_broken_or_empty_promises_are_negative(text: str) -> None:
    assert score_tone(text).label == "negative"


def test_a_kept_promise_is_not_negative() -> None:
    assert score_tone("Аким обещал и построил школу в Текели, спасибо!").label == "positive"


@pytest.mark.parametrize(
    ("text", "day", "expected"),
    [
        ("Аким области в Талдыкоргане открыл школу", date(2019, 5, 10), ("batalov-amandyk",)),
        ("Облыс әкімі Талдықорғанға келді", date(2019, 5, 10), ("batalov-amandyk",)),
        ("Аким области в Капчагае открыл пляж", date(2019, 5, 10), ("batalov-amandyk",)),
        ("Аким Астаны открыл школу", date(2019, 2, 1), ("sultanov-bakhyt",)),
        ("Аким Нур-Султана открыл школу", date(2019, 5, 10), ("sultanov-bakhyt",)),
        ("Нұр-Сұлтан қаласының әкімі мектеп ашты", date(2019, 7, 10), ("kulginov-altai",)),
    ],
)
def test_2019_names_of_region_centres(matcher: AkimMatcher, text: str, day: date, expected: tuple[str, ...]) -> None:
    assert akims(matcher, text, day) == expected


def test_one_text_on_both_sides_of_a_change_of_akim(reference: Reference) -> None:
    clf = EmbeddedClassifier(reference)
    text = "Аким столицы опять не убрал снег"
    batch = [
        mention(text, "2019-05-10T12:00:00+06:00", id="a"),
        mention(text, "2019-05-11T12:00:00+06:00", id="b", author_id="other"),
        mention(text, "2019-07-10T12:00:00+06:00", id="c", author_id="third"),
    ]
    got = [c.akims for c in clf.classify(batch)]
    assert got == [("sultanov-bakhyt",), ("sultanov-bakhyt",), ("kulginov-altai",)]

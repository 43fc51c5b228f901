"""The report's words: Russian wording of periods, numbers, reasons and the podium paragraph, and
the rows of the tables both formats show, as pure functions of `ReportData`."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from assets.paths import SEEDS_DIR
from assets.publishing.intervals import probability_digits
from assets.publishing.rankings import INDICATORS, format_value
from assets.publishing.report_data import ReportData, biggest_climber
from assets.publishing.summary import EXCLUSION_RULES

NOT_RANKED_REASONS_SEED = SEEDS_DIR / "not_ranked_reasons.csv"
INDICATOR_RU = {
    "mentions": "упоминания",
    "positive": "позитивные",
    "negative": "негативные",
    "tone_index": "индекс тона",
    "authors": "авторы",
    "engagement": "вовлечённость",
    "reach": "охват",
}
EXCLUSION_RU = {
    "excluded_no_akim": "не названо ни одного акима",
    "excluded_official_author": "официальный автор (госорганы, акиматы, пресс-службы)",
    "excluded_official_reshare": "репост или копия официального сообщения",
    "excluded_out_of_tenure": "вне срока полномочий",
    "excluded_duplicate": "дубликат (тот же автор и текст в ту же неделю)",
}
# a lead is solid when the akim is above the next place in at least this share of the resamples
SOLID_LEAD = 0.95
NOT_AVAILABLE_RU = "н/д"
OUTCOME_RU = {"fail": "ошибка", "warn": "предупреждение", "pass": "в порядке"}
MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)


def plural_ru(n: int, one: str, few: str, many: str) -> str:
    """Russian plural form for n: 1 день, 2 дня, 5 дней, 11 дней, 21 день."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def date_ru(day: date) -> str:
    return f"{day.day} {MONTHS_GENITIVE[day.month - 1]} {day.year} г."


def period_title_ru(kind: str, period: str, start: date, end: date) -> str:
    if kind == "half_year":
        return f"{period[-1]}-е полугодие {start.year} г. ({date_ru(start)} — {date_ru(end)})"
    if kind == "year":
        return f"{start.year} год"
    return f"неделя {period} ({date_ru(start)} — {date_ru(end)})"


def number_ru(value: Any) -> str:
    """Integers grouped by thousands with a no-break space, as Russian typography does."""
    return f"{int(value):,}".replace(",", "\u00a0")


def tone_ru(value: Any) -> str:
    return f"{float(value):+.3f}".replace(".", ",")


@dataclass(frozen=True)
class ReasonWording:
    """One row of the seed not_ranked_reasons: a reason code with its English wording (the marts'
    not_ranked_reason, `{weekly_min_days}` filled in) and its Russian one (a format string)."""

    code: str
    text_en: str
    text_ru: str


@cache
def not_ranked_reasons(path: Path = NOT_RANKED_REASONS_SEED) -> tuple[ReasonWording, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(ReasonWording(r["reason_code"], r["text_en"], r["text_ru"]) for r in csv.DictReader(handle))


def reason_ru(reason_code: str | None, settings: dict[str, Any], period_days: int) -> str:
    """A not-ranked reason code of the marts in Russian: the seed row of that code, its Russian
    wording with the rule's numbers (not the person's) filled in."""
    values = {
        "weekly_min_days": settings.get("weekly_min_days", 4),
        "min_tenure_share": float(settings.get("min_tenure_share", 0.5)),
        "period_days": period_days,
    }
    for wording in not_ranked_reasons():
        if wording.code == reason_code:
            return wording.text_ru.format(**values)
    return reason_code or "причина не указана"


def days_ru(n: Any) -> str:
    days = int(n or 0)
    return f"{days} {plural_ru(days, 'день', 'дня', 'дней')}"


def not_ranked_groups(data: ReportData) -> list[tuple[str, list[dict[str, Any]]]]:
    """Not-ranked tenures grouped by their (Russian) reason, in order of first appearance."""
    groups: dict[str, list[dict[str, Any]]] = {}
    period_days = int(data.summary.get("day_count") or 0)
    for row in data.not_ranked:
        groups.setdefault(reason_ru(row["not_ranked_reason_code"], data.settings, period_days), []).append(row)
    return list(groups.items())


def not_ranked_sentence(rows: list[dict[str, Any]]) -> str:
    return ", ".join(
        f"{r['akim_name']} ({r['region_name'] or r['region_code']}, {days_ru(r['overlap_days'])})" for r in rows
    )


def probability_ru(p: float) -> str:
    """Two decimals with a decimal comma, rounded down (0,94 for 0.949: a lead below 0.95 never reads 0,95)."""
    return probability_digits(p).replace(".", ",")


def surname(akim_name: str) -> str:
    """The surname (the first word of "Баталов Амандык"), in the nominative like every name here."""
    return akim_name.split()[0] if akim_name.split() else akim_name


def shaky_leads(ranking: list[dict[str, Any]], places: int = 3) -> list[tuple[str, float]]:
    """(surname, p_above_next) of the first `places` ranked akims whose lead over the next place is
    not solid (p_above_next below SOLID_LEAD); rows without an interval say nothing."""
    shaky = []
    for row in ranking[:places]:
        p = row.get("p_above_next")
        if p is not None and float(p) < SOLID_LEAD:
            shaky.append((surname(str(row["akim_name"])), float(p)))
    return shaky


def lead_sentence(ranking: list[dict[str, Any]]) -> str | None:
    """The podium paragraph's caveat when a podium place may be a matter of chance:
    "Отрыв от следующего места не бесспорен: Баталов впереди с вероятностью 0,94." None when every
    podium lead is solid."""
    shaky = shaky_leads(ranking)
    if not shaky:
        return None
    clauses = "; ".join(f"{name} впереди с вероятностью {probability_ru(p)}" for name, p in shaky)
    return f"Отрыв от следующего места не бесспорен: {clauses}."


def interval_note(data: ReportData) -> str:
    """The line under the ranking table: what the interval bars show, or why there are none ("" when
    nobody is ranked)."""
    if not data.ranking:
        return ""
    if not data.has_intervals:
        return (
            "Интервалы мест не рассчитаны: хранилище собрано до их появления; "
            "пересоберите его (akims run или dbt build), чтобы они появились."
        )
    if any(r.get("rank_low") is None for r in data.ranking):
        return "Для части строк интервал места не рассчитан (н/д): пересоберите хранилище (akims run или dbt build)."
    resamples = data.interval_replicates or 0
    return (
        f"Места (90 %) — интервал места акима по {resamples} "
        f"{plural_ru(resamples, 'повторной выборке', 'повторным выборкам', 'повторным выборкам')} авторов "
        "(бутстреп): от 5-го до 95-го процентиля, то есть от лучшего до худшего правдоподобного места. "
        "Полоса показывает этот интервал на шкале от 1-го до последнего места, точка — опубликованное место."
    )


def _who(row: dict[str, Any]) -> str:
    region = row.get("region_genitive")
    return f"{row['akim_name']}, аким {region}" if region else f"{row['akim_name']} ({row['region_code']})"


def _points(score: Any) -> str:
    n = int(score)
    return f"{n} {plural_ru(n, 'балл', 'балла', 'баллов')}"


def podium_text(data: ReportData) -> str:
    """The podium paragraph in Russian, built from the data only (names in the nominative throughout)."""
    span = f"{date_ru(data.period_start)} — {date_ru(data.period_end)}"
    if not data.ranking:
        return f"{data.period} ({span}): в рейтинге нет ни одного акима."
    leader = data.ranking[0]
    mentions = int(leader["mentions"])
    parts = [
        f"{data.period} ({span}): первое место — {_who(leader)}: {_points(leader['score'])}, "
        f"{number_ru(mentions)} засчитанных {plural_ru(mentions, 'упоминание', 'упоминания', 'упоминаний')}, "
        f"индекс тона {tone_ru(leader['tone_index'])}."
    ]
    if len(data.ranking) > 1:
        second = data.ranking[1]
        sentence = f"Второе место — {_who(second)} ({_points(second['score'])})"
        if len(data.ranking) > 2:
            third = data.ranking[2]
            sentence += f", третье — {_who(third)} ({_points(third['score'])})"
        parts.append(sentence + ".")
    caveat = lead_sentence(data.ranking)
    if caveat:
        parts.append(caveat)
    climber = biggest_climber(data)
    if climber is not None:
        where = (
            f"в рейтингах {climber.from_label} и {climber.to_label}"
            if climber.basis == "previous"
            else f"недели {climber.from_label} и {climber.to_label}"
        )
        parts.append(
            f"Самый большой подъём — {climber.akim_name}: с {climber.from_rank}-го до {climber.to_rank}-го места "
            f"({where})."
        )
    groups = not_ranked_groups(data)
    if groups:
        parts.append(
            "Не вошли в рейтинг: "
            + "; ".join(f"{not_ranked_sentence(rows)} — {reason}" for reason, rows in groups)
            + "."
        )
    else:
        parts.append("Все акимы, занимавшие должность в периоде, вошли в рейтинг.")
    if data.first_places:
        top = data.first_places[0]
        won = int(top["weeks_won"])
        parts.append(
            f"Больше всего побед в недельных таблицах: {top['akim_name']} — "
            f"{won} {plural_ru(won, 'неделя', 'недели', 'недель')}."
        )
    return " ".join(parts)


# ---------------------------------------------------------------- tables shared by both formats
RANKING_HEADERS = (
    ("rank", "место"),
    ("akim_name", "аким"),
    ("region_name", "регион"),
    ("score", "баллы"),
    *((c, INDICATOR_RU[c]) for c in INDICATORS),
    ("place_range", "места (90 %)"),
)
INTERVAL_BAR_HEADER = "интервал места"


def cell(column: str, row: dict[str, Any]) -> str:
    value = row.get(column)
    if column == "region_name":
        return str(value or row.get("region_code") or "")
    if column == "place_range":
        return str(value or NOT_AVAILABLE_RU)
    return format_value(column, value)


def exclusion_rows(data: ReportData) -> list[tuple[str, str, int]]:
    c = data.summary
    rows = [("mentions_read", "прочитано упоминаний", int(c["mentions_read"] or 0))]
    rows.append(("eligible", "засчитано (упоминание × аким)", int(c["eligible"] or 0)))
    rows += [(col, EXCLUSION_RU[col], int(c[col] or 0)) for col, _ in EXCLUSION_RULES]
    return rows


def settings_rows(data: ReportData) -> list[tuple[str, str]]:
    rows = [(f"setting {k}", str(v)) for k, v in sorted(data.settings.items())]
    for key, value in data.build.items():
        rows.append((key, ", ".join(map(str, value)) if isinstance(value, list) else str(value)))
    rows.append(("published_at (UTC)", str(data.published_at)[:19]))
    return rows


Cells = list[tuple[str, str]]  # one table row: (column, text) per cell


@dataclass(frozen=True)
class Table:
    """A table both formats lay out: the HTML page keeps each cell's column as `data-col`."""

    headers: list[str]
    rows: list[Cells]


def ranking_table(data: ReportData) -> Table:
    return Table([h for _, h in RANKING_HEADERS], [[(c, cell(c, r)) for c, _ in RANKING_HEADERS] for r in data.ranking])


def points_table(data: ReportData) -> Table:
    return Table(
        ["место", "аким", *[INDICATOR_RU[c] for c in INDICATORS], "итого"],
        [
            [
                ("rank", str(r["rank"])),
                ("akim_name", str(r["akim_name"])),
                *[(f"{c}_points", format_value("", r.get(f"{c}_points"))) for c in INDICATORS],
                ("score", str(r["score"])),
            ]
            for r in data.ranking
        ],
    )


def weekly_ranks_table(data: ReportData) -> Table:
    """Per akim: first and last ranked week of the period, best and worst place (the Markdown
    stand-in for the bump chart)."""
    rows = [
        [
            ("akim_name", data.names.get(pid, pid)),
            ("first_week", f"{s[min(s)]} ({min(s)})"),
            ("last_week", f"{s[max(s)]} ({max(s)})"),
            ("best", str(min(s.values()))),
            ("worst", str(max(s.values()))),
        ]
        for pid, s in sorted(data.weekly_ranks.items(), key=lambda kv: data.names.get(kv[0], kv[0]))
    ]
    return Table(["аким", "первая неделя", "последняя неделя", "лучшее место", "худшее место"], rows)


def tone_table(data: ReportData) -> Table:
    tones = ("positive", "neutral", "negative")
    return Table(
        ["период", "позитивные", "нейтральные", "негативные"],
        [
            [("bucket", b), *[(t, str(data.sentiment[t][i])) for t in tones]]
            for i, b in enumerate(data.sentiment_buckets)
        ],
    )


def first_places_text(data: ReportData) -> str:
    return ", ".join(f"{r['akim_name']} — {r['weeks_won']}" for r in data.first_places)

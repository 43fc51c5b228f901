"""The period report: what an editor reads, gathered from the marts and the published ranking.

`load_report_data` reads everything once (one read-only connection); the rest are pure functions
of `ReportData`: the Russian podium paragraph, the HTML page (self-contained: inline CSS and
SVG, no external resource) and its Markdown twin. `write_report` writes
`<reports dir>/<period>.html` and `.md`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from assets.paths import SEEDS_DIR
from assets.publishing.rankings import INDICATORS, format_value, published_periods
from assets.publishing.summary import EXCLUSION_RULES

FORMATS = ("html", "md")
NOT_RANKED_REASONS_SEED = SEEDS_DIR / "not_ranked_reasons.csv"
PERIOD_COLUMN = {"week": "week", "half_year": "half_year", "year": "year"}
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
BUMP_WEEKS_FOR_A_WEEK = 8


class ReportError(LookupError):
    """The report cannot be built (period not published, no warehouse); the message is one line."""


@dataclass(frozen=True)
class Climber:
    person_id: str
    akim_name: str
    from_rank: int
    to_rank: int
    from_label: str
    to_label: str
    basis: str  # "previous" (the previous period's ranking) or "weeks" (first vs last ranked week)


@dataclass
class ReportData:
    period: str
    period_kind: str
    period_start: date
    period_end: date
    is_complete: bool
    ranking: list[dict[str, Any]]
    not_ranked: list[dict[str, Any]]
    weeks: list[str]
    weekly_ranks: dict[str, dict[str, int]]
    names: dict[str, str]
    previous_period: str | None
    previous_ranks: dict[str, int]
    sentiment_buckets: list[str]
    sentiment: dict[str, list[int]]
    summary: dict[str, Any]
    first_places: list[dict[str, Any]]
    quality: list[dict[str, Any]] | None
    settings: dict[str, Any]
    build: dict[str, Any]
    published_at: Any


# ---------------------------------------------------------------- reading
def _rows(con: duckdb.DuckDBPyConnection, sql: str, args: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, args)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def previous_label(kind: str, start: date) -> str:
    """The label of the period of the same kind just before the one starting on `start`."""
    if kind == "week":
        year, week, _ = (start - timedelta(days=7)).isocalendar()
        return f"{year}-W{week:02d}"
    if kind == "half_year":
        return f"{start.year - 1}-H2" if start.month <= 6 else f"{start.year}-H1"
    return str(start.year - 1)


def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    (found,) = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, name]
    ).fetchone()
    return bool(found)


def read_quality(con: duckdb.DuckDBPyConnection, period: str) -> list[dict[str, Any]] | None:
    """Data-quality findings of the period per check (None when this warehouse has no such mart)."""
    if not _table_exists(con, "marts", "fct_data_quality"):
        return None
    try:
        rows = _rows(
            con,
            """
            select check_name, outcome, is_blocking, detail
            from marts.fct_data_quality where period = ?
            order by check_name, outcome, measure desc nulls last, subject
            """,
            [period],
        )
    except duckdb.Error:
        return None
    return summarise_quality(rows)


def summarise_quality(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per check: worst outcome, findings (non-pass rows), blocking or not, first details."""
    order = {"fail": 0, "warn": 1, "pass": 2}
    checks: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = checks.setdefault(
            row["check_name"],
            {"check": row["check_name"], "outcome": "pass", "findings": 0, "blocking": False, "details": []},
        )
        if row["outcome"] == "pass":
            continue
        entry["findings"] += 1
        entry["blocking"] = entry["blocking"] or bool(row["is_blocking"])
        if order.get(row["outcome"], 2) < order[entry["outcome"]]:
            entry["outcome"] = row["outcome"]
        if len(entry["details"]) < 3:
            entry["details"].append(str(row["detail"]))
    return sorted(checks.values(), key=lambda e: (order[e["outcome"]], e["check"]))


def load_report_data(con: duckdb.DuckDBPyConnection, period: str) -> ReportData:
    """Everything the report shows for a published period. ReportError when it is not published,
    with the data-quality gate's reason when the gate refuses it (no data, no ranking)."""
    from assets.quality.report import period_refusal

    refused = period_refusal(con, period)
    if refused:
        raise ReportError(refused)
    periods = published_periods(con)
    if period not in periods:
        raise ReportError(f"no published ranking for {period} in this warehouse; build it first with `akims run`")
    meta = periods[period]
    summary_rows = _rows(con, "select * from marts.fct_period_summary where period = ?", [period])
    if not summary_rows:
        raise ReportError(f"{period} is published but has no row in marts.fct_period_summary; rebuild with `akims run`")
    summary = summary_rows[0]
    kind, start, end = str(summary["period_kind"]), summary["period_start"], summary["period_end"]
    points = ", ".join(f"m.{c}_points" for c in INDICATORS)
    ranking = _rows(
        con,
        f"""
        select p.rank, p.person_id, p.akim_name, p.region_code, g.name_ru as region_name,
               g.name_ru_genitive as region_genitive, p.score, {", ".join("p." + c for c in INDICATORS)},
               {points}
        from publish.rankings p
        left join marts.fct_akim_ranking m on m.period = p.period and m.person_id = p.person_id and m.is_ranked
        left join marts.dim_regions g on g.region_code = p.region_code
        where p.period = ? order by p.rank
        """,
        [period],
    )
    not_ranked = _rows(
        con,
        """
        select r.person_id, r.akim_name, r.region_code, g.name_ru as region_name, r.not_ranked_reason,
               r.overlap_days
        from marts.fct_akim_ranking r left join marts.dim_regions g on g.region_code = r.region_code
        where r.period = ? and not r.is_ranked order by r.region_code, r.person_id
        """,
        [period],
    )
    if kind == "week":
        window_start, window_end = start - timedelta(days=7 * (BUMP_WEEKS_FOR_A_WEEK - 1)), start
        week_filter = "p.period_start between ? and ?"
    else:  # a week belongs to the half-year and year containing its Thursday: the rule of
        # fct_weekly_first_places (tests/test_report.py proves the two agree)
        window_start, window_end = start, end
        week_filter = "p.period_start + interval 3 day between ? and ?"
    weekly = _rows(
        con,
        f"""
        select r.period as week, r.person_id, r.akim_name, r.rank
        from marts.fct_akim_ranking r
        join marts.dim_periods p on p.period_kind = 'week' and p.period = r.period
        where r.period_kind = 'week' and r.is_ranked and {week_filter}
        order by p.period_start, r.rank
        """,
        [window_start, window_end],
    )
    weeks = sorted({r["week"] for r in weekly})
    weekly_ranks: dict[str, dict[str, int]] = {}
    names: dict[str, str] = {}
    for r in weekly:
        weekly_ranks.setdefault(r["person_id"], {})[r["week"]] = int(r["rank"])
        names[r["person_id"]] = str(r["akim_name"])
    for r in ranking + not_ranked:
        names[r["person_id"]] = str(r["akim_name"])
    prev = previous_label(kind, start)
    previous_ranks: dict[str, int] = {}
    if prev in periods:
        previous_ranks = {
            str(p): int(r)
            for p, r in con.execute("select person_id, rank from publish.rankings where period = ?", [prev]).fetchall()
        }
    column = PERIOD_COLUMN[kind]
    bucket = "cast(local_date as varchar)" if kind == "week" else "week"
    tones = _rows(
        con,
        f"""
        select {bucket} as bucket, sentiment, count(*) as n
        from marts.fct_mention_eligibility
        where {column} = ? and is_eligible group by all order by 1, 2
        """,
        [period],
    )
    buckets = sorted({str(t["bucket"]) for t in tones})
    sentiment = {tone: [0] * len(buckets) for tone in ("positive", "neutral", "negative")}
    for t in tones:
        if t["sentiment"] in sentiment:
            sentiment[t["sentiment"]][buckets.index(str(t["bucket"]))] = int(t["n"])
    first_places = _rows(
        con,
        """
        select person_id, akim_name, weeks_won, first_week_won, last_week_won
        from marts.fct_weekly_first_places where period = ? order by weeks_won desc, person_id
        """,
        [period],
    )
    return ReportData(
        period=period,
        period_kind=kind,
        period_start=start,
        period_end=end,
        is_complete=bool(summary.get("is_complete")),
        ranking=ranking,
        not_ranked=not_ranked,
        weeks=weeks,
        weekly_ranks=weekly_ranks,
        names=names,
        previous_period=prev if previous_ranks else None,
        previous_ranks=previous_ranks,
        sentiment_buckets=buckets,
        sentiment=sentiment,
        summary=summary,
        first_places=first_places,
        quality=read_quality(con, period),
        settings=meta["settings"],
        build=meta["build"],
        published_at=meta["published_at"],
    )


# ---------------------------------------------------------------- the words
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


def reason_ru(reason: str | None, settings: dict[str, Any], period_days: int) -> str:
    """A not-ranked reason of the mart in Russian: the seed row whose English wording the mart
    wrote, its Russian wording with the rule's numbers (not the person's) filled in."""
    values = {
        "weekly_min_days": settings.get("weekly_min_days", 4),
        "min_tenure_share": float(settings.get("min_tenure_share", 0.5)),
        "period_days": period_days,
    }
    for wording in not_ranked_reasons():
        if wording.text_en.format(**values) == reason:
            return wording.text_ru.format(**values)
    return reason or "причина не указана"


def days_ru(n: Any) -> str:
    days = int(n or 0)
    return f"{days} {plural_ru(days, 'день', 'дня', 'дней')}"


def not_ranked_groups(data: ReportData) -> list[tuple[str, list[dict[str, Any]]]]:
    """Not-ranked tenures grouped by their (Russian) reason, in order of first appearance."""
    groups: dict[str, list[dict[str, Any]]] = {}
    period_days = int(data.summary.get("day_count") or 0)
    for row in data.not_ranked:
        groups.setdefault(reason_ru(row["not_ranked_reason"], data.settings, period_days), []).append(row)
    return list(groups.items())


def not_ranked_sentence(rows: list[dict[str, Any]]) -> str:
    return ", ".join(
        f"{r['akim_name']} ({r['region_name'] or r['region_code']}, {days_ru(r['overlap_days'])})" for r in rows
    )


def biggest_climber(data: ReportData) -> Climber | None:
    """The ranked akim who rose most: against the previous period's ranking when that is published,
    else from their first to their last ranked week of the period. None when nobody rose."""
    candidates: list[tuple[int, int, Climber]] = []
    for row in data.ranking:
        pid = str(row["person_id"])
        if data.previous_ranks:
            if pid not in data.previous_ranks or data.previous_period is None:
                continue
            climber = Climber(
                pid,
                str(row["akim_name"]),
                data.previous_ranks[pid],
                int(row["rank"]),
                data.previous_period,
                data.period,
                "previous",
            )
        else:
            series = data.weekly_ranks.get(pid, {})
            weeks = [w for w in data.weeks if w in series]
            if len(weeks) < 2:
                continue
            climber = Climber(
                pid, str(row["akim_name"]), series[weeks[0]], series[weeks[-1]], weeks[0], weeks[-1], "weeks"
            )
        rise = climber.from_rank - climber.to_rank
        if rise > 0:
            candidates.append((-rise, int(row["rank"]), climber))
    return min(candidates, key=lambda c: (c[0], c[1]))[2] if candidates else None


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
)


def cell(column: str, row: dict[str, Any]) -> str:
    value = row.get(column)
    if column == "region_name":
        return str(value or row.get("region_code") or "")
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


# ---------------------------------------------------------------- Markdown
def _md_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(v.replace("|", "\\|") for v in row) + " |" for row in rows]
    return "\n".join(lines)


def render_markdown(data: ReportData) -> str:
    title = period_title_ru(data.period_kind, data.period, data.period_start, data.period_end)
    out = [f"# Акимы в соцсетях — {data.period}", "", f"_{title}_", ""]
    if not data.is_complete:
        out += ["> Период загружен не полностью: рейтинг предварительный.", ""]
    out += ["## Итоги", "", podium_text(data), "", "## Рейтинг", ""]
    out.append(
        _md_table([h for _, h in RANKING_HEADERS], [[cell(c, r) for c, _ in RANKING_HEADERS] for r in data.ranking])
    )
    out += ["", "## Баллы по показателям", ""]
    out.append(
        _md_table(
            ["место", "аким", *[INDICATOR_RU[c] for c in INDICATORS], "итого"],
            [
                [
                    str(r["rank"]),
                    str(r["akim_name"]),
                    *[format_value("", r.get(f"{c}_points")) for c in INDICATORS],
                    str(r["score"]),
                ]
                for r in data.ranking
            ],
        )
    )
    out += ["", "## Места по неделям", ""]
    if data.weeks:
        out.append(
            _md_table(
                ["аким", "первая неделя", "последняя неделя", "лучшее место", "худшее место"],
                [
                    [
                        data.names.get(pid, pid),
                        f"{s[min(s)]} ({min(s)})",
                        f"{s[max(s)]} ({max(s)})",
                        str(min(s.values())),
                        str(max(s.values())),
                    ]
                    for pid, s in sorted(data.weekly_ranks.items(), key=lambda kv: data.names.get(kv[0], kv[0]))
                ],
            )
        )
        out += ["", "_График мест по неделям — в HTML-версии отчёта._"]
    else:
        out.append("Недельных таблиц в периоде нет.")
    if data.first_places:
        out += [
            "",
            "Первые места в недельных таблицах: "
            + ", ".join(f"{r['akim_name']} — {r['weeks_won']}" for r in data.first_places)
            + ".",
        ]
    out += ["", "## Тональность во времени", ""]
    out.append(
        _md_table(
            ["период", "позитивные", "нейтральные", "негативные"],
            [
                [
                    b,
                    str(data.sentiment["positive"][i]),
                    str(data.sentiment["neutral"][i]),
                    str(data.sentiment["negative"][i]),
                ]
                for i, b in enumerate(data.sentiment_buckets)
            ],
        )
    )
    out += ["", "## Что не засчитано", ""]
    out.append(_md_table(["показатель", "число"], [[label, str(n)] for _, label, n in exclusion_rows(data)]))
    if data.not_ranked:
        out += ["", "Не вошли в рейтинг:", ""]
        out += [f"- {reason}: {not_ranked_sentence(rows)}" for reason, rows in not_ranked_groups(data)]
    out += ["", "## Качество данных", ""]
    out += _quality_markdown(data.quality)
    out += ["", "## Настройки и версии", ""]
    out.append(_md_table(["что", "значение"], [[k, v] for k, v in settings_rows(data)]))
    return "\n".join(out) + "\n"


def _quality_markdown(quality: list[dict[str, Any]] | None) -> list[str]:
    if quality is None:
        return ["Проверки качества данных в этом хранилище не выполнялись."]
    if not quality:
        return ["Для периода нет результатов проверок качества данных."]
    lines = []
    passed = [q["check"] for q in quality if q["outcome"] == "pass"]
    for q in (q for q in quality if q["outcome"] != "pass"):
        flag = " (блокирующая)" if q["blocking"] else ""
        lines.append(
            f"- **{q['check']}**: {OUTCOME_RU.get(q['outcome'], q['outcome'])}{flag}, находок: {q['findings']}"
        )
        lines += [f"  - {d}" for d in q["details"]]
    if passed:
        lines.append("- в порядке: " + ", ".join(passed))
    return lines


# ---------------------------------------------------------------- HTML
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;margin:0;
color:#1f2933;background:#fafbfc}
main{max-width:1100px;margin:0 auto;padding:24px 28px 48px;background:#fff}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:19px;margin:32px 0 10px;border-bottom:1px solid #e4e7eb;padding-bottom:4px}
.sub{color:#616e7c;margin:0 0 18px}.warn{background:#fff4e5;border-left:4px solid #ef6c00;padding:8px 12px}
p.podium{font-size:16px;line-height:1.55;background:#f5f7fa;border-left:4px solid #d4a017;padding:12px 16px}
table{border-collapse:collapse;font-size:13px;margin:6px 0 12px}th,td{padding:4px 8px;border-bottom:1px solid #e4e7eb}
th{background:#f0f4f8;text-align:left;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.podium-1 td{background:#fdf6e3}tr.podium-2 td{background:#f4f4f4}tr.podium-3 td{background:#f8efe8}
svg.chart{max-width:100%;height:auto;display:block}code{font-size:12px;color:#52606d}
.fail{color:#c62828;font-weight:600}.warn-o{color:#ef6c00}.pass{color:#2e7d32}
ul.details{margin:2px 0 8px;color:#52606d;font-size:13px}footer{margin-top:36px;color:#7b8794;font-size:12px}
"""


def esc(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _html_table(
    headers: list[str], rows: list[list[tuple[str, str]]], *, table_id: str, row_classes: list[str] | None = None
) -> str:
    """rows: cells as (data-col, text); numeric-looking cells are right-aligned."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{row_classes[i]}"' if row_classes and row_classes[i] else ""
        cells = "".join(
            f'<td data-col="{esc(col)}"{NUM_CLASS if _numeric(text) else ""}>{esc(text)}</td>' for col, text in row
        )
        body.append(f"<tr{cls}>{cells}</tr>")
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


NUM_CLASS = ' class="num"'


def _numeric(text: str) -> bool:
    try:
        float(text.replace("\u00a0", ""))
    except ValueError:
        return False
    return True


def render_html(data: ReportData, charts: dict[str, str]) -> str:
    """The page. `charts` maps section name ('bump', 'points', 'sentiment') to an inline <svg>."""
    title = period_title_ru(data.period_kind, data.period, data.period_start, data.period_end)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="ru"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Акимы в соцсетях — {esc(data.period)}</title>",
        f"<style>{CSS}</style></head><body><main>",
        f"<h1>Акимы в соцсетях — {esc(data.period)}</h1>",
        f'<p class="sub">Рейтинг акимов областей по тому, что пишут о них пользователи соцсетей: {esc(title)}.</p>',
    ]
    if not data.is_complete:
        parts.append('<p class="warn">Период загружен не полностью: рейтинг предварительный.</p>')
    parts += ["<h2>Итоги</h2>", f'<p class="podium" id="podium">{esc(podium_text(data))}</p>', "<h2>Рейтинг</h2>"]
    parts.append(
        _html_table(
            [h for _, h in RANKING_HEADERS],
            [[(c, cell(c, r)) for c, _ in RANKING_HEADERS] for r in data.ranking],
            table_id="ranking",
            row_classes=[f"podium-{r['rank']}" if int(r["rank"]) <= 3 else "" for r in data.ranking],
        )
    )
    parts.append(
        '<p class="sub">Баллы: по каждому из семи показателей аким получает N + 1 − место (N — число акимов в '
        "таблице; у негативных меньше — лучше); итог — сумма. Индекс тона = (позитивные − негативные) / "
        "(позитивные + негативные).</p>"
    )
    parts.append("<h2>Места по неделям</h2>")
    parts.append(charts.get("bump", "<p>Недельных таблиц в периоде нет.</p>"))
    if data.first_places:
        parts.append(
            "<p>Первые места в недельных таблицах: "
            + esc(", ".join(f"{r['akim_name']} — {r['weeks_won']}" for r in data.first_places))
            + ".</p>"
        )
    parts.append("<h2>Баллы по показателям</h2>")
    parts.append(charts.get("points", ""))
    parts.append(
        _html_table(
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
            table_id="points",
        )
    )
    parts.append("<h2>Тональность во времени</h2>")
    parts.append(charts.get("sentiment", "<p>Засчитанных упоминаний нет.</p>"))
    parts.append("<h2>Что не засчитано</h2>")
    parts.append(
        "<p>Упоминания от официальных аккаунтов и массовые репосты официальных сообщений не учитываются: "
        "рейтинг измеряет, что пишут пользователи, а не акиматы.</p>"
    )
    parts.append(
        _html_table(
            ["", "число"],
            [[("what", label), (key, number_ru(n))] for key, label, n in exclusion_rows(data)],
            table_id="exclusions",
        )
    )
    if data.not_ranked:
        parts.append("<p>Не вошли в рейтинг:</p><ul>")
        parts += [
            f"<li>{esc(reason)}: {esc(not_ranked_sentence(rows))}</li>" for reason, rows in not_ranked_groups(data)
        ]
        parts.append("</ul>")
    parts.append("<h2>Качество данных</h2>")
    parts.append(_quality_html(data.quality))
    parts.append("<h2>Настройки и версии</h2>")
    parts.append(
        _html_table(
            ["что", "значение"], [[("key", k), ("value", v)] for k, v in settings_rows(data)], table_id="settings"
        )
    )
    parts.append(
        "<footer>Правила расчёта: методика версии "
        f"{esc(data.settings.get('methodology_version', ''))} (docs/methodology.md в репозитории проекта). "
        "Отчёт создан командой <code>akims report</code>.</footer>"
    )
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def _quality_html(quality: list[dict[str, Any]] | None) -> str:
    if quality is None:
        return "<p>Проверки качества данных в этом хранилище не выполнялись.</p>"
    if not quality:
        return "<p>Для периода нет результатов проверок качества данных.</p>"
    css = {"fail": "fail", "warn": "warn-o", "pass": "pass"}
    items = []
    passed = [q["check"] for q in quality if q["outcome"] == "pass"]
    for q in (q for q in quality if q["outcome"] != "pass"):
        flag = " (блокирующая)" if q["blocking"] else ""
        details = "".join(f"<li>{esc(d)}</li>" for d in q["details"])
        more = f"<li>… ещё {q['findings'] - len(q['details'])}</li>" if q["findings"] > len(q["details"]) else ""
        items.append(
            f'<li><code>{esc(q["check"])}</code>: <span class="{css.get(q["outcome"], "")}">'
            f"{esc(OUTCOME_RU.get(q['outcome'], q['outcome']))}{flag}</span>, находок: {q['findings']}"
            + (f'<ul class="details">{details}{more}</ul>' if details else "")
            + "</li>"
        )
    if passed:
        items.append('<li><span class="pass">в порядке</span>: ' + esc(", ".join(passed)) + "</li>")
    return "<ul>" + "".join(items) + "</ul>"


# ---------------------------------------------------------------- charts and files
def build_charts(data: ReportData) -> dict[str, str]:
    from assets.publishing import charts

    out: dict[str, str] = {}
    label = {pid: name.split()[0] for pid, name in data.names.items()}
    if data.weeks:
        podium = [label[str(r["person_id"])] for r in data.ranking[:3]]
        ranks = {label.get(pid, pid): series for pid, series in data.weekly_ranks.items()}
        out["bump"] = charts.bump_chart(data.weeks, ranks, podium, title=f"Места по неделям ({data.period})")
    if data.ranking:
        out["points"] = charts.points_chart(
            [f"{r['rank']}. {r['akim_name']}" for r in data.ranking],
            {INDICATOR_RU[c]: [int(r.get(f"{c}_points") or 0) for r in data.ranking] for c in INDICATORS},
        )
    if data.sentiment_buckets:
        out["sentiment"] = charts.sentiment_chart(data.sentiment_buckets, data.sentiment)
    return out


def write_report(
    con: duckdb.DuckDBPyConnection, period: str, out_dir: Path, formats: tuple[str, ...] = FORMATS
) -> tuple[ReportData, dict[str, Path]]:
    """Write the report of `period` as `<out_dir>/<period>.html` and/or `.md`: its data and the paths written."""
    data = load_report_data(con, period)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    if "html" in formats:
        written["html"] = _write(out_dir / f"{period}.html", render_html(data, build_charts(data)))
    if "md" in formats:
        written["md"] = _write(out_dir / f"{period}.md", render_markdown(data))
    return data, written


def _write(path: Path, text: str) -> Path:
    """Write atomically: a reader never sees half a report."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def preview_markdown(data: ReportData, limit: int = 5) -> str:
    """A short Markdown preview (podium paragraph and the top of the table) for Dagster metadata."""
    rows = [[cell(c, r) for c, _ in RANKING_HEADERS] for r in data.ranking[:limit]]
    return podium_text(data) + "\n\n" + _md_table([h for _, h in RANKING_HEADERS], rows)

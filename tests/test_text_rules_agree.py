"""The normalised text (methodology v1.1) lives twice: `assets.classification.text.normalise` (the
classifier's official-reshare check) and the dbt macros `normalise_step_*` (eligibility: official
reshares and duplicates). Both must give the same text for every input.

The macros are compiled by dbt (`dbt compile --inline`, the four steps chained one CTE per step as
in int_mentions_normalised) and the SQL runs in DuckDB over the same inputs as the Python function:
a few dozen hostile strings and every code point of Unicode's first two planes (all the cased
letters: case folding is where lower() and the contract part).
"""

from __future__ import annotations

from itertools import chain
from pathlib import Path

import duckdb
import pytest

from assets.classification.text import normalise

DBT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"

# the steps in the order int_mentions_normalised applies them, over a table `normalise_inputs`
PIPELINE = """
with inputs as (select n, text from normalise_inputs),
folded as (select inputs.*, {{ normalise_step_fold('inputs.text') }} as folded_text from inputs),
unlinked as (select folded.*, {{ normalise_step_urls('folded.folded_text') }} as unlinked_text from folded),
collapsed as (select unlinked.*, {{ normalise_step_spaces('unlinked.unlinked_text') }} as collapsed_text from unlinked),
normalised as (
    select collapsed.*, {{ normalise_step_trim('collapsed.collapsed_text') }} as normalised_text from collapsed
)
select n, normalised_text from normalised order by n
"""

HOSTILE = [
    "",
    "   ",
    "Аким ҚАРАҒАНДЫ облысы: ӘӨҮҰҚҒҢҺІ әөүұқғңһі",
    "ЁЛКА, ёлка и Ёж; ЁЁЁ",
    "е\u0308жик (ё written as е + combining diaeresis)",
    "MiXeD CaSe ТеКсТ ҚаЗаҚшА",
    "Aкимaт Aлмaты (Latin A and a inside Cyrillic words)",
    "Аѕтана Αѕтана Астана",  # Cyrillic dze, Greek Alpha
    "👍🏽 молодец 🇰🇿 👨\u200d👩\u200d👧 ❤️ ))))",
    "see https://Example.KZ/Path?Q=1&x=Ё now",
    "HTTP://EXAMPLE.KZ/ВЕРХ and WWW.Akimat.KZ/RU done",
    "url:https://a.kz,next word",
    "http://a.kz\u00a0after-nbsp http://b.kz\u2003after-em-space",
    "https:/not-a-url ftp://x.kz www. www.x",
    "xhttps://glued.kz tail",
    "@Akimat_Almaty #Алматы #ҚАЗАҚСТАН @ELORDA_INFO",
    "  a \t\t b \n\n c  \r\n d  ",
    "\u00a0\u00a0nbsp\u00a0\u00a0text\u00a0",
    "\u2003em\u3000ideographic\u2028line\u2029para\u202fnarrow\u205fmath",
    "\x1c\x1d\x1e\x1fseparators\x85next-line\x0bvt\x0cff",
    "zero\u200bwidth\u200cnon\u200djoiner\u2060word\ufeffbom",
    "\ufeffBOM at start",
    "\u180emongolian\u180e",
    "rtl \u200fmark\u200e marks",
    "\x01control\x7f chars",
    "STRASSE Straße ẞ",
    "ΣΊΣΥΦΟΣ σίσυφος ς",
    "ﬁnance ﬂow ﬀ ﬆ",
    "İstanbul ISTANBUL ıi",
    "ᏣᎳᎩ ꮳꮃꭹ ᏸᏹ",
    "ᲀᲁᲂᲃᲄᲅᲆᲇᲈ",
    "µ ſ ᾈ ᾳ ῼ ǅ ǰ ŉ",
    ("Аким области Бақытжан Сағынтаев провёл приём граждан. " * 20) + "https://t.me/x " * 3,
    "www.first.kz\twww.second.kz   https://third.kz",
]


@pytest.fixture(scope="module")
def pipeline_sql(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The normalisation macros compiled by dbt into one query."""
    from dbt.cli.main import dbtRunner

    home = tmp_path_factory.mktemp("normalise_home")
    places = {"project-dir": DBT_DIR, "profiles-dir": DBT_DIR, "target-path": home / "t", "log-path": home / "l"}
    args = [
        "compile",
        "--quiet",
        "--inline",
        PIPELINE,
        *chain.from_iterable((f"--{k}", str(v)) for k, v in places.items()),
    ]
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AKIMS_HOME", str(home))  # profiles.yml puts the database there
        result = dbtRunner().invoke(args)
    assert result.success, f"dbt compile failed: {result.exception}"
    return result.result.results[0].node.compiled_code


def sql_normalise(sql: str, texts: list[str]) -> list[str]:
    con = duckdb.connect()
    try:
        con.execute(
            "create table normalise_inputs as select unnest(range(?)) as n, unnest(?) as text", [len(texts), texts]
        )
        return [text for _, text in con.execute(sql).fetchall()]
    finally:
        con.close()


def disagreements(texts: list[str], sql: list[str]) -> list[str]:
    return [
        f"{t[:40]!r} (U+{ord(t[0]):04X}…): python {normalise(t)[:40]!r}, sql {s[:40]!r}"
        for t, s in zip(texts, sql, strict=True)
        if normalise(t) != s
    ]


def test_python_and_sql_normalise_hostile_texts_alike(pipeline_sql: str) -> None:
    bad = disagreements(HOSTILE, sql_normalise(pipeline_sql, HOSTILE))
    assert not bad, f"{len(bad)} texts normalised differently:\n" + "\n".join(bad)


def test_python_and_sql_normalise_every_character_alike(pipeline_sql: str) -> None:
    # each code point alone and between letters (white space then collapses, edges are trimmed)
    points = [chr(c) for c in range(1, 0x20000) if not 0xD800 <= c < 0xE000]
    texts = points + [f"A{p}b" for p in points]
    bad = disagreements(texts, sql_normalise(pipeline_sql, texts))
    assert not bad, f"{len(bad)} texts normalised differently, e.g.:\n" + "\n".join(bad[:20])


def test_the_contract_examples() -> None:
    # methodology.md: case-folded, ё as е, URLs removed, white space collapsed, trimmed
    assert normalise(" Ёж\u00a0Straße ΣΟΦΙΑ ﬁ https://x.kz ") == "еж strasse σοφια fi"

{#- A date n days after a date expression, as a DATE (dbt.dateadd may return a timestamp). -#}
{% macro add_days(n, date_expr) -%}
    cast({{ dbt.dateadd('day', n, date_expr) }} as date)
{%- endmacro %}

{#- Number of days from a to b inclusive. -#}
{% macro days_inclusive(a, b) -%}
    ({{ dbt.datediff(a, b, 'day') }} + 1)
{%- endmacro %}

{#- A far-future date standing for "still in office". -#}
{% macro open_end_date() -%}
    cast('9999-12-31' as date)
{%- endmacro %}

{#- Methodology v1.1 normalised text: Unicode case-folded (as Python's str.casefold: lower()
    and the fold-only mappings of casefold_slow_path below), ё as е, URLs (https?://\S+, www\.\S+) removed, runs of white space collapsed to one space,
    trimmed; punctuation and emoji kept. White space is the Unicode set (as Python's \s), not
    only ASCII. The patterns are written in RE2 (DuckDB's regular expressions); on another
    target mention_regex / mention_regex_search (macros/postgres/mentions.sql) rewrite their
    \x{..} escapes and the match call, the rest of the SQL is the same on both.
    Each step runs only on the texts it can change (the result is the same as running every
    step on every text, at a fraction of the cost): the URL patterns only where '://' or 'www.'
    occurs, the white-space collapse only where a run of two spaces or a white space other than
    ' ' occurs, the trim only where the text starts or ends with a space. The four steps
    (normalise_step_fold, _urls, _spaces, _trim) are applied one after the other, each on a
    column computed by the previous one (int_mentions_normalised: one CTE per step), so that no
    step's expression is repeated inside the next. -#}
{% macro whitespace_class() -%}
\t\n\x{0B}\f\r \x{1C}-\x{1F}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}
{%- endmacro %}

{#- The white space of whitespace_class() other than the ASCII space. -#}
{% macro whitespace_other_than_space() -%}
\t\n\x{0B}\f\r\x{1C}-\x{1F}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}
{%- endmacro %}

{#- Case-folded, ё as е. lower() folds nearly every character; a text holding one of the few
    where Unicode case folding differs from lower() (Cherokee, Greek with iota subscript,
    ligatures, Cyrillic letter variants, 'İ' ...: casefold_mappings) takes the slow path. -#}
{% macro normalise_step_fold(text_expr) -%}
    {%- set text = "coalesce(" ~ text_expr ~ ", '')" -%}
    case
        when {{ mention_regex_search(text, '[' ~ casefold_mappings().needs ~ ']') }} then {{ casefold_slow_path(text) }}
        else replace(replace(replace(lower({{ text }}), 'ё', 'е'), 'ß', 'ss'), 'ς', 'σ')
    end
{%- endmacro %}

{#- The slow path of normalise_step_fold: full Unicode case folding of a text expression. -#}
{% macro casefold_slow_path(text) -%}
    {%- set m = casefold_mappings() -%}
    {%- set ns = namespace(sql=text) -%}
    {%- for src, dst in m.before_lower -%}
        {%- set ns.sql = "replace(" ~ ns.sql ~ ", '" ~ code_points([src]) ~ "', '" ~ code_points(dst) ~ "')" -%}
    {%- endfor -%}
    {%- set ns.sql = "translate(lower(" ~ ns.sql ~ "), '" ~ code_points(m.one_to_one | map(attribute=0))
        ~ "', '" ~ code_points(m.one_to_one | map(attribute=1)) ~ "')" -%}
    {%- for src, dst in m.several -%}
        {%- set ns.sql = "replace(" ~ ns.sql ~ ", '" ~ code_points([src]) ~ "', '" ~ code_points(dst) ~ "')" -%}
    {%- endfor -%}
    replace(replace(replace({{ ns.sql }}, 'ё', 'е'), 'ß', 'ss'), 'ς', 'σ')
{%- endmacro %}

{#- The characters of these code points, as text. -#}
{% macro code_points(points) -%}
    {%- for p in points %}{{ "%c" | format(p) }}{% endfor -%}
{%- endmacro %}

{#- Unicode case folding (full, as Python's str.casefold) where DuckDB's lower() is not it.
    `needs`: the characters whose lower() differs from their folding (ß and ς apart: both paths
    replace them); `before_lower`: a character whose lower() is ambiguous ('İ' and 'I' both lower
    to 'i'); `one_to_one` and `several`: what a lower-cased character folds to. Code points,
    generated from Python 3.11's casefold (Unicode 14.0) against DuckDB's lower();
    tests/test_text_rules_agree.py runs every code point through both and fails on a difference. -#}
{% macro casefold_mappings() -%}
{%- set needs = '\\x{B5}\\x{130}\\x{149}\\x{17F}\\x{1F0}\\x{345}\\x{390}\\x{3B0}\\x{3D0}-\\x{3D1}\\x{3D5}-\\x{3D6}\\x{3F0}-\\x{3F1}\\x{3F5}\\x{587}\\x{13A0}-\\x{13F5}\\x{13F8}-\\x{13FD}\\x{1C80}-\\x{1C88}\\x{1E96}-\\x{1E9B}\\x{1F50}\\x{1F52}\\x{1F54}\\x{1F56}\\x{1F80}-\\x{1FAF}\\x{1FB2}-\\x{1FB4}\\x{1FB6}-\\x{1FB7}\\x{1FBC}\\x{1FBE}\\x{1FC2}-\\x{1FC4}\\x{1FC6}-\\x{1FC7}\\x{1FCC}\\x{1FD2}-\\x{1FD3}\\x{1FD6}-\\x{1FD7}\\x{1FE2}-\\x{1FE4}\\x{1FE6}-\\x{1FE7}\\x{1FF2}-\\x{1FF4}\\x{1FF6}-\\x{1FF7}\\x{1FFC}\\x{AB70}-\\x{ABBF}\\x{FB00}-\\x{FB06}\\x{FB13}-\\x{FB17}' -%}
{%- set before_lower = [(0x130, [0x69, 0x307])] -%}
{%- set one_to_one = [
    (0xB5, 0x3BC), (0x17F, 0x73), (0x345, 0x3B9), (0x3D0, 0x3B2), (0x3D1, 0x3B8), (0x3D5, 0x3C6),
    (0x3D6, 0x3C0), (0x3F0, 0x3BA), (0x3F1, 0x3C1), (0x3F5, 0x3B5), (0x13F8, 0x13F0), (0x13F9, 0x13F1),
    (0x13FA, 0x13F2), (0x13FB, 0x13F3), (0x13FC, 0x13F4), (0x13FD, 0x13F5), (0x1C80, 0x432), (0x1C81, 0x434),
    (0x1C82, 0x43E), (0x1C83, 0x441), (0x1C84, 0x442), (0x1C85, 0x442), (0x1C86, 0x44A), (0x1C87, 0x463),
    (0x1C88, 0xA64B), (0x1E9B, 0x1E61), (0x1FBE, 0x3B9), (0xAB70, 0x13A0), (0xAB71, 0x13A1), (0xAB72, 0x13A2),
    (0xAB73, 0x13A3), (0xAB74, 0x13A4), (0xAB75, 0x13A5), (0xAB76, 0x13A6), (0xAB77, 0x13A7), (0xAB78, 0x13A8),
    (0xAB79, 0x13A9), (0xAB7A, 0x13AA), (0xAB7B, 0x13AB), (0xAB7C, 0x13AC), (0xAB7D, 0x13AD), (0xAB7E, 0x13AE),
    (0xAB7F, 0x13AF), (0xAB80, 0x13B0), (0xAB81, 0x13B1), (0xAB82, 0x13B2), (0xAB83, 0x13B3), (0xAB84, 0x13B4),
    (0xAB85, 0x13B5), (0xAB86, 0x13B6), (0xAB87, 0x13B7), (0xAB88, 0x13B8), (0xAB89, 0x13B9), (0xAB8A, 0x13BA),
    (0xAB8B, 0x13BB), (0xAB8C, 0x13BC), (0xAB8D, 0x13BD), (0xAB8E, 0x13BE), (0xAB8F, 0x13BF), (0xAB90, 0x13C0),
    (0xAB91, 0x13C1), (0xAB92, 0x13C2), (0xAB93, 0x13C3), (0xAB94, 0x13C4), (0xAB95, 0x13C5), (0xAB96, 0x13C6),
    (0xAB97, 0x13C7), (0xAB98, 0x13C8), (0xAB99, 0x13C9), (0xAB9A, 0x13CA), (0xAB9B, 0x13CB), (0xAB9C, 0x13CC),
    (0xAB9D, 0x13CD), (0xAB9E, 0x13CE), (0xAB9F, 0x13CF), (0xABA0, 0x13D0), (0xABA1, 0x13D1), (0xABA2, 0x13D2),
    (0xABA3, 0x13D3), (0xABA4, 0x13D4), (0xABA5, 0x13D5), (0xABA6, 0x13D6), (0xABA7, 0x13D7), (0xABA8, 0x13D8),
    (0xABA9, 0x13D9), (0xABAA, 0x13DA), (0xABAB, 0x13DB), (0xABAC, 0x13DC), (0xABAD, 0x13DD), (0xABAE, 0x13DE),
    (0xABAF, 0x13DF), (0xABB0, 0x13E0), (0xABB1, 0x13E1), (0xABB2, 0x13E2), (0xABB3, 0x13E3), (0xABB4, 0x13E4),
    (0xABB5, 0x13E5), (0xABB6, 0x13E6), (0xABB7, 0x13E7), (0xABB8, 0x13E8), (0xABB9, 0x13E9), (0xABBA, 0x13EA),
    (0xABBB, 0x13EB), (0xABBC, 0x13EC), (0xABBD, 0x13ED), (0xABBE, 0x13EE), (0xABBF, 0x13EF),
] -%}
{%- set several = [
    (0x149, [0x2BC, 0x6E]), (0x1F0, [0x6A, 0x30C]), (0x390, [0x3B9, 0x308, 0x301]), (0x3B0, [0x3C5, 0x308, 0x301]),
    (0x587, [0x565, 0x582]), (0x1E96, [0x68, 0x331]), (0x1E97, [0x74, 0x308]), (0x1E98, [0x77, 0x30A]),
    (0x1E99, [0x79, 0x30A]), (0x1E9A, [0x61, 0x2BE]), (0x1F50, [0x3C5, 0x313]), (0x1F52, [0x3C5, 0x313, 0x300]),
    (0x1F54, [0x3C5, 0x313, 0x301]), (0x1F56, [0x3C5, 0x313, 0x342]), (0x1F80, [0x1F00, 0x3B9]), (0x1F81, [0x1F01, 0x3B9]),
    (0x1F82, [0x1F02, 0x3B9]), (0x1F83, [0x1F03, 0x3B9]), (0x1F84, [0x1F04, 0x3B9]), (0x1F85, [0x1F05, 0x3B9]),
    (0x1F86, [0x1F06, 0x3B9]), (0x1F87, [0x1F07, 0x3B9]), (0x1F90, [0x1F20, 0x3B9]), (0x1F91, [0x1F21, 0x3B9]),
    (0x1F92, [0x1F22, 0x3B9]), (0x1F93, [0x1F23, 0x3B9]), (0x1F94, [0x1F24, 0x3B9]), (0x1F95, [0x1F25, 0x3B9]),
    (0x1F96, [0x1F26, 0x3B9]), (0x1F97, [0x1F27, 0x3B9]), (0x1FA0, [0x1F60, 0x3B9]), (0x1FA1, [0x1F61, 0x3B9]),
    (0x1FA2, [0x1F62, 0x3B9]), (0x1FA3, [0x1F63, 0x3B9]), (0x1FA4, [0x1F64, 0x3B9]), (0x1FA5, [0x1F65, 0x3B9]),
    (0x1FA6, [0x1F66, 0x3B9]), (0x1FA7, [0x1F67, 0x3B9]), (0x1FB2, [0x1F70, 0x3B9]), (0x1FB3, [0x3B1, 0x3B9]),
    (0x1FB4, [0x3AC, 0x3B9]), (0x1FB6, [0x3B1, 0x342]), (0x1FB7, [0x3B1, 0x342, 0x3B9]), (0x1FC2, [0x1F74, 0x3B9]),
    (0x1FC3, [0x3B7, 0x3B9]), (0x1FC4, [0x3AE, 0x3B9]), (0x1FC6, [0x3B7, 0x342]), (0x1FC7, [0x3B7, 0x342, 0x3B9]),
    (0x1FD2, [0x3B9, 0x308, 0x300]), (0x1FD3, [0x3B9, 0x308, 0x301]), (0x1FD6, [0x3B9, 0x342]), (0x1FD7, [0x3B9, 0x308, 0x342]),
    (0x1FE2, [0x3C5, 0x308, 0x300]), (0x1FE3, [0x3C5, 0x308, 0x301]), (0x1FE4, [0x3C1, 0x313]), (0x1FE6, [0x3C5, 0x342]),
    (0x1FE7, [0x3C5, 0x308, 0x342]), (0x1FF2, [0x1F7C, 0x3B9]), (0x1FF3, [0x3C9, 0x3B9]), (0x1FF4, [0x3CE, 0x3B9]),
    (0x1FF6, [0x3C9, 0x342]), (0x1FF7, [0x3C9, 0x342, 0x3B9]), (0xFB00, [0x66, 0x66]), (0xFB01, [0x66, 0x69]),
    (0xFB02, [0x66, 0x6C]), (0xFB03, [0x66, 0x66, 0x69]), (0xFB04, [0x66, 0x66, 0x6C]), (0xFB05, [0x73, 0x74]),
    (0xFB06, [0x73, 0x74]), (0xFB13, [0x574, 0x576]), (0xFB14, [0x574, 0x565]), (0xFB15, [0x574, 0x56B]),
    (0xFB16, [0x57E, 0x576]), (0xFB17, [0x574, 0x56D]),
] -%}
    {{ return({"needs": needs, "before_lower": before_lower, "one_to_one": one_to_one, "several": several}) }}
{%- endmacro %}

{#- URLs removed (only texts holding '://' or 'www.' can match either pattern). -#}
{% macro normalise_step_urls(folded) -%}
    {%- set not_white_space = '[^' ~ whitespace_class() ~ ']+' -%}
    case
        when strpos({{ folded }}, '://') > 0 or strpos({{ folded }}, 'www.') > 0 then
            regexp_replace(
                regexp_replace({{ folded }}, '{{ mention_regex("https?://" ~ not_white_space) }}', '', 'g'),
                '{{ mention_regex("www\\." ~ not_white_space) }}', '', 'g')
        else {{ folded }}
    end
{%- endmacro %}

{#- Runs of white space as one space (a text without two spaces in a row and without other
    white space is already collapsed). -#}
{% macro normalise_step_spaces(unlinked) -%}
    case
        when {{ mention_regex_search(unlinked, '  |[' ~ whitespace_other_than_space() ~ ']') }} then
            regexp_replace({{ unlinked }}, '{{ mention_regex("[" ~ whitespace_class() ~ "]+") }}', ' ', 'g')
        else {{ unlinked }}
    end
{%- endmacro %}

{#- Trimmed of spaces (only a text starting or ending with one changes). -#}
{% macro normalise_step_trim(collapsed) -%}
    case
        when {{ collapsed }} like ' %' or {{ collapsed }} like '% ' then trim({{ collapsed }}, ' ')
        else {{ collapsed }}
    end
{%- endmacro %}

{#- ISO week label 'YYYY-Www' of the week starting on a Monday: the ISO year is the year of
    the week's Thursday, and the week number counts Thursdays from 1 January. -#}
{% macro iso_week_label(week_start_expr) -%}
    (
        cast(extract(year from {{ add_days(3, week_start_expr) }}) as varchar)
        || '-W'
        || lpad(cast(cast(floor((extract(doy from {{ add_days(3, week_start_expr) }}) - 1) / 7) + 1 as integer) as varchar), 2, '0')
    )
{%- endmacro %}

{#- Half-year label 'YYYY-H1' / 'YYYY-H2' of a date. -#}
{% macro half_year_label(date_expr) -%}
    (
        cast(extract(year from {{ date_expr }}) as varchar)
        || case when extract(month from {{ date_expr }}) <= 6 then '-H1' else '-H2' end
    )
{%- endmacro %}

{#- Year label 'YYYY' of a date. -#}
{% macro year_label(date_expr) -%}
    cast(extract(year from {{ date_expr }}) as varchar)
{%- endmacro %}

{#- This warehouse's override of a reference table (`overrides.<identifier>`, written by
    `akims ingest/run --tenures/--official-accounts`), or none when it has none. Only at run
    time: at parse time there is no database to ask. -#}
{% macro warehouse_override(identifier) -%}
    {%- if execute -%}
        {{ return(adapter.get_relation(database=target.database, schema='overrides', identifier=identifier)) }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}

{#- Incremental models: true when this run adds to an existing table that already has the given
    bookkeeping column (a table built before the model became incremental lacks it: then every
    week is rebuilt, which gives the same rows as a full refresh). -#}
{% macro incremental_ready(column) -%}
    {%- if execute and is_incremental() -%}
        {%- set existing = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
        {{ return(column | lower in existing) }}
    {%- endif -%}
    {{ return(false) }}
{%- endmacro %}

{#- When this dbt invocation started (UTC, naive timestamp): the built_at of the rows it writes. -#}
{% macro run_stamp() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}

{#- A dbt run started by hand (not by the Dagster asset, which sets DAGSTER_DBT_CLI) may build the
    reference tables from other files, vars or flags than the last full build recorded in
    raw.dbt_builds: the record is dropped, so the next build through Dagster is full again
    (assets/dbt_scope.py). Runs as on-run-start. -#}
{% macro forget_recorded_full_build() -%}
    {%- if execute and env_var('DAGSTER_DBT_CLI', '') != 'true' -%}
        {%- set recorded = adapter.get_relation(database=target.database, schema='raw', identifier='dbt_builds') -%}
        {%- if recorded -%}
            {%- do run_query('delete from ' ~ recorded) -%}
            {%- do adapter.commit() -%}  {#- run_query's transaction is not committed by itself -#}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

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

{#- Methodology v1.1 normalised text: Unicode case-folded (lower + the few fold-only mappings),
    ё as е, URLs (https?://\S+, www\.\S+) removed, runs of white space collapsed to one space,
    trimmed; punctuation and emoji kept. White space is the Unicode set (as Python's \s), not
    only ASCII. DuckDB regular expressions (RE2) are used: there is no portable form. -#}
{% macro whitespace_class() -%}
\t\n\x{0B}\f\r \x{1C}-\x{1F}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}
{%- endmacro %}

{% macro normalise_text(text_expr) -%}
    trim(
        regexp_replace(
            regexp_replace(
                regexp_replace(
                    replace(replace(replace(lower(coalesce({{ text_expr }}, '')), 'ё', 'е'), 'ß', 'ss'), 'ς', 'σ'),
                    'https?://[^{{ whitespace_class() }}]+', '', 'g'),
                'www\.[^{{ whitespace_class() }}]+', '', 'g'),
            '[{{ whitespace_class() }}]+', ' ', 'g'),
        ' ')
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

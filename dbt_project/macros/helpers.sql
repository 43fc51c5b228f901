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
    only ASCII. DuckDB regular expressions (RE2) are used: there is no portable form.
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

{#- Case-folded, ё as е. -#}
{% macro normalise_step_fold(text_expr) -%}
    replace(replace(replace(lower(coalesce({{ text_expr }}, '')), 'ё', 'е'), 'ß', 'ss'), 'ς', 'σ')
{%- endmacro %}

{#- URLs removed (only texts holding '://' or 'www.' can match either pattern). -#}
{% macro normalise_step_urls(folded) -%}
    case
        when contains({{ folded }}, '://') or contains({{ folded }}, 'www.') then
            regexp_replace(
                regexp_replace({{ folded }}, 'https?://[^{{ whitespace_class() }}]+', '', 'g'),
                'www\.[^{{ whitespace_class() }}]+', '', 'g')
        else {{ folded }}
    end
{%- endmacro %}

{#- Runs of white space as one space (a text without two spaces in a row and without other
    white space is already collapsed). -#}
{% macro normalise_step_spaces(unlinked) -%}
    case
        when regexp_matches({{ unlinked }}, '  |[{{ whitespace_other_than_space() }}]') then
            regexp_replace({{ unlinked }}, '[{{ whitespace_class() }}]+', ' ', 'g')
        else {{ unlinked }}
    end
{%- endmacro %}

{#- Trimmed of spaces (only a text starting or ending with one changes). -#}
{% macro normalise_step_trim(collapsed) -%}
    case
        when starts_with({{ collapsed }}, ' ') or ends_with({{ collapsed }}, ' ') then trim({{ collapsed }}, ' ')
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

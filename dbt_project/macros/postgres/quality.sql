{#- fct_data_quality on DuckDB and PostgreSQL: the few expressions the two engines write
    differently. Each `default__` is the DuckDB SQL the model always had; each `postgres__` gives
    the same value (for JSON text: the same bytes) on PostgreSQL. -#}

{#- The Monday starting the ISO week of a date, as a date (the same SQL on every target). -#}
{% macro quality_week_start(day_expr) -%}
    ({{ day_expr }} - cast(extract(isodow from {{ day_expr }}) as integer) + 1)
{%- endmacro %}

{#- The days from start to end inclusive, one row each (a select-list expression; timestamps:
    cast the rows to date). DuckDB's generate_series returns a list, PostgreSQL's a set. -#}
{% macro quality_day_series(start_expr, end_expr) -%}
    {{ return(adapter.dispatch('quality_day_series', 'akims')(start_expr, end_expr)) }}
{%- endmacro %}

{% macro default__quality_day_series(start_expr, end_expr) -%}
    unnest(generate_series({{ start_expr }}, {{ end_expr }}, interval 1 day))
{%- endmacro %}

{% macro postgres__quality_day_series(start_expr, end_expr) -%}
    generate_series(cast({{ start_expr }} as timestamp), cast({{ end_expr }} as timestamp), interval '1 day')
{%- endmacro %}

{#- Whether a text matches a regular expression anywhere (the patterns used are anchored where
    they must be; a JSON text holds no line break, so RE2's and PostgreSQL's treatment of `.`
    and `$` around one never matters). -#}
{% macro quality_regexp_matches(text_expr, pattern) -%}
    {{ return(adapter.dispatch('quality_regexp_matches', 'akims')(text_expr, pattern)) }}
{%- endmacro %}

{% macro default__quality_regexp_matches(text_expr, pattern) -%}
    regexp_matches({{ text_expr }}, {{ pattern }})
{%- endmacro %}

{% macro postgres__quality_regexp_matches(text_expr, pattern) -%}
    ({{ text_expr }} ~ {{ pattern }})
{%- endmacro %}

{#- The text of a capture group of the first match; '' when the text does not match (DuckDB's
    regexp_extract), NULL for a NULL text. -#}
{% macro quality_regexp_extract(text_expr, pattern, group) -%}
    {{ return(adapter.dispatch('quality_regexp_extract', 'akims')(text_expr, pattern, group)) }}
{%- endmacro %}

{% macro default__quality_regexp_extract(text_expr, pattern, group) -%}
    regexp_extract({{ text_expr }}, {{ pattern }}, {{ group }})
{%- endmacro %}

{% macro postgres__quality_regexp_extract(text_expr, pattern, group) -%}
    coalesce((regexp_match({{ text_expr }}, {{ pattern }}))[{{ group }}], case when {{ text_expr }} is not null then '' end)
{%- endmacro %}

{#- The parts of a text split at a separator, one row each (a select-list expression); an empty
    text gives one empty part, as DuckDB's string_split (PostgreSQL's string_to_array gives
    none, regexp_split_to_table one: the separator must hold no regex metacharacter). -#}
{% macro quality_split_to_rows(text_expr, separator) -%}
    {{ return(adapter.dispatch('quality_split_to_rows', 'akims')(text_expr, separator)) }}
{%- endmacro %}

{% macro default__quality_split_to_rows(text_expr, separator) -%}
    unnest(string_split({{ text_expr }}, {{ separator }}))
{%- endmacro %}

{% macro postgres__quality_split_to_rows(text_expr, separator) -%}
    regexp_split_to_table({{ text_expr }}, {{ separator }})
{%- endmacro %}

{#- The elements of a JSON list as text, one row each (a select-list expression: two of them in
    one select list run side by side, the shorter padded with NULL, on both engines). A string
    gives its value, JSON null a NULL, a number its text. -#}
{% macro quality_json_list_items(json_text) -%}
    {{ return(adapter.dispatch('quality_json_list_items', 'akims')(json_text)) }}
{%- endmacro %}

{% macro default__quality_json_list_items(json_text) -%}
    unnest(from_json({{ json_text }}, '["VARCHAR"]'))
{%- endmacro %}

{% macro postgres__quality_json_list_items(json_text) -%}
    json_array_elements_text(cast({{ json_text }} as json))
{%- endmacro %}

{#- A JSON text as a JSON value, re-written without white space (DuckDB's json()): on
    PostgreSQL json_strip_nulls re-serialises a json value compactly (it would also drop
    null-valued object fields: used on lists of strings only). -#}
{% macro quality_json(text_expr) -%}
    {{ return(adapter.dispatch('quality_json', 'akims')(text_expr)) }}
{%- endmacro %}

{% macro default__quality_json(text_expr) -%}
    json({{ text_expr }})
{%- endmacro %}

{% macro postgres__quality_json(text_expr) -%}
    json_strip_nulls(cast({{ text_expr }} as json))
{%- endmacro %}

{#- A JSON object as text from (key, expression) pairs, keys in the given order, no white space
    (DuckDB's json_object(...)::varchar); PostgreSQL's json_build_object puts spaces around
    ':' and ',', so its text is assembled from to_json of each value. -#}
{% macro quality_json_object(pairs) -%}
    {{ return(adapter.dispatch('quality_json_object', 'akims')(pairs)) }}
{%- endmacro %}

{% macro default__quality_json_object(pairs) -%}
    json_object(
        {%- for key, value in pairs %}
            '{{ key }}', {{ value }}{{ "," if not loop.last }}
        {%- endfor %}
        ) :: varchar
{%- endmacro %}

{% macro postgres__quality_json_object(pairs) -%}
    (
        '{'
        {%- for key, value in pairs %}
            || '{{ "," if not loop.first }}"{{ key }}":' || coalesce(cast(to_json({{ value }}) as text), 'null')
        {%- endfor %}
            || '}'
        )
{%- endmacro %}

{#- A double rounded to `digits` decimals, halves away from zero, as a double (DuckDB's
    round(x, n): round(x * 10^n) / 10^n in doubles). PostgreSQL's round(double) rounds halves to
    even and its cast of a double to numeric keeps 15 digits (0.285 * 100 would round up); the
    double's shortest text is exact enough to round as DuckDB does. -#}
{% macro quality_round(number_expr, digits=0) -%}
    {{ return(adapter.dispatch('quality_round', 'akims')(number_expr, digits)) }}
{%- endmacro %}

{% macro default__quality_round(number_expr, digits=0) -%}
    {%- if digits == 0 -%}
        round({{ number_expr }})
    {%- else -%}
        round({{ number_expr }}, {{ digits }})
    {%- endif -%}
{%- endmacro %}

{% macro postgres__quality_round(number_expr, digits=0) -%}
    (cast(round(cast(cast(cast({{ number_expr }} as double precision) * {{ 10 ** digits }} as text) as numeric)) as double precision) / {{ 10 ** digits }})
{%- endmacro %}

{#- A double as text, as DuckDB writes it: a whole number with '.0' (PostgreSQL writes 25 where
    DuckDB writes 25.0); other values are the shortest text that reads back the same on both. -#}
{% macro quality_double_text(number_expr) -%}
    {{ return(adapter.dispatch('quality_double_text', 'akims')(number_expr)) }}
{%- endmacro %}

{% macro default__quality_double_text(number_expr) -%}
    cast({{ number_expr }} as varchar)
{%- endmacro %}

{% macro postgres__quality_double_text(number_expr) -%}
    case
        when {{ number_expr }} = trunc({{ number_expr }}) and abs({{ number_expr }}) < 1e15
            then cast(cast({{ number_expr }} as bigint) as text) || '.0'
        else cast({{ number_expr }} as text)
    end
{%- endmacro %}

{#- The mention models (stg_warehouse__mentions and __classified_mentions, int_mentions_normalised,
    int_mention_eligibility) on PostgreSQL: where DuckDB's SQL (RE2 escapes, regexp_matches, list
    lambdas and literals, byte-ordered text) has no form both engines accept, a dispatched macro
    whose default__ is the DuckDB SQL, unchanged. -#}

{#- A regular expression written in RE2 (the DuckDB form, as the macros write it) for the target:
    PostgreSQL's AREs have no \x{...} escape (their \x takes every hex digit that follows), so each
    \x{H..} becomes \uHHHH (\UHHHHHHHH above the BMP); the rest of the patterns used here (classes,
    ranges, \t \n \f \r, \.) means the same in both. -#}
{% macro mention_regex(pattern) -%}
    {{ return(adapter.dispatch('mention_regex', 'akims')(pattern)) }}
{%- endmacro %}

{% macro default__mention_regex(pattern) -%}
    {{ return(pattern) }}
{%- endmacro %}

{% macro postgres__mention_regex(pattern) -%}
    {%- set ns = namespace(pattern=pattern) -%}
    {%- for digits in modules.re.findall('\\\\x\\{([0-9A-Fa-f]+)\\}', pattern) | unique -%}
        {%- set point = digits | int(base=16) -%}
        {%- set escape = ('\\u%04X' % point) if point <= 0xFFFF else ('\\U%08X' % point) -%}
        {%- set ns.pattern = ns.pattern | replace('\\x{' ~ digits ~ '}', escape) -%}
    {%- endfor -%}
    {{ return(ns.pattern) }}
{%- endmacro %}

{#- True when the regular expression (RE2, see mention_regex) matches somewhere in the text
    (DuckDB regexp_matches; PostgreSQL's ~, a search as well). -#}
{% macro mention_regex_search(text_expr, pattern) -%}
    {{ return(adapter.dispatch('mention_regex_search', 'akims')(text_expr, pattern)) }}
{%- endmacro %}

{% macro default__mention_regex_search(text_expr, pattern) -%}
    regexp_matches({{ text_expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro postgres__mention_regex_search(text_expr, pattern) -%}
    ({{ text_expr }} ~ '{{ mention_regex(pattern) }}')
{%- endmacro %}

{#- Each element of a text list lower-cased, in order (NULL stays NULL). -#}
{% macro mention_list_lower(list_expr) -%}
    {{ return(adapter.dispatch('mention_list_lower', 'akims')(list_expr)) }}
{%- endmacro %}

{% macro default__mention_list_lower(list_expr) -%}
    list_transform({{ list_expr }}, lambda akim_sentiment: lower(akim_sentiment))
{%- endmacro %}

{% macro postgres__mention_list_lower(list_expr) -%}
    case when {{ list_expr }} is not null then array(
        select lower(element)
        from unnest({{ list_expr }}) with ordinality as elements(element, position)
        order by position
    ) end
{%- endmacro %}

{#- The persons a mention names (its akims list), each once, empty ids and NULLs dropped (the
    order does not matter: the list is unnested into rows). -#}
{% macro mention_named_persons(akims_expr) -%}
    {{ return(adapter.dispatch('mention_named_persons', 'akims')(akims_expr)) }}
{%- endmacro %}

{% macro default__mention_named_persons(akims_expr) -%}
    list_distinct(list_filter(coalesce({{ akims_expr }}, []), lambda named_person: named_person <> ''))
{%- endmacro %}

{% macro postgres__mention_named_persons(akims_expr) -%}
    array(
        select distinct named_person
        from unnest({{ akims_expr }}) as named_persons(named_person)
        where named_person <> ''
    )
{%- endmacro %}

{#- One row per element of a (non-NULL) text list, and one NULL row when it is empty (a select-list
    set-returning expression). -#}
{% macro mention_unnest_or_null(list_expr) -%}
    {{ return(adapter.dispatch('mention_unnest_or_null', 'akims')(list_expr)) }}
{%- endmacro %}

{% macro default__mention_unnest_or_null(list_expr) -%}
    unnest(case when len({{ list_expr }}) = 0 then [null] else {{ list_expr }} end)
{%- endmacro %}

{% macro postgres__mention_unnest_or_null(list_expr) -%}
    unnest(case when cardinality({{ list_expr }}) = 0 then array[null]::text[] else {{ list_expr }} end)
{%- endmacro %}

{#- The element of `values_expr` at the position of `key_expr` in `keys_expr` (lists parallel
    to each other, 1-based); NULL when the key is not there. -#}
{% macro mention_parallel_value(values_expr, keys_expr, key_expr) -%}
    {{ return(adapter.dispatch('mention_parallel_value', 'akims')(values_expr, keys_expr, key_expr)) }}
{%- endmacro %}

{% macro default__mention_parallel_value(values_expr, keys_expr, key_expr) -%}
    {{ values_expr }}[list_position({{ keys_expr }}, {{ key_expr }})]
{%- endmacro %}

{% macro postgres__mention_parallel_value(values_expr, keys_expr, key_expr) -%}
    ({{ values_expr }})[array_position({{ keys_expr }}, {{ key_expr }})]
{%- endmacro %}

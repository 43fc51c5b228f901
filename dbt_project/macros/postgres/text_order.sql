{#- A text expression ordered by its bytes (code points), as DuckDB orders text, wherever an order
    or comparison of text decides a row (first of duplicates, tenure picked, a tie-break in a
    ranking, the first examples of a quality check) or a stored fingerprint. PostgreSQL orders by
    the database's collation (en_US ignores hyphens: 'a-c' < 'ab') unless told "C"; DuckDB's
    default collation is already byte order, and its SQL stays as it was. -#}
{% macro text_byte_order(text_expr) -%}
    {{ return(adapter.dispatch('text_byte_order', 'akims')(text_expr)) }}
{%- endmacro %}

{% macro default__text_byte_order(text_expr) -%}
    {{ text_expr }}
{%- endmacro %}

{% macro postgres__text_byte_order(text_expr) -%}
    {{ text_expr }} collate "C"
{%- endmacro %}

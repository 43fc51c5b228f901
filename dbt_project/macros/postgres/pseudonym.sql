{#- akims_pseudonym(text) on PostgreSQL: the keyed hash of assets/sources/pseudonymise.py
    ('anon-' + the first 20 hex digits of HMAC-SHA256(key, value)), written in PL/pgSQL on the
    built-in sha256() so that no extension (pgcrypto) is needed. The key is the session setting
    akims.pseudonym_key, which `akims` passes through libpq's PGOPTIONS: it never appears in SQL,
    in dbt's logs or in the database. On DuckDB the function is registered by the dbt-duckdb
    plugin assets.sources.dbt_plugin, and this hook does nothing. Runs as on-run-start. -#}
{% macro create_pseudonym_function() -%}
    {{ return(adapter.dispatch('create_pseudonym_function', 'akims')()) }}
{%- endmacro %}

{% macro default__create_pseudonym_function() -%}
    select 1
{%- endmacro %}

{% macro postgres__create_pseudonym_function() -%}
create or replace function public.akims_pseudonym(value text) returns text
language plpgsql stable parallel safe as $fn$
declare
    key bytea := convert_to(coalesce(current_setting('akims.pseudonym_key', true), ''), 'UTF8');
    inner_pad bytea;
    outer_pad bytea;
begin
    if length(key) = 0 then
        raise exception 'akims_pseudonym: the session has no akims.pseudonym_key (run dbt through akims, or set PGOPTIONS=-c akims.pseudonym_key=...)';
    end if;
    if length(key) > 64 then
        key := sha256(key);
    end if;
    key := key || decode(repeat('00', 64 - length(key)), 'hex');
    inner_pad := key;
    outer_pad := key;
    for i in 0..63 loop
        inner_pad := set_byte(inner_pad, i, get_byte(key, i) # 54);
        outer_pad := set_byte(outer_pad, i, get_byte(key, i) # 92);
    end loop;
    return 'anon-' || left(encode(sha256(outer_pad || sha256(inner_pad || convert_to(value, 'UTF8'))), 'hex'), 20);
end
$fn$
{%- endmacro %}

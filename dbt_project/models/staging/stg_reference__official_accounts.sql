{#- The warehouse's own registry (overrides.official_accounts, written by `--official-accounts`)
    replaces the seed when that table exists. The seed is always ref()'d so lineage and parse work. -#}
{%- set override = warehouse_override('official_accounts') -%}

with seed as (

    select
        cast(platform as text)       as platform,
        cast(author_id as text)      as author_id,
        author_name,
        region_code,
        kind,
        'seed'                       as registry_source
    from {{ ref('official_accounts') }}

),

{% if override is not none %}
override as (

    select
        cast(platform as text)       as platform,
        cast(author_id as text)      as author_id,
        cast(author_name as text)    as author_name,
        cast(region_code as text)    as region_code,
        cast(kind as text)           as kind,
        'override'                   as registry_source
    from {{ override }}

),

chosen as (select * from override),
{% else %}
chosen as (select * from seed),
{% endif %}

final as (

    select distinct
        platform,
        author_id,
        author_name,
        region_code,
        kind,
        registry_source
    from chosen

)

select * from final

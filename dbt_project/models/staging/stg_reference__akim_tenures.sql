{#- The warehouse's own roster (overrides.akim_tenures, written by `akims ingest/run --tenures`)
    replaces the seed when that table exists. The seed is always ref()'d so lineage and parse work. -#}
{%- set override = warehouse_override('akim_tenures') -%}

with seed as (

    select
        region_code,
        person_id,
        cast(start_date as date) as start_date,
        cast(end_date as date)   as end_date,
        'seed'                   as roster_source
    from {{ ref('akim_tenures') }}

),

{% if override is not none %}
override as (

    select
        cast(region_code as text)    as region_code,
        cast(person_id as text)      as person_id,
        cast(start_date as date)     as start_date,
        cast(end_date as date)       as end_date,
        'override'                   as roster_source
    from {{ override }}

),

chosen as (select * from override),
{% else %}
chosen as (select * from seed),
{% endif %}

final as (

    select
        region_code || ':' || person_id || ':' || cast(start_date as varchar) as tenure_id,
        region_code,
        person_id,
        start_date,
        end_date,
        roster_source
    from chosen

)

select * from final

with source as (

    select * from {{ ref('regions') }}

),

renamed as (

    select
        region_code,
        region_kind,
        name_ru,
        name_ru_genitive,
        name_kk,
        name_en,
        abbr_ru,
        center_ru,
        center_kk,
        cast(valid_from as date)                          as valid_from,
        cast(valid_to as date)                            as valid_to,
        coalesce(cast(valid_to as date), {{ open_end_date() }}) as valid_to_or_open,
        (
            region_kind = 'oblast'
            {% if var('include_cities') | string | lower in ['true', '1', 'yes'] %}
            or region_kind = 'city'
            {% endif %}
        )                                                 as is_rated
    from source

)

select * from renamed

with regions as (

    select * from {{ ref('stg_reference__regions') }}

),

final as (

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
        valid_from,
        valid_to,
        is_rated
    from regions

)

select * from final

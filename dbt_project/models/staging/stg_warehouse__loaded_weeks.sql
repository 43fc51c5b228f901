with source as (

    select * from {{ source('warehouse', 'loaded_weeks') }}

),

renamed as (

    select
        cast(week_start as date)            as week_start,
        source,
        cast(mention_count as bigint)       as mention_count,
        cast(quarantined_count as bigint)   as quarantined_count,
        loaded_at
    from source

)

select * from renamed

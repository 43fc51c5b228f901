with source as (

    select * from {{ source('warehouse', 'mentions') }}

),

renamed as (

    select
        platform || ':' || id                    as mention_key,
        cast(platform as varchar)                as platform,
        cast(id as varchar)                      as mention_id,
        cast(published_at as varchar)            as published_at,
        cast(published_utc as timestamp)         as published_utc,
        cast(local_date as date)                 as local_date,
        cast(week_start as date)                 as week_start,
        cast(author_id as varchar)               as author_id,
        author_name,
        cast(author_followers as bigint)         as author_followers,
        coalesce(text, '')                       as text,
        url,
        cast(likes as bigint)                    as likes,
        cast(comments as bigint)                 as comments,
        cast(reposts as bigint)                  as reposts,
        cast(views as bigint)                    as views,
        nullif(trim(reshare_of), '')             as reshare_of,
        lang,
        source_sentiment,
        keep_source_label,
        source,
        loaded_at
    from source

)

select * from renamed

with source as (

    select * from {{ source('warehouse', 'classified_mentions') }}

),

renamed as (

    select
        platform || ':' || id                        as mention_key,
        cast(platform as varchar)                    as platform,
        cast(id as varchar)                          as mention_id,
        cast(week_start as date)                     as week_start,
        akims                                        as akims,
        lower(sentiment)                             as sentiment,
        {{ mention_list_lower('akim_sentiments') }} as akim_sentiments,
        cast(sentiment_score as double precision)    as sentiment_score,
        sentiment_origin,
        lower(author_type)                           as author_type,
        coalesce(official_reshare, false)            as official_reshare,
        lang,
        classifier_backend,
        classifier_version,
        classified_at
    from source

)

select * from renamed

{#- Each loaded mention with its classification and its normalised text (methodology v1.1). -#}
with mentions as (

    select * from {{ ref('stg_warehouse__mentions') }}

),

classified as (

    select * from {{ ref('stg_warehouse__classified_mentions') }}

),

joined as (

    select
        mentions.mention_key,
        mentions.platform,
        mentions.mention_id,
        mentions.published_at,
        mentions.published_utc,
        mentions.local_date,
        mentions.week_start,
        mentions.author_id,
        mentions.author_name,
        mentions.author_followers,
        mentions.text,
        {{ normalise_text('mentions.text') }}                       as normalised_text,
        mentions.url,
        mentions.likes,
        mentions.comments,
        mentions.reposts,
        mentions.views,
        coalesce(mentions.likes, 0) + coalesce(mentions.comments, 0)
            + coalesce(mentions.reposts, 0)                           as engagement,
        mentions.reshare_of,
        classified.akims,
        classified.sentiment,
        classified.author_type,
        coalesce(classified.official_reshare, false)                  as official_reshare,
        classified.mention_key is not null                            as is_classified
    from mentions
    left join classified
        on classified.platform = mentions.platform
        and classified.mention_id = mentions.mention_id

)

select * from joined

{#- Each loaded mention with its classification and its normalised text (methodology v1.1).
    A view: int_mention_eligibility is its only reader and reads it once, so the normalisation
    runs once per build and no second mention-sized copy of the texts is written. -#}
{{ config(materialized='view') }}

with mentions as (

    select * from {{ ref('stg_warehouse__mentions') }}

),

classified as (

    select * from {{ ref('stg_warehouse__classified_mentions') }}

),

-- the normalisation, one step per CTE (macros/helpers.sql)
folded as (

    select
        mentions.*,
        {{ normalise_step_fold('mentions.text') }} as folded_text
    from mentions

),

unlinked as (

    select
        folded.*,
        {{ normalise_step_urls('folded.folded_text') }} as unlinked_text
    from folded

),

collapsed as (

    select
        unlinked.*,
        {{ normalise_step_spaces('unlinked.unlinked_text') }} as collapsed_text
    from unlinked

),

normalised as (

    select
        collapsed.*,
        {{ normalise_step_trim('collapsed.collapsed_text') }} as normalised_text
    from collapsed

),

joined as (

    select
        normalised.mention_key,
        -- the id as loaded (staging pseudonymises private authors' mention ids): the join to the
        -- classified mentions and the duplicates' tie-break, never stored in a mart
        normalised.source_key,
        normalised.platform,
        normalised.mention_id,
        normalised.published_at,
        normalised.published_utc,
        normalised.local_date,
        normalised.week_start,
        normalised.author_id,
        normalised.author_name,
        normalised.author_followers,
        normalised.text,
        normalised.normalised_text,
        normalised.url,
        normalised.likes,
        normalised.comments,
        normalised.reposts,
        normalised.views,
        coalesce(normalised.likes, 0) + coalesce(normalised.comments, 0)
            + coalesce(normalised.reposts, 0)                           as engagement,
        normalised.reshare_of,
        classified.akims,
        classified.sentiment,
        classified.akim_sentiments,
        classified.author_type,
        coalesce(classified.official_reshare, false)                  as official_reshare,
        classified.mention_key is not null                            as is_classified,
        normalised.built_at
    from normalised
    left join classified
        on classified.mention_key = normalised.source_key

)

select * from joined

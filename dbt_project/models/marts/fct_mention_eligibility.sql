{#- Every mention x named person with its status and period keys, so any rank traces to the
    mention ids behind it. A view: it is int_mention_eligibility (an incremental table) with the
    period labels, so no second mention-sized copy is written on each run. -#}
{{ config(materialized='view') }}

with eligibility as (

    select * from {{ ref('int_mention_eligibility') }}

),

final as (

    select
        eligibility_key,
        mention_key,
        platform,
        mention_id,
        person_id,
        region_code,
        tenure_id,
        status,
        status = 'eligible'                          as is_eligible,
        duplicate_of,
        local_date,
        published_utc,
        week_start,
        {{ iso_week_label('week_start') }}           as week,
        {{ half_year_label('local_date') }}          as half_year,
        {{ year_label('local_date') }}               as year,
        author_id,
        author_followers,
        sentiment,
        likes,
        comments,
        reposts,
        engagement,
        reshare_of,
        normalised_text,
        is_classified,
        is_official_author,
        is_official_reshare,
        reshares_official_post,
        repeats_official_text,
        classifier_official_reshare,
        tenure_start_date,
        tenure_end_date
    from eligibility

)

select * from final

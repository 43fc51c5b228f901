{#- The tournament table. Among the N tenures ranked in a period each indicator gives
    N + 1 - r points (r = rank() on the indicator, ties share the best place; negative: fewer is
    better; tone_index compared unrounded); score = the sum of the seven. Order: score desc,
    tone_index desc, mentions desc, person_id asc (then region_code); rank = row_number. The
    arithmetic is macro tournament_ctes (macros/rankings.sql), shared with the resamples behind
    the rank intervals (int_rank_replicates). Tenures not ranked are listed with a NULL rank and the reason. -#}
with indicators as (

    select * from {{ ref('int_akim_indicators') }}

),

akims as (

    select * from {{ ref('stg_reference__akims') }}

),

ranked_entries as (

    select * from indicators
    where is_ranked

),

{{ tournament_ctes('ranked_entries', ['period_kind', 'period']) }},

ranked_rows as (

    select
        period_kind,
        period,
        cast(rank as integer)               as rank,
        person_id,
        region_code,
        tenure_id,
        cast(score as integer)              as score,
        mentions,
        positive,
        negative,
        tone_index,
        authors,
        engagement,
        reach,
        cast(mentions_points as integer)    as mentions_points,
        cast(positive_points as integer)    as positive_points,
        cast(negative_points as integer)    as negative_points,
        cast(tone_index_points as integer)  as tone_index_points,
        cast(authors_points as integer)     as authors_points,
        cast(engagement_points as integer)  as engagement_points,
        cast(reach_points as integer)       as reach_points,
        is_ranked,
        not_ranked_reason_code,
        not_ranked_reason,
        indicator_scope,
        overlap_days
    from ordered

),

not_ranked_rows as (

    select
        period_kind,
        period,
        cast(null as integer)               as rank,
        person_id,
        region_code,
        tenure_id,
        cast(null as integer)               as score,
        mentions,
        positive,
        negative,
        tone_index,
        authors,
        engagement,
        reach,
        cast(null as integer)               as mentions_points,
        cast(null as integer)               as positive_points,
        cast(null as integer)               as negative_points,
        cast(null as integer)               as tone_index_points,
        cast(null as integer)               as authors_points,
        cast(null as integer)               as engagement_points,
        cast(null as integer)               as reach_points,
        is_ranked,
        not_ranked_reason_code,
        not_ranked_reason,
        indicator_scope,
        overlap_days
    from indicators
    where not is_ranked

),

all_rows as (

    select * from ranked_rows
    union all
    select * from not_ranked_rows

),

final as (

    select
        all_rows.period_kind,
        all_rows.period,
        all_rows.rank,
        all_rows.person_id,
        akims.akim_name,
        all_rows.region_code,
        all_rows.tenure_id,
        all_rows.score,
        all_rows.mentions,
        all_rows.positive,
        all_rows.negative,
        all_rows.tone_index,
        all_rows.authors,
        all_rows.engagement,
        all_rows.reach,
        all_rows.mentions_points,
        all_rows.positive_points,
        all_rows.negative_points,
        all_rows.tone_index_points,
        all_rows.authors_points,
        all_rows.engagement_points,
        all_rows.reach_points,
        all_rows.is_ranked,
        all_rows.not_ranked_reason_code,
        all_rows.not_ranked_reason,
        all_rows.indicator_scope,
        all_rows.overlap_days
    from all_rows
    left join akims
        on akims.person_id = all_rows.person_id

)

select * from final

{#- The seven indicators per tenure x period (all period kinds), with names. -#}
with indicators as (

    select * from {{ ref('int_akim_indicators') }}

),

akims as (

    select * from {{ ref('stg_reference__akims') }}

),

final as (

    select
        indicators.period_kind || '|' || indicators.period || '|' || indicators.tenure_id as tenure_period_key,
        indicators.period_kind,
        indicators.period,
        indicators.tenure_id,
        indicators.person_id,
        akims.akim_name,
        indicators.region_code,
        indicators.tenure_start_date,
        indicators.tenure_end_date,
        indicators.overlap_start,
        indicators.overlap_end,
        indicators.overlap_days,
        indicators.period_days,
        indicators.is_ranked,
        indicators.not_ranked_reason_code,
        indicators.not_ranked_reason,
        indicators.indicator_scope,
        indicators.mentions,
        indicators.positive,
        indicators.negative,
        indicators.tone_index,
        indicators.authors,
        indicators.engagement,
        indicators.reach
    from indicators
    left join akims
        on akims.person_id = indicators.person_id

)

select * from final

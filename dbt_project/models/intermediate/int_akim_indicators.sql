{#- The seven indicators per tenure x period over eligible mentions: over the tenure's own days
    (indicator_scope 'tenure'), or, for the tenure a region is ranked under in a year, over every
    eligible mention of that region in the year (indicator_scope 'region'). Computed from the
    mentions (per-author contributions, int_author_contributions), never summed from shorter
    periods. -#}
with tenure_periods as (

    select * from {{ ref('int_tenure_periods') }}

),

contributions as (

    select * from {{ ref('int_author_contributions') }}

),

sums as (

    select
        period_kind,
        period,
        tenure_id,
{{ weighted_indicator_sums() }}
    from contributions
    group by period_kind, period, tenure_id

),

final as (

    select
        tenure_periods.period_kind,
        tenure_periods.period,
        tenure_periods.tenure_id,
        tenure_periods.person_id,
        tenure_periods.region_code,
        tenure_periods.tenure_start_date,
        tenure_periods.tenure_end_date,
        tenure_periods.overlap_start,
        tenure_periods.overlap_end,
        tenure_periods.overlap_days,
        tenure_periods.period_days,
        tenure_periods.is_ranked,
        tenure_periods.not_ranked_reason_code,
        tenure_periods.not_ranked_reason,
        tenure_periods.indicator_scope,
        cast(coalesce(sums.mentions, 0) as bigint)      as mentions,
        cast(coalesce(sums.positive, 0) as bigint)      as positive,
        cast(coalesce(sums.negative, 0) as bigint)      as negative,
{{ tone_index('sums.positive', 'sums.negative') }}                                              as tone_index,
        cast(coalesce(sums.authors, 0) as bigint)       as authors,
        cast(coalesce(sums.engagement, 0) as bigint)    as engagement,
        cast(coalesce(sums.reach, 0) as bigint)         as reach
    from tenure_periods
    left join sums
        on sums.period_kind = tenure_periods.period_kind
        and sums.period = tenure_periods.period
        and sums.tenure_id = tenure_periods.tenure_id

)

select * from final

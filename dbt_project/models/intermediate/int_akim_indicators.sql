{#- The seven indicators per tenure x period over eligible mentions: over the tenure's own days
    (indicator_scope 'tenure'), or, for the tenure a region is ranked under in a year, over every
    eligible mention of that region in the year (indicator_scope 'region'). Computed from the
    mentions, never summed from shorter periods. -#}
with tenure_periods as (

    select * from {{ ref('int_tenure_periods') }}

),

eligible as (

    select * from {{ ref('int_mention_eligibility') }}
    where status = 'eligible'

),

-- a tenure's own mentions (indicator_scope 'tenure') and a region's mentions (scope 'region'),
-- each joined on its own key: one equi-join per scope
-- one CTE per indicator scope (tenure / region), each an equi-join DuckDB can hash; one join
-- with `tenure_id = ... or region_code = ...` was a nested-loop join over every mention
tenure_scope_matches as (

    select
        tenure_periods.period_kind,
        tenure_periods.period,
        tenure_periods.tenure_id,
        eligible.mention_key,
        eligible.author_id,
        eligible.author_followers,
        eligible.sentiment,
        eligible.engagement
    from tenure_periods
    inner join eligible
        on eligible.tenure_id = tenure_periods.tenure_id
        and eligible.local_date >= tenure_periods.scope_start
        and eligible.local_date <= tenure_periods.scope_end
    where tenure_periods.indicator_scope = 'tenure'

),

region_scope_matches as (

    select
        tenure_periods.period_kind,
        tenure_periods.period,
        tenure_periods.tenure_id,
        eligible.mention_key,
        eligible.author_id,
        eligible.author_followers,
        eligible.sentiment,
        eligible.engagement
    from tenure_periods
    inner join eligible
        on eligible.region_code = tenure_periods.region_code
        and eligible.local_date >= tenure_periods.scope_start
        and eligible.local_date <= tenure_periods.scope_end
    where tenure_periods.indicator_scope = 'region'

),

matched as (

    select distinct * from tenure_scope_matches
    union all
    select distinct * from region_scope_matches

),

counts as (

    select
        period_kind,
        period,
        tenure_id,
        count(*)                                                    as mentions,
        sum(case when sentiment = 'positive' then 1 else 0 end)     as positive,
        sum(case when sentiment = 'negative' then 1 else 0 end)     as negative,
        count(distinct author_id)                                   as authors,
        sum(engagement)                                             as engagement
    from matched
    group by period_kind, period, tenure_id

),

author_followers as (

    select
        period_kind,
        period,
        tenure_id,
        author_id,
        max(coalesce(author_followers, 0)) as followers
    from matched
    group by period_kind, period, tenure_id, author_id

),

reach as (

    select
        period_kind,
        period,
        tenure_id,
        sum(followers) as reach
    from author_followers
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
        cast(coalesce(counts.mentions, 0) as bigint)    as mentions,
        cast(coalesce(counts.positive, 0) as bigint)    as positive,
        cast(coalesce(counts.negative, 0) as bigint)    as negative,
        case
            when coalesce(counts.positive, 0) + coalesce(counts.negative, 0) = 0 then 0.0
            else cast(counts.positive - counts.negative as double)
                / cast(counts.positive + counts.negative as double)
        end                                              as tone_index,
        cast(coalesce(counts.authors, 0) as bigint)     as authors,
        cast(coalesce(counts.engagement, 0) as bigint)  as engagement,
        cast(coalesce(reach.reach, 0) as bigint)        as reach
    from tenure_periods
    left join counts
        on counts.period_kind = tenure_periods.period_kind
        and counts.period = tenure_periods.period
        and counts.tenure_id = tenure_periods.tenure_id
    left join reach
        on reach.period_kind = tenure_periods.period_kind
        and reach.period = tenure_periods.period
        and reach.tenure_id = tenure_periods.tenure_id

)

select * from final

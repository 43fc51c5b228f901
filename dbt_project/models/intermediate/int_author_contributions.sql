{#- Each author's contribution to a tenure's indicators in a period: the eligible mentions in
    the tenure's indicator scope (its own days, or for the tenure a region is ranked under in a
    year every eligible mention of the region in the year; a mention naming two akims of one
    region counts once there), summed per author. The seven indicators are sums over these rows
    (macro weighted_indicator_sums): the published ranking weighs every author 1, the resamples
    behind the rank intervals weigh each author by the times it is drawn. -#}
with tenure_periods as (

    select * from {{ ref('int_tenure_periods') }}

),

eligible as (

    select * from {{ ref('int_mention_eligibility') }}
    where status = 'eligible'

),

-- a tenure's own mentions (indicator_scope 'tenure') and a region's mentions (scope 'region'):
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

contributions as (

    select
        period_kind,
        period,
        tenure_id,
        author_id,
        cast(count(*) as bigint)                                                as mentions,
        cast(sum(case when sentiment = 'positive' then 1 else 0 end) as bigint) as positive,
        cast(sum(case when sentiment = 'negative' then 1 else 0 end) as bigint) as negative,
        cast(case when author_id is null then 0 else 1 end as bigint)           as is_author,
        cast(sum(engagement) as bigint)                                         as engagement,
        cast(max(coalesce(author_followers, 0)) as bigint)                      as followers
    from matched
    group by period_kind, period, tenure_id, author_id

)

select * from contributions

{#- What is reported beside each period's ranking: mentions read, eligible, excluded by each
    rule (per mention x person), tenures ranked and not ranked, completeness. -#}
with periods as (

    select * from {{ ref('int_periods') }}

),

mentions as (

    select * from {{ ref('stg_warehouse__mentions') }}

),

eligibility as (

    select * from {{ ref('int_mention_eligibility') }}

),

indicators as (

    select * from {{ ref('int_akim_indicators') }}

),

read_counts as (

    select
        periods.period_kind,
        periods.period,
        count(distinct mentions.mention_key) as mentions_read
    from periods
    inner join mentions
        on mentions.local_date >= periods.period_start
        and mentions.local_date <= periods.period_end
    group by periods.period_kind, periods.period

),

status_counts as (

    select
        periods.period_kind,
        periods.period,
        sum(case when eligibility.status = 'eligible' then 1 else 0 end)          as eligible,
        sum(case when eligibility.status = 'no_akim' then 1 else 0 end)           as excluded_no_akim,
        sum(case when eligibility.status = 'official_author' then 1 else 0 end)   as excluded_official_author,
        sum(case when eligibility.status = 'official_reshare' then 1 else 0 end)  as excluded_official_reshare,
        sum(case when eligibility.status = 'out_of_tenure' then 1 else 0 end)     as excluded_out_of_tenure,
        sum(case when eligibility.status = 'duplicate' then 1 else 0 end)         as excluded_duplicate
    from periods
    inner join eligibility
        on eligibility.local_date >= periods.period_start
        and eligibility.local_date <= periods.period_end
    group by periods.period_kind, periods.period

),

tenure_counts as (

    select
        period_kind,
        period,
        sum(case when is_ranked then 1 else 0 end)     as tenures_ranked,
        sum(case when is_ranked then 0 else 1 end)     as tenures_not_ranked
    from indicators
    group by period_kind, period

),

final as (

    select
        periods.period_kind,
        periods.period,
        periods.period_start,
        periods.period_end,
        periods.day_count,
        periods.loaded_days,
        periods.is_complete,
        periods.last_data_date,
        cast(coalesce(read_counts.mentions_read, 0) as bigint)                 as mentions_read,
        cast(coalesce(status_counts.eligible, 0) as bigint)                    as eligible,
        cast(coalesce(status_counts.excluded_no_akim, 0) as bigint)            as excluded_no_akim,
        cast(coalesce(status_counts.excluded_official_author, 0) as bigint)    as excluded_official_author,
        cast(coalesce(status_counts.excluded_official_reshare, 0) as bigint)   as excluded_official_reshare,
        cast(coalesce(status_counts.excluded_out_of_tenure, 0) as bigint)      as excluded_out_of_tenure,
        cast(coalesce(status_counts.excluded_duplicate, 0) as bigint)          as excluded_duplicate,
        cast(coalesce(tenure_counts.tenures_ranked, 0) as bigint)              as tenures_ranked,
        cast(coalesce(tenure_counts.tenures_not_ranked, 0) as bigint)          as tenures_not_ranked,
        '{{ var("methodology_version") }}'                                     as methodology_version
    from periods
    left join read_counts
        on read_counts.period_kind = periods.period_kind
        and read_counts.period = periods.period
    left join status_counts
        on status_counts.period_kind = periods.period_kind
        and status_counts.period = periods.period
    left join tenure_counts
        on tenure_counts.period_kind = periods.period_kind
        and tenure_counts.period = periods.period

)

select * from final

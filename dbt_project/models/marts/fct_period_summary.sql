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

-- per day first (a mention has one local date), then per period: the periods overlap (a week lies
-- in its half-year and year), so the mention-sized tables are read once, not once per period
daily_reads as (

    select
        local_date,
        count(distinct mention_key) as mentions_read
    from mentions
    group by local_date

),

read_counts as (

    select
        periods.period_kind,
        periods.period,
        sum(daily_reads.mentions_read) as mentions_read
    from periods
    inner join daily_reads
        on daily_reads.local_date >= periods.period_start
        and daily_reads.local_date <= periods.period_end
    group by periods.period_kind, periods.period

),

daily_statuses as (

    select
        local_date,
        sum(case when status = 'eligible' then 1 else 0 end)          as eligible,
        sum(case when status = 'no_akim' then 1 else 0 end)           as excluded_no_akim,
        sum(case when status = 'official_author' then 1 else 0 end)   as excluded_official_author,
        sum(case when status = 'official_reshare' then 1 else 0 end)  as excluded_official_reshare,
        sum(case when status = 'out_of_tenure' then 1 else 0 end)     as excluded_out_of_tenure,
        sum(case when status = 'duplicate' then 1 else 0 end)         as excluded_duplicate
    from eligibility
    group by local_date

),

status_counts as (

    select
        periods.period_kind,
        periods.period,
        sum(daily_statuses.eligible)                   as eligible,
        sum(daily_statuses.excluded_no_akim)           as excluded_no_akim,
        sum(daily_statuses.excluded_official_author)   as excluded_official_author,
        sum(daily_statuses.excluded_official_reshare)  as excluded_official_reshare,
        sum(daily_statuses.excluded_out_of_tenure)     as excluded_out_of_tenure,
        sum(daily_statuses.excluded_duplicate)         as excluded_duplicate
    from periods
    inner join daily_statuses
        on daily_statuses.local_date >= periods.period_start
        and daily_statuses.local_date <= periods.period_end
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

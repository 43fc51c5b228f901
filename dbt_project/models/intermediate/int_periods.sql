{#- Every loaded week, and every half-year and year touching a loaded week, with its dates,
    day count, loaded days, completeness and the last date with data. -#}
with loaded_weeks as (

    select distinct week_start from {{ ref('stg_warehouse__loaded_weeks') }}

),

week_spans as (

    select
        week_start,
        {{ add_days(6, 'week_start') }} as week_end
    from loaded_weeks

),

touched_dates as (

    select week_start as touched_date from week_spans
    union
    select week_end as touched_date from week_spans

),

touched_years as (

    select distinct
        cast(extract(year from touched_date) as integer)                     as period_year,
        case when extract(month from touched_date) <= 6 then 1 else 2 end    as half
    from touched_dates

),

weeks as (

    select
        'week'                             as period_kind,
        {{ iso_week_label('week_start') }} as period,
        week_start                         as period_start,
        week_end                           as period_end
    from week_spans

),

half_years as (

    select
        'half_year'                                                             as period_kind,
        cast(period_year as varchar) || '-H' || cast(half as varchar)           as period,
        cast(cast(period_year as varchar) || case when half = 1 then '-01-01' else '-07-01' end as date) as period_start,
        cast(cast(period_year as varchar) || case when half = 1 then '-06-30' else '-12-31' end as date) as period_end
    from touched_years

),

years as (

    select distinct
        'year'                                                  as period_kind,
        cast(period_year as varchar)                            as period,
        cast(cast(period_year as varchar) || '-01-01' as date)  as period_start,
        cast(cast(period_year as varchar) || '-12-31' as date)  as period_end
    from touched_years

),

all_periods as (

    select * from weeks
    union all
    select * from half_years
    union all
    select * from years

),

loaded_overlap as (

    select
        all_periods.period_kind,
        all_periods.period,
        -- day counts as bigint on every target (a date difference is an integer on PostgreSQL),
        -- so their sum is DuckDB's hugeint and PostgreSQL's numeric
        sum(
            cast({{ days_inclusive('greatest(week_spans.week_start, all_periods.period_start)',
                                   'least(week_spans.week_end, all_periods.period_end)') }} as bigint)
        )                                                            as loaded_days,
        min(greatest(week_spans.week_start, all_periods.period_start)) as first_data_date,
        max(least(week_spans.week_end, all_periods.period_end))       as last_data_date
    from all_periods
    inner join week_spans
        on week_spans.week_start <= all_periods.period_end
        and week_spans.week_end >= all_periods.period_start
    group by all_periods.period_kind, all_periods.period

),

final as (

    select
        all_periods.period_kind,
        all_periods.period,
        all_periods.period_start,
        all_periods.period_end,
        cast({{ days_inclusive('all_periods.period_start', 'all_periods.period_end') }} as bigint) as day_count,
        loaded_overlap.loaded_days,
        loaded_overlap.loaded_days
            = {{ days_inclusive('all_periods.period_start', 'all_periods.period_end') }} as is_complete,
        loaded_overlap.first_data_date,
        loaded_overlap.last_data_date,
        -- the date whose akim a year is ranked under: 31 December, or the last date with data
        loaded_overlap.last_data_date                                 as reference_date
    from all_periods
    inner join loaded_overlap
        on loaded_overlap.period_kind = all_periods.period_kind
        and loaded_overlap.period = all_periods.period

)

select * from final

{#- For half-years and years: how many weekly first places each akim took. A week belongs to
    the half-year and year containing its Thursday (as ISO weeks do); the report picks the weeks
    it draws for a half-year or year by the same rule (tests/test_report.py proves they agree). -#}
with ranking as (

    select * from {{ ref('fct_akim_ranking') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

week_periods as (

    select period, period_start from periods
    where period_kind = 'week'

),

winners as (

    select
        ranking.period                               as week,
        ranking.person_id,
        ranking.akim_name,
        {{ add_days(3, 'week_periods.period_start') }} as week_thursday
    from ranking
    inner join week_periods
        on week_periods.period = ranking.period
    where ranking.period_kind = 'week'
        and ranking.rank = 1

),

long_periods as (

    select period_kind, period, period_start, period_end
    from periods
    where period_kind in ('half_year', 'year')

),

final as (

    select
        long_periods.period_kind,
        long_periods.period,
        winners.person_id,
        winners.akim_name,
        cast(count(*) as bigint)   as weeks_won,
        min(winners.week)          as first_week_won,
        max(winners.week)          as last_week_won
    from long_periods
    inner join winners
        on winners.week_thursday >= long_periods.period_start
        and winners.week_thursday <= long_periods.period_end
    group by long_periods.period_kind, long_periods.period, winners.person_id, winners.akim_name

)

select * from final

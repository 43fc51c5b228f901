{{ config(meta={"dagster": {"ref": {"name": "fct_rank_intervals"}}}) }}
-- Every ranked row of fct_akim_ranking has its interval row and no other row exists; bounds are
-- present and lie in 1..N with rank_low <= rank_high; p_above_next is a probability, NULL exactly on the last
-- place; every row counts the configured replicates. Returns the offending rows.
with ranking as (

    select period_kind, period, tenure_id, rank
    from {{ ref('fct_akim_ranking') }}
    where is_ranked

),

intervals as (

    select * from {{ ref('fct_rank_intervals') }}

),

field_sizes as (

    select period_kind, period, count(*) as ranked_count
    from ranking
    group by period_kind, period

),

missing_or_extra as (

    select coalesce(ranking.period, intervals.period) as period, 'missing or extra row' as problem
    from ranking
    full outer join intervals
        on intervals.period_kind = ranking.period_kind
        and intervals.period = ranking.period
        and intervals.tenure_id = ranking.tenure_id
        and intervals.rank = ranking.rank
    where ranking.tenure_id is null or intervals.tenure_id is null

),

bad_values as (

    select intervals.period, 'bounds, probability or replicate count out of place' as problem
    from intervals
    inner join field_sizes
        on field_sizes.period_kind = intervals.period_kind
        and field_sizes.period = intervals.period
    where intervals.rank_low is null
        or intervals.rank_high is null
        or intervals.replicates is null
        or intervals.person_id is null
        or intervals.rank_low < 1
        or intervals.rank_high > field_sizes.ranked_count
        or intervals.rank_low > intervals.rank_high
        or intervals.p_above_next < 0
        or intervals.p_above_next > 1
        or (intervals.p_above_next is null) <> (intervals.rank = field_sizes.ranked_count)
        or intervals.replicates <> {{ var('rank_interval_replicates') }}

)

select * from missing_or_extra
union all
select * from bad_values

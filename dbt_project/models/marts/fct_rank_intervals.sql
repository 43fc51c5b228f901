{#- How sure each published place is: for every ranked row of fct_akim_ranking, the 5 %-95 %
    interval of the akim's place over the period's resamples (int_rank_replicates: the eligible
    mentions resampled by author, same rules) and the probability that the akim is placed above
    the akim published one place lower. rank_low is the best plausible place (the smaller
    number), rank_high the worst; both are discrete quantiles (percentile_disc) of the
    replicate places. -#}
with published as (

    select period_kind, period, rank, person_id, akim_name, region_code, tenure_id
    from {{ ref('fct_akim_ranking') }}
    where is_ranked

),

replicate_places as (

    select * from {{ ref('int_rank_replicates') }}

),

place_bounds as (

    select
        period_kind,
        period,
        tenure_id,
        percentile_disc(0.05) within group (order by rank) as rank_low,
        percentile_disc(0.95) within group (order by rank) as rank_high,
        count(*)                                            as replicates
    from replicate_places
    group by period_kind, period, tenure_id

),

neighbours as (

    select
        published.*,
        lead(published.tenure_id) over (
            partition by published.period_kind, published.period order by published.rank
        ) as next_tenure_id
    from published

),

pair_orders as (

    select
        neighbours.period_kind,
        neighbours.period,
        neighbours.tenure_id,
        avg(case when own_places.rank < next_places.rank then 1.0 else 0.0 end) as p_above_next
    from neighbours
    inner join replicate_places as own_places
        on own_places.period_kind = neighbours.period_kind
        and own_places.period = neighbours.period
        and own_places.tenure_id = neighbours.tenure_id
    inner join replicate_places as next_places
        on next_places.period_kind = own_places.period_kind
        and next_places.period = own_places.period
        and next_places.replicate = own_places.replicate
        and next_places.tenure_id = neighbours.next_tenure_id
    group by neighbours.period_kind, neighbours.period, neighbours.tenure_id

),

final as (

    select
        published.period_kind,
        published.period,
        published.rank,
        published.person_id,
        published.akim_name,
        published.region_code,
        published.tenure_id,
        cast(place_bounds.rank_low as integer)      as rank_low,
        cast(place_bounds.rank_high as integer)     as rank_high,
        cast(pair_orders.p_above_next as double precision) as p_above_next,
        cast(place_bounds.replicates as integer)    as replicates
    from published
    left join place_bounds
        on place_bounds.period_kind = published.period_kind
        and place_bounds.period = published.period
        and place_bounds.tenure_id = published.tenure_id
    left join pair_orders
        on pair_orders.period_kind = published.period_kind
        and pair_orders.period = published.period
        and pair_orders.tenure_id = published.tenure_id

)

select * from final

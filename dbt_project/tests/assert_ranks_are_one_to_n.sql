-- Ranked rows of each period are numbered 1..N without gaps or repeats, and score is the sum
-- of the seven points; not-ranked rows carry no rank. Returns the offending periods.
with ranking as (

    select * from {{ ref('fct_akim_ranking') }}

),

per_period as (

    select
        period,
        count(*)                       as ranked_count,
        count(distinct rank)           as distinct_ranks,
        min(rank)                      as min_rank,
        max(rank)                      as max_rank,
        sum(case when score <> mentions_points + positive_points + negative_points + tone_index_points
                              + authors_points + engagement_points + reach_points then 1 else 0 end) as bad_scores
    from ranking
    where is_ranked
    group by period

),

unranked_with_rank as (

    select period from ranking where not is_ranked and rank is not null

)

select period from per_period
where distinct_ranks <> ranked_count or min_rank <> 1 or max_rank <> ranked_count or bad_scores > 0
union all
select period from unranked_with_rank

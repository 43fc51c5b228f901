-- At most one ranked tenure per region and period (weeks: >= 4 of 7 days; half-years: more
-- than half; years: region-based).
select period, region_code, count(*) as ranked_tenures
from {{ ref('fct_akim_ranking') }}
where is_ranked
group by period, region_code
having count(*) > 1

{#- The settings (dbt vars) used to build the rankings, one row each, printed with every ranking. -#}
with settings as (

    select 'methodology_version' as setting, '{{ var("methodology_version") }}' as value,
           'version of the rating rules implemented' as description
    union all
    select 'min_tenure_share', '{{ var("min_tenure_share") }}',
           'half-year: a tenure is ranked when it covers more than this share of the period''s days'
    union all
    select 'weekly_min_days', '{{ var("weekly_min_days") }}',
           'week: a tenure is ranked when it covers at least this many of the 7 days'
    union all
    select 'include_cities', '{{ var("include_cities") | string | lower }}',
           'whether the three cities (region_kind city) are rated beside the oblasts'
    union all
    select 'timezone', '{{ var("timezone") }}',
           'time zone of the calendar dates (local_date, computed with tz history)'
    union all
    select 'rank_interval_replicates', '{{ var("rank_interval_replicates") }}',
           'rank intervals: resamples of each period''s eligible mentions by author'
    union all
    select 'rank_interval_seed', '{{ var("rank_interval_seed") }}',
           'rank intervals: seed of the resamples (same seed and data, same intervals)'

)

select setting, value, description from settings

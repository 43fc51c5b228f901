{#- PostgreSQL versions of the rating's dispatched macros (macros/rankings.sql). -#}

{#- tone_index: (positive - negative) / (positive + negative) as a double, 0 when both are 0
    (PostgreSQL has no type named `double`). -#}
{% macro postgres__tone_index(positive, negative) -%}
        case
            when coalesce({{ positive }}, 0) + coalesce({{ negative }}, 0) = 0 then 0.0
            else cast({{ positive }} - {{ negative }} as double precision)
                / cast({{ positive }} + {{ negative }} as double precision)
        end
{%- endmacro %}

{#- poisson_draws: the number of thresholds at or below `uniform32` (width_bucket), the same
    draw as the default's chain of `when uniform32 < threshold`. PostgreSQL inlines the CTEs of
    int_rank_replicates' hash, so each `when` would compute the whole hash again: width_bucket
    computes it once. -#}
{% macro postgres__poisson_draws(uniform32) -%}
        width_bucket({{ uniform32 }}, array[{{ poisson_draw_thresholds() | join(', ') }}]::bigint[])
{%- endmacro %}

{#- rank_replicates_planner_settings: no nested-loop joins while int_rank_replicates builds (set
    local: this transaction only). PostgreSQL cannot estimate the rows of the model's CTEs (it
    guesses one), so it joins them by nested loop: on the demo 209,000 replicate places x 418
    entries, a cost that grows with the square of the warehouse. With hash and merge joins (and
    postgres__poisson_draws) the demo's model builds in about 35 s instead of 60 s. -#}
{% macro postgres__rank_replicates_planner_settings() -%}
    set local enable_nestloop = off
{%- endmacro %}

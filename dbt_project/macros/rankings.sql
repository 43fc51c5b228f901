{#- The rating's arithmetic, written once and used by the published ranking and by the
    resamples behind its rank intervals (int_akim_indicators / fct_akim_ranking and
    int_rank_replicates): the seven indicators from per-author contributions, and the tournament
    table. -#}

{#- The six summed indicators over author contributions (int_author_contributions rows), each
    author's contribution multiplied by `weight` (1 for the published ranking; the author's draw
    count in a resample, so an author drawn twice counts as two authors). tone_index follows from
    positive and negative (macro tone_index). -#}
{% macro weighted_indicator_sums(weight='1') -%}
        sum({{ weight }} * mentions)      as mentions,
        sum({{ weight }} * positive)      as positive,
        sum({{ weight }} * negative)      as negative,
        sum({{ weight }} * is_author)     as authors,
        sum({{ weight }} * engagement)    as engagement,
        sum({{ weight }} * followers)     as reach
{%- endmacro %}

{#- (positive - negative) / (positive + negative); 0 when both are 0. -#}
{% macro tone_index(positive, negative) -%}
        case
            when coalesce({{ positive }}, 0) + coalesce({{ negative }}, 0) = 0 then 0.0
            else cast({{ positive }} - {{ negative }} as double)
                / cast({{ positive }} + {{ negative }} as double)
        end
{%- endmacro %}

{#- The tournament table as CTEs over `entries` (a CTE of ranked rows carrying the seven
    indicators, person_id and region_code), partitioned by `partition_by` (a list of columns):
    each indicator gives N + 1 - r points (r = rank(), ties share the best place; negative:
    fewer is better; tone_index unrounded); score = the sum of the seven; rank = row_number by
    score desc, tone_index desc, mentions desc, person_id asc, region_code asc. The last CTE,
    `ordered`, holds entries.* with ranked_count, the seven *_place and *_points, score, rank. -#}
{% macro tournament_ctes(entries, partition_by) -%}
{%- set partition = partition_by | join(', ') -%}
{%- set better = {'mentions': 'desc', 'positive': 'desc', 'negative': 'asc', 'tone_index': 'desc',
                   'authors': 'desc', 'engagement': 'desc', 'reach': 'desc'} -%}
field_sizes as (

    select {{ partition }}, count(*) as ranked_count
    from {{ entries }}
    group by {{ partition }}

),

places as (

    select
        {{ entries }}.*,
        field_sizes.ranked_count,
        {%- for indicator, direction in better.items() %}
        rank() over (partition by {% for column in partition_by %}{{ entries }}.{{ column }}{{ ", " if not loop.last }}{% endfor %} order by {{ entries }}.{{ indicator }} {{ direction }}) as {{ indicator }}_place{{ "," if not loop.last }}
        {%- endfor %}
    from {{ entries }}
    inner join field_sizes
        on {% for column in partition_by %}field_sizes.{{ column }} = {{ entries }}.{{ column }}{{ " and " if not loop.last }}{% endfor %}

),

points as (

    select
        places.*,
        {%- for indicator in better %}
        ranked_count + 1 - {{ indicator }}_place as {{ indicator }}_points{{ "," if not loop.last }}
        {%- endfor %}
    from places

),

scored as (

    select
        points.*,
        {% for indicator in better %}{{ indicator }}_points{{ " + " if not loop.last }}{% endfor %} as score
    from points

),

ordered as (

    select
        scored.*,
        row_number() over (
            partition by {{ partition }}
            order by score desc, tone_index desc, mentions desc, person_id asc, region_code asc
        ) as rank
    from scored

)
{%- endmacro %}

{#- Resampling by author (int_rank_replicates). An author's 32-bit stream key: the first 8 hex
    digits of md5('<seed>|<period_kind>|<period>|<author_id>') as an integer. The same on every
    target and in Python: int(hashlib.md5(...).hexdigest()[:8], 16). -#}
{% macro author_stream_key(period_kind, period, author_id) -%}
    {{ return(adapter.dispatch('author_stream_key')(period_kind, period, author_id)) }}
{%- endmacro %}

{% macro default__author_stream_key(period_kind, period, author_id) -%}
    cast(('0x' || substr(md5(concat_ws('|', '{{ var("rank_interval_seed") }}', {{ period_kind }}, {{ period }}, {{ author_id }})), 1, 8)) as bigint)
{%- endmacro %}

{% macro postgres__author_stream_key(period_kind, period, author_id) -%}
    ('x' || substr(md5(concat_ws('|', '{{ var("rank_interval_seed") }}', {{ period_kind }}, {{ period }}, {{ author_id }})), 1, 8))::bit(32)::bigint
{%- endmacro %}

{% macro bitwise_xor(left, right) -%}
    {{ return(adapter.dispatch('bitwise_xor')(left, right)) }}
{%- endmacro %}

{% macro default__bitwise_xor(left, right) -%}
    xor({{ left }}, {{ right }})
{%- endmacro %}

{% macro postgres__bitwise_xor(left, right) -%}
    ({{ left }} # {{ right }})
{%- endmacro %}

{#- The steps of a 32-bit integer mix of the author's key and the replicate number, each a
    column of its own CTE in int_rank_replicates (nesting them would repeat sub-expressions):
    seed_mix = key xor (replicate * 0x9E3779B1 mod 2^32), then xorshift 16, multiply by
    0x7FEB352D, xorshift 15, multiply by 0x31848BAB, xorshift 16 (multipliers below 2^31, so
    every product fits a signed 64-bit integer on any target). tests/test_rank_intervals.py
    does the same arithmetic in Python. -#}
{% macro replicate_seed_mix(stream_key, replicate) -%}
    {{ bitwise_xor(stream_key, '((' ~ replicate ~ ' * 2654435761) & 4294967295)') }}
{%- endmacro %}

{% macro xorshift_right(value, bits) -%}
    {{ bitwise_xor(value, '(' ~ value ~ ' >> ' ~ bits ~ ')') }}
{%- endmacro %}

{% macro multiply_mod32(value, multiplier) -%}
    (({{ value }} * {{ multiplier }}) & 4294967295)
{%- endmacro %}

{#- How many times the author is drawn in the replicate: a Poisson(1) draw by the inverse CDF of
    `uniform32` / 2^32 (thresholds round(P(X <= k) * 2^32), k = 0..7; 8 beyond, P < 1e-5). -#}
{% macro poisson_draws(uniform32) -%}
        case
            when {{ uniform32 }} < 1580030169 then 0
            when {{ uniform32 }} < 3160060337 then 1
            when {{ uniform32 }} < 3950075422 then 2
            when {{ uniform32 }} < 4213413783 then 3
            when {{ uniform32 }} < 4279248374 then 4
            when {{ uniform32 }} < 4292415292 then 5
            when {{ uniform32 }} < 4294609778 then 6
            when {{ uniform32 }} < 4294923276 then 7
            else 8
        end
{%- endmacro %}

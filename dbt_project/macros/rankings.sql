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

{#- (positive - negative) / (positive + negative); 0 when both are 0. The default (DuckDB) SQL is
    also rendered into int_rank_replicates' inputs_fingerprint, so it stays as it is; PostgreSQL's
    (macros/postgres/rankings.sql) names the type `double precision`. -#}
{% macro tone_index(positive, negative) -%}
    {{ return(adapter.dispatch('tone_index', 'akims')(positive, negative)) }}
{%- endmacro %}

{% macro default__tone_index(positive, negative) -%}
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
            order by score desc, tone_index desc, mentions desc, {{ text_byte_order('person_id') }} asc, {{ text_byte_order('region_code') }} asc
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
    `uniform32` / 2^32 (thresholds round(P(X <= k) * 2^32), k = 0..7; 8 beyond, P < 1e-5).
    PostgreSQL's (macros/postgres/rankings.sql) gives the same draws. -#}
{% macro poisson_draws(uniform32) -%}
    {{ return(adapter.dispatch('poisson_draws', 'akims')(uniform32)) }}
{%- endmacro %}

{#- The thresholds of poisson_draws, round(P(X <= k) * 2^32) for k = 0..7. -#}
{% macro poisson_draw_thresholds() -%}
    {{ return([1580030169, 3160060337, 3950075422, 4213413783, 4279248374, 4292415292, 4294609778, 4294923276]) }}
{%- endmacro %}

{% macro default__poisson_draws(uniform32) -%}
        case
            {%- for threshold in poisson_draw_thresholds() %}
            when {{ uniform32 }} < {{ threshold }} then {{ loop.index0 }}
            {%- endfor %}
            else {{ poisson_draw_thresholds() | length }}
        end
{%- endmacro %}

{#- Session settings for building int_rank_replicates (its pre-hook, in
    _intermediate__models.yml): none on DuckDB; PostgreSQL's are in macros/postgres/rankings.sql. -#}
{% macro rank_replicates_planner_settings() -%}
    {{ return(adapter.dispatch('rank_replicates_planner_settings', 'akims')()) }}
{%- endmacro %}

{% macro default__rank_replicates_planner_settings() -%}
{%- endmacro %}

{#- int_rank_replicates is incremental by period: a period's resamples are rebuilt only when its
    inputs changed. CTEs ending in `period_fingerprints` (period_kind, period, period_key,
    inputs_fingerprint): per ranked period, a fingerprint of its ranked tenures, their authors'
    contributions, the settings and the SQL that turns them into places (the model's code and the
    macros it renders), so any change there rebuilds the period. -#}
{% macro rank_replicate_fingerprint_ctes() -%}
{%- set method = [var('rank_interval_seed'), var('rank_interval_replicates'), model.raw_code,
                  weighted_indicator_sums('w'), tone_index('p', 'n'), tournament_ctes('e', ['k']),
                  author_stream_key('k', 'p', 'a'), replicate_seed_mix('s', 'r'), xorshift_right('m', 1),
                  multiply_mod32('m', 1), poisson_draws('u')] | join('#') -%}
fingerprint_tenures as (

    select period_kind, period, tenure_id, person_id, region_code
    from {{ ref('int_tenure_periods') }}
    where is_ranked

),

fingerprint_rows as (

    select
        fingerprint_tenures.period_kind,
        fingerprint_tenures.period,
        concat_ws('|', fingerprint_tenures.tenure_id, fingerprint_tenures.person_id,
                  fingerprint_tenures.region_code, contributions.author_id, contributions.mentions,
                  contributions.positive, contributions.negative, contributions.is_author,
                  contributions.engagement, contributions.followers) as fingerprint_row
    from fingerprint_tenures
    left join {{ ref('int_author_contributions') }} as contributions
        on contributions.period_kind = fingerprint_tenures.period_kind
        and contributions.period = fingerprint_tenures.period
        and contributions.tenure_id = fingerprint_tenures.tenure_id

),

period_fingerprints as (

    select
        period_kind,
        period,
        period_kind || '|' || period as period_key,
        md5(concat_ws('#', '{{ local_md5(method) }}', {{ unordered_fingerprint('fingerprint_row') }})) as inputs_fingerprint
    from fingerprint_rows
    group by period_kind, period

)
{%- endmacro %}

{#- An order-independent fingerprint of a group's rows (each row distinct): DuckDB xors 64-bit
    hashes (fast; its hash may change between DuckDB versions, which only rebuilds every period
    once); elsewhere md5 of the sorted rows. -#}
{% macro unordered_fingerprint(row) -%}
    {{ return(adapter.dispatch('unordered_fingerprint')(row)) }}
{%- endmacro %}

{% macro default__unordered_fingerprint(row) -%}
    md5(string_agg({{ row }}, ';' order by {{ row }}))
{%- endmacro %}

{% macro duckdb__unordered_fingerprint(row) -%}
    cast(bit_xor(hash({{ row }})) as varchar) || ':' || cast(count(*) as varchar)
{%- endmacro %}

{#- The period_key of the ranked periods whose fingerprint differs from the one stored in the
    model (new periods included); all of them when the model is built from scratch. -#}
{% macro rank_replicate_periods_to_rebuild() -%}
    {{ return(query_strings("
        with " ~ rank_replicate_fingerprint_ctes() ~ ",
        stored as (
            select distinct period_key, inputs_fingerprint from " ~ this ~ "
        )
        select period_fingerprints.period_key
        from period_fingerprints
        left join stored
            on stored.period_key = period_fingerprints.period_key
            and stored.inputs_fingerprint = period_fingerprints.inputs_fingerprint
        where stored.period_key is null
        order by period_fingerprints.period_key
    ")) }}
{%- endmacro %}

{#- A list of strings as SQL literals; `null` (matches nothing) when empty. -#}
{% macro string_literals(values) -%}
    {%- for value in values %}'{{ value | replace("'", "''") }}'{{ ", " if not loop.last }}{% else %}null{% endfor -%}
{%- endmacro %}

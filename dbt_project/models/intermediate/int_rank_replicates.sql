{#- The resamples behind the rank intervals: for every period with a ranking, `rank_interval_replicates`
    replicates of its eligible mentions resampled by author (an author's mentions move together,
    so an account posting fifty times is one voice drawn or not, not fifty independent ones). Each replicate draws
    every author of the period a Poisson(1) number of times (the Poisson bootstrap: independent
    draws with the multinomial bootstrap's mean and variance), from a hash of the seed, the
    period, the author and the replicate, so a seed gives the same replicates on every run and
    target. The indicators are the same weighted sums (macro weighted_indicator_sums, an author
    drawn k times counting as k authors) over the same tenures ranked in the period, and the
    places come from the same tournament (macro tournament_ctes). One row per replicate and
    ranked tenure.

    Incremental by period (delete+insert on period_key): a run rebuilds only the periods whose
    inputs_fingerprint (macro rank_replicate_fingerprint_ctes: ranked tenures, contributions,
    settings, the SQL) changed, and drops periods no longer ranked; `--full-refresh` gives the
    same rows. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='period_key',
    on_schema_change='append_new_columns',
    post_hook="{% if is_incremental() %}delete from {{ this }} where period_key is null or period_key not in (select period_kind || '|' || period from {{ ref('int_tenure_periods') }} where is_ranked){% endif %}"
) }}
{%- set rebuild = rank_replicate_periods_to_rebuild() if incremental_ready('inputs_fingerprint') else none %}
{%- set carried = 'entry_number, mentions, positive, negative, is_author, engagement, followers' %}
with {{ rank_replicate_fingerprint_ctes() }},

-- the periods this run rebuilds, with integer keys: the replicates' aggregation and tournament
-- group by integers, not labels
ranked_periods as (

    select
        period_kind,
        period,
        period_key,
        inputs_fingerprint,
        row_number() over (order by period_kind, period) as period_number
    from period_fingerprints
    {%- if rebuild is not none %}
    where period_key in ({{ string_literals(rebuild) }})
    {%- endif %}

),

ranked_tenures as (

    select
        tenure_periods.period_kind,
        tenure_periods.period,
        tenure_periods.tenure_id,
        tenure_periods.person_id,
        tenure_periods.region_code
    from {{ ref('int_tenure_periods') }} as tenure_periods
    inner join ranked_periods
        on ranked_periods.period_kind = tenure_periods.period_kind
        and ranked_periods.period = tenure_periods.period
    where tenure_periods.is_ranked

),

ranked_entries as (

    select
        ranked_tenures.*,
        ranked_periods.period_number,
        row_number() over (order by ranked_tenures.period_kind, ranked_tenures.period, ranked_tenures.tenure_id)
            as entry_number
    from ranked_tenures
    inner join ranked_periods
        on ranked_periods.period_kind = ranked_tenures.period_kind
        and ranked_periods.period = ranked_tenures.period

),

period_authors as (

    select distinct contributions.period_kind, contributions.period, contributions.author_id
    from {{ ref('int_author_contributions') }} as contributions
    inner join ranked_periods
        on ranked_periods.period_kind = contributions.period_kind
        and ranked_periods.period = contributions.period

),

author_streams as (

    select
        period_kind,
        period,
        author_id,
        {{ author_stream_key('period_kind', 'period', 'author_id') }} as stream_key
    from period_authors

),

-- the ranked tenures' contributions, keyed by entry, with their author's stream key
contributions as materialized (

    select
        ranked_entries.entry_number,
        author_streams.stream_key,
        contributions.mentions,
        contributions.positive,
        contributions.negative,
        contributions.is_author,
        contributions.engagement,
        contributions.followers
    from {{ ref('int_author_contributions') }} as contributions
    inner join ranked_entries
        on ranked_entries.period_kind = contributions.period_kind
        and ranked_entries.period = contributions.period
        and ranked_entries.tenure_id = contributions.tenure_id
    inner join author_streams
        on author_streams.period_kind = contributions.period_kind
        and author_streams.period = contributions.period
        and author_streams.author_id = contributions.author_id

),

replicates as (

    select replicate
    from generate_series(1, {{ var('rank_interval_replicates') }}) as replicates(replicate)

),

-- how often each author is drawn in each replicate: a hash of (stream key, replicate), step by
-- step (macros/rankings.sql), then a Poisson(1) draw
mix_seeded as (

    select
        {{ carried }},
        replicates.replicate,
        {{ replicate_seed_mix('contributions.stream_key', 'replicates.replicate') }} as mix
    from contributions
    cross join replicates

),

mix_shifted as (

    select {{ carried }}, replicate, {{ xorshift_right('mix', 16) }} as mix
    from mix_seeded

),

mix_multiplied as (

    select {{ carried }}, replicate, {{ multiply_mod32('mix', 2146121005) }} as mix
    from mix_shifted

),

mix_reshifted as (

    select {{ carried }}, replicate, {{ xorshift_right('mix', 15) }} as mix
    from mix_multiplied

),

mix_remultiplied as (

    select {{ carried }}, replicate, {{ multiply_mod32('mix', 830770091) }} as mix
    from mix_reshifted

),

uniforms as (

    select {{ carried }}, replicate, {{ xorshift_right('mix', 16) }} as mix
    from mix_remultiplied

),

weighted_contributions as (

    select
        entry_number,
        replicate,
        {{ poisson_draws('mix') }} as draws,
        mentions,
        positive,
        negative,
        is_author,
        engagement,
        followers
    from uniforms

),

-- rows drawn 0 times are summed too: filtering them out costs more than adding zeros (measured)
replicate_sums as (

    select
        entry_number,
        replicate,
{{ weighted_indicator_sums('draws') }}
    from weighted_contributions
    group by entry_number, replicate

),

-- every ranked tenure in every replicate, with zeros where none of its authors was drawn
replicate_entries as (

    select
        ranked_entries.period_number,
        replicates.replicate,
        ranked_entries.entry_number,
        ranked_entries.person_id,
        ranked_entries.region_code,
        coalesce(replicate_sums.mentions, 0)     as mentions,
        coalesce(replicate_sums.positive, 0)     as positive,
        coalesce(replicate_sums.negative, 0)     as negative,
{{ tone_index('replicate_sums.positive', 'replicate_sums.negative') }} as tone_index,
        coalesce(replicate_sums.authors, 0)      as authors,
        coalesce(replicate_sums.engagement, 0)   as engagement,
        coalesce(replicate_sums.reach, 0)        as reach
    from ranked_entries
    cross join replicates
    left join replicate_sums
        on replicate_sums.entry_number = ranked_entries.entry_number
        and replicate_sums.replicate = replicates.replicate

),

{{ tournament_ctes('replicate_entries', ['period_number', 'replicate']) }},

final as (

    select
        ranked_entries.period_kind,
        ranked_entries.period,
        ranked_periods.period_key,
        ranked_periods.inputs_fingerprint,
        cast(ordered.replicate as integer)  as replicate,
        ranked_entries.tenure_id,
        ranked_entries.person_id,
        ranked_entries.region_code,
        cast(ordered.score as integer)      as score,
        cast(ordered.rank as integer)       as rank
    from ordered
    inner join ranked_entries
        on ranked_entries.entry_number = ordered.entry_number
    inner join ranked_periods
        on ranked_periods.period_number = ordered.period_number

)

select * from final

{#- One row per mention x named person (one row with a NULL person for a mention naming nobody),
    with the tenure the mention counts for and the first rule it fails, in the order
    no_akim, official_author, official_reshare, out_of_tenure, duplicate; else eligible.

    Incremental (delete+insert on mention_key). A run rebuilds (macros/incremental.sql)
    - the mentions stg_warehouse__mentions rebuilt since the last run (its built_at is later
      than the latest mentions_built_at here): whole changed weeks, and all mentions of an
      author whose id changed (rule 5 folds per author and week, so those groups stay whole);
    - whole weeks holding a mention whose official-reshare decision may change because an
      official post or text among those mentions appeared or disappeared (rule 3 looks across
      all weeks);
    - everything when the roster, the registry or the settings changed (reference_version).
    Official posts of the mentions not rebuilt are read back from this table. Mentions gone
    from stg_warehouse__mentions are deleted (post-hook). `dbt build --full-refresh` gives the
    same rows. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='mention_key',
    on_schema_change='append_new_columns',
    post_hook="{% if is_incremental() %}delete from {{ this }} where mention_key not in (select mention_key from {{ ref('stg_warehouse__mentions') }}){% endif %}"
) }}
{%- set incremental = incremental_ready('reference_version') %}
{%- set scope = eligibility_scope() if incremental else {'full': true} %}
{%- set partial = incremental and not scope.full %}
-- depends_on: {{ ref('stg_warehouse__mentions') }}

with all_mentions as (

    select * from {{ ref('int_mentions_normalised') }}

),

-- the registry's matching key, the rule of assets/classification/authors.py account_key: ids
-- compared case-insensitively (Telegram/Instagram/X handles and VK screen names have no case;
-- numeric ids none either), spaces already stripped where ids are loaded, '@' part of the id
accounts as (

    select distinct
        lower(platform)  as platform,
        lower(author_id) as account_key
    from {{ ref('stg_reference__official_accounts') }}

),

rated_tenures as (

    select * from {{ ref('int_tenures') }}
    where is_rated

),

{{ eligibility_reference_version_ctes() }},

{% if partial %}
-- an incremental run (see the header): the mentions to rebuild, and the official posts of the
-- others read back from this table
mentions as (

    select * from all_mentions
    where built_at > cast('{{ scope.watermark }}' as timestamp)
        {% if scope.affected_weeks %}or week_start in ({{ date_literals(scope.affected_weeks) }}){% endif %}

),

built_official_posts as (

    select distinct mention_key, platform, mention_id, normalised_text
    from {{ this }}
    where is_official_author

),

current_mention_keys as (

    select mention_key from {{ ref('stg_warehouse__mentions') }}

),

-- still loaded, and not rebuilt in this run
kept_official_posts as (

    select
        built_official_posts.platform,
        built_official_posts.mention_id,
        built_official_posts.normalised_text
    from built_official_posts
    inner join current_mention_keys
        on current_mention_keys.mention_key = built_official_posts.mention_key
    left join mentions
        on mentions.mention_key = built_official_posts.mention_key
    where mentions.mention_key is null

),
{% else %}
mentions as (

    select * from all_mentions

),
{% endif %}

-- rule 2: official author = in the registry, or classified official
authored as (

    select
        mentions.*,
        (accounts.account_key is not null or coalesce(mentions.author_type, '') = 'official') as is_official_author
    from mentions
    left join accounts
        on accounts.platform = lower(mentions.platform)
        and accounts.account_key = lower(mentions.author_id)

),

official_posts as (

    select platform, mention_id, normalised_text
    from authored
    where is_official_author
    {% if partial %}
    union all
    select platform, mention_id, normalised_text
    from kept_official_posts
    {% endif %}

),

official_texts as (

    select distinct normalised_text
    from official_posts
    where normalised_text <> ''

),

-- rule 3: official reshare = reshare_of points at an official post (same platform), or the
-- normalised text equals an official post's, or the classifier's flag
reshared as (

    select
        authored.*,
        official_posts.mention_id is not null  as reshares_official_post,
        official_texts.normalised_text is not null as repeats_official_text,
        (
            official_posts.mention_id is not null
            or official_texts.normalised_text is not null
            or authored.official_reshare
        ) as is_official_reshare
    from authored
    left join official_posts
        on official_posts.platform = authored.platform
        and official_posts.mention_id = authored.reshare_of
    left join official_texts
        on official_texts.normalised_text = authored.normalised_text

),

-- rule 1: the persons named, each once (lists: macros/postgres/mentions.sql); a mention naming
-- nobody keeps one row with a NULL person. Unnested in place: no join back on mention_key.
named as (

    select
        reshared.*,
        {{ mention_named_persons('reshared.akims') }} as named_persons
    from reshared

),

unnested_persons as (

    select
        named.*,
        {{ mention_unnest_or_null('named.named_persons') }} as person_id
    from named

),

-- the tone toward this person: a post may praise one akim and attack another (the classifier's
-- per-akim tone, parallel to `akims`); the post's tone when none was recorded (`final` selects
-- it as sentiment)
mention_persons as (

    select
        unnested_persons.*,
        coalesce(
            {{ mention_parallel_value('unnested_persons.akim_sentiments', 'unnested_persons.akims', 'unnested_persons.person_id') }},
            unnested_persons.sentiment
        ) as person_sentiment
    from unnested_persons

),

-- rule 4: the person's rated tenure on the mention's local date (a person who starts a new
-- rated post on the day the old one ends counts for the new post). It depends only on the person
-- and the date, so it is decided once per (person, date), not once per mention.
person_dates as (

    select distinct person_id, local_date
    from mention_persons
    where person_id is not null

),

tenure_candidates as (

    select
        person_dates.person_id,
        person_dates.local_date,
        rated_tenures.tenure_id,
        rated_tenures.region_code,
        rated_tenures.start_date                  as tenure_start_date,
        rated_tenures.effective_end_date          as tenure_end_date,
        row_number() over (
            partition by person_dates.person_id, person_dates.local_date
            order by rated_tenures.start_date desc, {{ text_byte_order('rated_tenures.region_code') }}
        ) as candidate_order
    from person_dates
    inner join rated_tenures
        on rated_tenures.person_id = person_dates.person_id
        and person_dates.local_date >= rated_tenures.start_date
        and person_dates.local_date <= rated_tenures.effective_end_or_open
        and person_dates.local_date >= rated_tenures.region_valid_from
        and person_dates.local_date <= rated_tenures.region_valid_to_or_open

),

person_date_tenures as (

    select person_id, local_date, tenure_id, region_code, tenure_start_date, tenure_end_date
    from tenure_candidates
    where candidate_order = 1

),

with_tenure as (

    select
        mention_persons.*,
        person_date_tenures.tenure_id,
        person_date_tenures.region_code,
        person_date_tenures.tenure_start_date,
        person_date_tenures.tenure_end_date
    from mention_persons
    left join person_date_tenures
        on person_date_tenures.person_id = mention_persons.person_id
        and person_date_tenures.local_date = mention_persons.local_date

),

first_failed as (

    select
        with_tenure.*,
        case
            when person_id is null then 'no_akim'
            when is_official_author then 'official_author'
            when is_official_reshare then 'official_reshare'
            when tenure_id is null then 'out_of_tenure'
        end as failed_rule
    from with_tenure

),

-- rule 5: among rows passing rules 1-4, the same person, platform, author, normalised text and
-- ISO week count once: the earliest by published_utc, then id as loaded, ordered by its bytes
-- (rows failing a rule are not folded)
passing as (

    select * from first_failed
    where failed_rule is null

),

folded as (

    select
        passing.*,
        row_number() over (
            partition by person_id, platform, author_id, normalised_text, week_start
            order by published_utc, {{ text_byte_order('source_key') }}
        ) as duplicate_order,
        first_value(mention_key) over (
            partition by person_id, platform, author_id, normalised_text, week_start
            order by published_utc, {{ text_byte_order('source_key') }}
        ) as first_of_duplicates
    from passing

),

failing as (

    select
        first_failed.*,
        cast(null as bigint)  as duplicate_order,
        cast(null as varchar) as first_of_duplicates
    from first_failed
    where failed_rule is not null

),

deduplicated as (

    select * from folded
    union all
    select * from failing

),

final as (

    select
        mention_key || '|' || coalesce(person_id, '')     as eligibility_key,
        mention_key,
        platform,
        mention_id,
        person_id,
        region_code,
        tenure_id,
        tenure_start_date,
        tenure_end_date,
        published_utc,
        local_date,
        week_start,
        author_id,
        author_followers,
        person_sentiment                                     as sentiment,
        likes,
        comments,
        reposts,
        engagement,
        reshare_of,
        normalised_text,
        is_classified,
        is_official_author,
        is_official_reshare,
        reshares_official_post,
        repeats_official_text,
        official_reshare                                     as classifier_official_reshare,
        case
            when failed_rule is not null then failed_rule
            when duplicate_order > 1 then 'duplicate'
            else 'eligible'
        end                                                  as status,
        case
            when failed_rule is null and duplicate_order > 1 then first_of_duplicates
        end                                                  as duplicate_of,
        built_at                                             as mentions_built_at,
        reference_version.reference_version
    from deduplicated
    cross join reference_version

)

select * from final

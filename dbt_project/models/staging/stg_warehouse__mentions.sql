{#- Private persons' author ids are pseudonymised here, before any mart sees them: an author
    who is neither classified official/media nor in the registry of official accounts gets
    `akims_pseudonym(author_id)` (a keyed HMAC-SHA256, registered by the dbt-duckdb
    plugin assets.sources.dbt_plugin, key from AKIMS_PSEUDONYM_KEY; on PostgreSQL the same
    function, created by macros/postgres/pseudonym.sql) and no display name.
    A table, not a view: the function (or its key) exists only on dbt's connections.

    Incremental (delete+insert on mention_key). A run rebuilds
    - every mention of the weeks whose raw data changed: week_version (the week's loaded_at in
      raw.loaded_weeks, its mention count and latest loaded_at, its classified count and latest
      classified_at) differs from the one stored, or the week is new (macros/incremental.sql);
    - every mention of the authors whose identity decision flipped (now classified official or
      media somewhere, or in the registry, or no longer): that decision looks across all weeks.
    Mentions gone from raw.mentions are deleted (post-hook). Rebuilt rows get this run's
    built_at, which is how int_mention_eligibility finds them. `dbt build --full-refresh`
    rebuilds everything and gives the same rows; it is needed after a change of
    AKIMS_PSEUDONYM_KEY.

    A private author's mention id is pseudonymised too, because ids embed the author (a VK id is
    `<owner_id>_<post>`, a Telegram one `<chat id>/<message id>`): mention_id becomes
    `akims_pseudonym(platform || ':' || id)` (so mention_key = `<platform>:anon-…`, unique and
    stable) and the post URL is dropped. Officials and media keep their ids and URLs, so the
    official-reshare rule (reshare_of = an official post's id) works unchanged. source_key
    (`<platform>:<id>` as loaded, like raw.mentions) is the incremental unique key and the join
    to the classified mentions; no mart selects it.

    reshare_of names another post, and through it that post's author (a VK id embeds the wall's
    owner, a Telegram forward is `fwd:<account id or display name>`). It stays as loaded only
    when staging knows it names an author who keeps their identity:
    - a post in the data (same platform) by such an author: the official-reshare rule compares
      reshare_of with official posts' ids, and officials keep theirs, so the rule is unchanged;
    - on VK, `<owner_id>_<post>` whose owner is such an account (its id, or `id<n>` / `club<n>`,
      the ids the VK source gives an account without a screen name); on Telegram,
      `fwd:<x>` where x is such an account's id or display name (the registry's included).
    Any other reshare_of becomes `akims_pseudonym(platform || ':' || reshare_of)`, the function
    that pseudonymises mention ids: a reshare of a private author's post in the data carries that
    post's pseudonymised mention_id, so the link survives, and one of a post outside the data
    (whose author staging cannot know) leaks nothing. reshare_pseudonymised marks the row; an
    incremental run also rebuilds the mentions whose reshare decision flipped (the post or
    account it names appeared, went, or its author's identity decision changed). -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='source_key',
    on_schema_change='append_new_columns',
    post_hook="{% if is_incremental() %}delete from {{ this }} where source_key is null or source_key not in (select platform || ':' || id from {{ source('warehouse', 'mentions') }}){% endif %}"
) }}
{#- a table built before source_key (or reshare_pseudonymised) existed is rebuilt whole (its rows,
    keyed by the old ids, go in the post-hook) -#}
{%- set incremental = incremental_ready('built_at') and incremental_ready('source_key')
    and incremental_ready('reshare_pseudonymised') %}
{%- set changed_weeks = mention_weeks_to_rebuild() if incremental else [] %}

with source as (

    select * from {{ source('warehouse', 'mentions') }}

),

{{ mention_week_version_ctes() }},

-- an author id is kept when any mention under it is classified official or media, or when it is in
-- the registry; decided per id across platforms (the indicators count distinct ids), so one author
-- never appears under two ids
{{ kept_author_ids_ctes() }},

-- what a reshare_of may name in the clear (see the header): posts and accounts of the kept authors
kept_authored as (

    select source.platform, cast(source.id as varchar) as id, source.author_id, source.author_name
    from source
    inner join kept_author_ids
        on kept_author_ids.author_id = source.author_id

),

kept_accounts as (

    select platform, lower(author_id) as account from kept_authored
    union
    select platform, lower(author_name) from kept_authored where platform = 'telegram'
    union
    select platform, lower(author_id) from {{ ref('stg_reference__official_accounts') }}
    union
    select platform, lower(author_name) from {{ ref('stg_reference__official_accounts') }} where platform = 'telegram'

),

reshare_targets as (

    select distinct
        cast(platform as varchar) as platform,
        nullif(trim(reshare_of), '') as reshare_of
    from source
    where nullif(trim(reshare_of), '') is not null

),

-- the accounts a reshare_of names: a VK wall owner (as the id, id<n> or club<n>), a Telegram
-- forward's source; one select per form (a reshare_of may name none, one or two accounts)
vk_wall_posts as (

    select platform, reshare_of
    from reshare_targets
    where platform = 'vk' and {{ mention_regex_search('reshare_of', '^-?[0-9]+_[0-9]+$') }}

),

target_accounts as (

    select platform, reshare_of, lower(split_part(reshare_of, '_', 1)) as account
    from vk_wall_posts
    union all
    select
        platform,
        reshare_of,
        lower(case when starts_with(reshare_of, '-') then 'club' || split_part(substr(reshare_of, 2), '_', 1)
                   else 'id' || split_part(reshare_of, '_', 1) end)
    from vk_wall_posts
    union all
    select platform, reshare_of, lower(substr(reshare_of, 5))
    from reshare_targets
    where platform = 'telegram' and starts_with(reshare_of, 'fwd:')

),

kept_targets as (

    select reshare_targets.platform, reshare_targets.reshare_of
    from reshare_targets
    inner join (select distinct platform, id from kept_authored) as kept_posts
        on kept_posts.platform = reshare_targets.platform
        and kept_posts.id = reshare_targets.reshare_of
    union
    select target_accounts.platform, target_accounts.reshare_of
    from target_accounts
    inner join kept_accounts
        on kept_accounts.platform = target_accounts.platform
        and kept_accounts.account = target_accounts.account

),

reshare_decisions as (

    select
        reshare_targets.platform,
        reshare_targets.reshare_of,
        kept_targets.reshare_of is not null as keeps_identity
    from reshare_targets
    left join kept_targets
        on kept_targets.platform = reshare_targets.platform
        and kept_targets.reshare_of = reshare_targets.reshare_of

),

{% if incremental %}
-- an incremental run (see the header): the changed weeks, and the authors whose decision flipped
built_authors as (

    select distinct author_id, author_pseudonymised
    from {{ this }}

),

kept_id_pseudonyms as (

    select
        author_id,
        akims_pseudonym(cast(author_id as varchar)) as pseudonym
    from kept_author_ids

),

newly_kept_authors as (

    select kept_id_pseudonyms.author_id
    from kept_id_pseudonyms
    inner join built_authors
        on built_authors.author_id = kept_id_pseudonyms.pseudonym
    where built_authors.author_pseudonymised

),

no_longer_kept_authors as (

    select built_authors.author_id
    from built_authors
    left join kept_author_ids
        on kept_author_ids.author_id = built_authors.author_id
    where not built_authors.author_pseudonymised
        and kept_author_ids.author_id is null

),

flipped_authors as (

    select author_id from newly_kept_authors
    union
    select author_id from no_longer_kept_authors

),

changed_week_mentions as (

    select * from source
    where {% if changed_weeks %}week_start in ({{ date_literals(changed_weeks) }}){% else %}false{% endif %}

),

flipped_author_mentions as (

    select source.*
    from source
    inner join flipped_authors
        on flipped_authors.author_id = source.author_id
    {% if changed_weeks %}where source.week_start not in ({{ date_literals(changed_weeks) }}){% endif %}

),

-- mentions whose reshare_of decision flipped (not rebuilt above already)
flipped_reshare_mentions as (

    select source.*
    from source
    inner join {{ this }} as built
        on built.source_key = source.platform || ':' || source.id
    inner join reshare_decisions
        on reshare_decisions.platform = source.platform
        and reshare_decisions.reshare_of = nullif(trim(source.reshare_of), '')
    left join flipped_authors
        on flipped_authors.author_id = source.author_id
    where built.reshare_pseudonymised = reshare_decisions.keeps_identity
        and flipped_authors.author_id is null
        {% if changed_weeks %}and source.week_start not in ({{ date_literals(changed_weeks) }}){% endif %}

),

in_scope as (

    select * from changed_week_mentions
    union all
    select * from flipped_author_mentions
    union all
    select * from flipped_reshare_mentions

),
{% else %}
in_scope as (

    select * from source

),
{% endif %}

identified as (

    select
        in_scope.*,
        kept_author_ids.author_id is not null as keeps_identity
    from in_scope
    left join kept_author_ids
        on kept_author_ids.author_id = in_scope.author_id

),

-- the keyed hash is a Python function: called once per private author, not once per mention
private_authors as (

    select distinct cast(author_id as varchar) as author_id
    from identified
    where not keeps_identity

),

pseudonyms as (

    select
        author_id,
        akims_pseudonym(author_id) as pseudonym
    from private_authors

),

-- reshare_of: decided per target; hashed once per pseudonymised target of the rows built
reshares as (

    select distinct
        reshare_decisions.platform,
        reshare_decisions.reshare_of,
        reshare_decisions.keeps_identity
    from identified
    inner join reshare_decisions
        on reshare_decisions.platform = identified.platform
        and reshare_decisions.reshare_of = nullif(trim(identified.reshare_of), '')

),

reshare_pseudonyms as (

    select
        platform,
        reshare_of,
        keeps_identity,
        case when keeps_identity then reshare_of
             else akims_pseudonym(platform || ':' || reshare_of) end as staged_reshare_of
    from reshares

),

renamed as (

    select
        identified.platform || ':' || case when identified.keeps_identity then cast(identified.id as varchar)
             else akims_pseudonym(identified.platform || ':' || identified.id) end as mention_key,
        identified.platform || ':' || identified.id      as source_key,
        cast(identified.platform as varchar)             as platform,
        case when identified.keeps_identity then cast(identified.id as varchar)
             else akims_pseudonym(identified.platform || ':' || identified.id) end as mention_id,
        cast(identified.published_at as varchar)         as published_at,
        cast(identified.published_utc as timestamp)      as published_utc,
        cast(identified.local_date as date)              as local_date,
        cast(identified.week_start as date)              as week_start,
        case when identified.keeps_identity then cast(identified.author_id as varchar)
             else pseudonyms.pseudonym end               as author_id,
        case when identified.keeps_identity then identified.author_name end as author_name,
        not identified.keeps_identity                    as author_pseudonymised,
        cast(identified.author_followers as bigint)      as author_followers,
        coalesce(identified.text, '')                    as text,
        case when identified.keeps_identity then identified.url end as url,
        cast(identified.likes as bigint)                 as likes,
        cast(identified.comments as bigint)              as comments,
        cast(identified.reposts as bigint)               as reposts,
        cast(identified.views as bigint)                 as views,
        reshare_pseudonyms.staged_reshare_of             as reshare_of,
        coalesce(not reshare_pseudonyms.keeps_identity, false) as reshare_pseudonymised,
        identified.lang,
        identified.source_sentiment,
        identified.keep_source_label,
        identified.source,
        identified.loaded_at,
        week_versions.week_version,
        {{ run_stamp() }}                                as built_at
    from identified
    left join pseudonyms
        on pseudonyms.author_id = cast(identified.author_id as varchar)
    left join reshare_pseudonyms
        on reshare_pseudonyms.platform = identified.platform
        and reshare_pseudonyms.reshare_of = nullif(trim(identified.reshare_of), '')
    left join week_versions
        on week_versions.week_start = cast(identified.week_start as date)

)

select * from renamed

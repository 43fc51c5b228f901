{#- Private persons' author ids are pseudonymised here, before any mart sees them: an author
    who is neither classified official/media nor in the registry of official accounts gets
    `akims_pseudonym(author_id)` (a keyed HMAC-SHA256, registered by the dbt-duckdb
    plugin assets.sources.dbt_plugin, key from AKIMS_PSEUDONYM_KEY) and no display name.
    A table, not a view: the function exists only on dbt's connections. -#}
{{ config(materialized='table') }}

with source as (

    select * from {{ source('warehouse', 'mentions') }}

),

-- an author id is kept when any mention under it is classified official or media, or when it is in
-- the registry; decided per id across platforms (the indicators count distinct ids), so one author
-- never appears under two ids
named_accounts as (

    select distinct source.author_id
    from source
    inner join {{ source('warehouse', 'classified_mentions') }} as classified
        on classified.platform = source.platform
        and classified.id = source.id
    where lower(classified.author_type) in ('official', 'media')

),

registry as (

    select distinct lower(author_id) as author_id
    from {{ ref('stg_reference__official_accounts') }}

),

identified as (

    select
        source.*,
        named_accounts.author_id is not null or registry.author_id is not null as keeps_identity
    from source
    left join named_accounts
        on named_accounts.author_id = source.author_id
    left join registry
        on registry.author_id = lower(source.author_id)

),

renamed as (

    select
        platform || ':' || id                    as mention_key,
        cast(platform as varchar)                as platform,
        cast(id as varchar)                      as mention_id,
        cast(published_at as varchar)            as published_at,
        cast(published_utc as timestamp)         as published_utc,
        cast(local_date as date)                 as local_date,
        cast(week_start as date)                 as week_start,
        case when keeps_identity then cast(author_id as varchar)
             else akims_pseudonym(cast(author_id as varchar)) end as author_id,
        case when keeps_identity then author_name end as author_name,
        not keeps_identity                       as author_pseudonymised,
        cast(author_followers as bigint)         as author_followers,
        coalesce(text, '')                       as text,
        url,
        cast(likes as bigint)                    as likes,
        cast(comments as bigint)                 as comments,
        cast(reposts as bigint)                  as reposts,
        cast(views as bigint)                    as views,
        nullif(trim(reshare_of), '')             as reshare_of,
        lang,
        source_sentiment,
        keep_source_label,
        source,
        loaded_at
    from identified

)

select * from renamed

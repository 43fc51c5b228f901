{#- Helpers of the incremental mention-sized models (stg_warehouse__mentions,
    int_mention_eligibility): which weeks a run rebuilds. The week lists are computed by small
    queries before the model's SQL runs and written into it as date literals, so the model reads
    only those weeks. -#}

{#- A list of 'YYYY-MM-DD' strings as a SQL list of dates; `false`-safe when empty. -#}
{% macro date_literals(days) -%}
    {%- for day in days %}date '{{ day }}'{{ ", " if not loop.last }}{% endfor -%}
{%- endmacro %}

{#- The first column of a query's result as a list of strings (none at parse time). -#}
{% macro query_strings(sql) -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set result = run_query(sql) -%}
    {{ return(result.columns[0].values() | map('string') | list) }}
{%- endmacro %}

{#- What int_mention_eligibility's rows depend on besides the mentions: the rules' version, the
    tenures (with their rating status under the settings) and the registry. CTEs ending in
    `reference_version` (one row). -#}
{% macro eligibility_reference_version_ctes() -%}
tenure_fingerprint as (

    -- is_rated spelt out ('true'/'false': PostgreSQL's concat_ws writes a boolean as 't'/'f') and
    -- the text ordered by its bytes, so that every target stores the same fingerprint
    select
        string_agg(
            concat_ws('|', tenure_id, region_code, person_id, start_date, effective_end_date,
                      cast(is_rated as varchar), region_valid_from, region_valid_to_or_open),
            ';' order by {{ text_byte_order('tenure_id') }}
        ) as tenures
    from {{ ref('int_tenures') }}

),

registry_accounts as (

    select distinct platform, author_id from {{ ref('stg_reference__official_accounts') }}

),

account_fingerprint as (

    select
        string_agg(platform || ':' || author_id, ';'
                   order by {{ text_byte_order('platform') }}, {{ text_byte_order('author_id') }}) as accounts
    from registry_accounts

),

reference_version as (

    select
        md5(concat_ws('#', '{{ var("methodology_version") }}', tenure_fingerprint.tenures,
                      account_fingerprint.accounts)) as reference_version
    from tenure_fingerprint
    cross join account_fingerprint

)
{%- endmacro %}

{#- int_mention_eligibility: what an incremental run rebuilds (see its header), as a dict:
    full          - true when reference_version changed (every row is rebuilt);
    watermark     - the latest stg_warehouse__mentions built_at already consumed: mentions built
                    after it are rebuilt;
    affected_weeks - 'YYYY-MM-DD' strings: weeks of the built rows whose official-reshare
                    decision an official post or text that appeared or disappeared among those
                    mentions can change (rule 3 looks across weeks; whole weeks, as rule 5
                    folds duplicates within a week). -#}
{% macro eligibility_scope() -%}
    {%- set scope = {'full': false, 'watermark': none, 'affected_weeks': []} -%}
    {%- if not execute -%}{{ return(scope) }}{%- endif -%}
    {%- set state = run_query("
        with " ~ eligibility_reference_version_ctes() ~ ",
        built_versions as (
            select distinct reference_version from " ~ this ~ "
        ),
        stale_versions as (
            select built_versions.reference_version
            from built_versions
            cross join reference_version
            where built_versions.reference_version is distinct from reference_version.reference_version
        ),
        watermark as (
            select max(mentions_built_at) as watermark from " ~ this ~ "
        ),
        stale as (
            select count(*) as stale from stale_versions
        )
        select
            stale.stale > 0 as full_rebuild,
            -- every microsecond kept on every target; read back with cast(... as timestamp)
            cast(watermark.watermark as varchar) as watermark
        from stale
        cross join watermark
    ") -%}
    {%- set row = state.rows[0] -%}
    {%- if row[0] or row[1] is none -%}
        {%- do scope.update({'full': true}) -%}
        {{ return(scope) }}
    {%- endif -%}
    {%- do scope.update({'watermark': row[1]}) -%}
    {%- set affected = query_strings("
        with fresh_mentions as (
            select * from " ~ ref('int_mentions_normalised') ~ "
            where built_at > cast('" ~ row[1] ~ "' as timestamp)
        ),
        current_official_posts as (
            select fresh_mentions.platform, fresh_mentions.mention_id, fresh_mentions.normalised_text
            from fresh_mentions
            left join " ~ ref('stg_reference__official_accounts') ~ " as accounts
                on accounts.platform = fresh_mentions.platform
                and accounts.author_id = fresh_mentions.author_id
            where accounts.author_id is not null or coalesce(fresh_mentions.author_type, '') = 'official'
        ),
        fresh_keys as (
            select mention_key from " ~ ref('stg_warehouse__mentions') ~ "
            where built_at > cast('" ~ row[1] ~ "' as timestamp)
        ),
        built_official as (
            select distinct mention_key, platform, mention_id, normalised_text
            from " ~ this ~ "
            where is_official_author
        ),
        gone_keys as (
            select built_official.mention_key
            from built_official
            left join " ~ ref('stg_warehouse__mentions') ~ " as mentions
                on mentions.mention_key = built_official.mention_key
            where mentions.mention_key is null
        ),
        previous_official_posts as (
            select built_official.platform, built_official.mention_id, built_official.normalised_text
            from built_official
            inner join fresh_keys
                on fresh_keys.mention_key = built_official.mention_key
            union
            select built_official.platform, built_official.mention_id, built_official.normalised_text
            from built_official
            inner join gone_keys
                on gone_keys.mention_key = built_official.mention_key
        ),
        appeared as (
            select * from current_official_posts
            except
            select * from previous_official_posts
        ),
        vanished as (
            select * from previous_official_posts
            except
            select * from current_official_posts
        ),
        changed_posts as (
            select * from appeared
            union
            select * from vanished
        ),
        -- official texts before and after: a text changes only when it becomes or stops being
        -- the text of some official post anywhere
        replaced_keys as (
            select mention_key from fresh_keys
            union
            select mention_key from gone_keys
        ),
        texts_before as (
            select distinct normalised_text from built_official where normalised_text <> ''
        ),
        untouched_official as (
            select built_official.normalised_text
            from built_official
            left join replaced_keys
                on replaced_keys.mention_key = built_official.mention_key
            where replaced_keys.mention_key is null
        ),
        texts_after as (
            select normalised_text from untouched_official where normalised_text <> ''
            union
            select normalised_text from current_official_posts where normalised_text <> ''
        ),
        appeared_texts as (
            select normalised_text from texts_after
            except
            select normalised_text from texts_before
        ),
        vanished_texts as (
            select normalised_text from texts_before
            except
            select normalised_text from texts_after
        ),
        changed_texts as (
            select normalised_text from appeared_texts
            union
            select normalised_text from vanished_texts
        ),
        resharing as (
            select built.week_start
            from " ~ this ~ " as built
            inner join changed_posts
                on changed_posts.platform = built.platform
                and changed_posts.mention_id = built.reshare_of
        ),
        repeating as (
            select built.week_start
            from " ~ this ~ " as built
            inner join changed_texts
                on changed_texts.normalised_text = built.normalised_text
        )
        select cast(week_start as varchar) from resharing
        union
        select cast(week_start as varchar) from repeating
        order by 1
    ") -%}
    {%- do scope.update({'affected_weeks': affected}) -%}
    {{ return(scope) }}
{%- endmacro %}

{#- The per-week version of the raw data a week of stg_warehouse__mentions is built from: the
    week's loaded_at in raw.loaded_weeks, its mention count and latest loaded_at, its classified
    count and latest classified_at. CTEs ending in `week_versions` (week_start, week_version). -#}
{% macro mention_week_version_ctes() -%}
loaded_week_stamps as (

    select cast(week_start as date) as week_start, max(loaded_at) as week_loaded_at
    from {{ source('warehouse', 'loaded_weeks') }}
    group by 1

),

mention_week_stamps as (

    select cast(week_start as date) as week_start, count(*) as mentions, max(loaded_at) as mention_loaded_at
    from {{ source('warehouse', 'mentions') }}
    group by 1

),

classified_week_stamps as (

    select cast(week_start as date) as week_start, count(*) as classified, max(classified_at) as classified_at
    from {{ source('warehouse', 'classified_mentions') }}
    group by 1

),

week_versions as (

    select
        mention_week_stamps.week_start,
        concat_ws('|',
            cast(loaded_week_stamps.week_loaded_at as varchar),
            cast(mention_week_stamps.mentions as varchar),
            cast(mention_week_stamps.mention_loaded_at as varchar),
            cast(coalesce(classified_week_stamps.classified, 0) as varchar),
            cast(classified_week_stamps.classified_at as varchar)
        ) as week_version
    from mention_week_stamps
    left join loaded_week_stamps
        on loaded_week_stamps.week_start = mention_week_stamps.week_start
    left join classified_week_stamps
        on classified_week_stamps.week_start = mention_week_stamps.week_start

)
{%- endmacro %}

{#- The author ids kept as they are (any mention under the id classified official or media, or the
    id in the registry, compared lower-cased). CTEs ending in `kept_author_ids` (author_id). -#}
{% macro kept_author_ids_ctes() -%}
named_accounts as (

    select distinct mentions.author_id
    from {{ source('warehouse', 'mentions') }} as mentions
    inner join {{ source('warehouse', 'classified_mentions') }} as classified
        on classified.platform = mentions.platform
        and classified.id = mentions.id
    where lower(classified.author_type) in ('official', 'media')

),

registry as (

    select distinct lower(author_id) as author_id
    from {{ ref('stg_reference__official_accounts') }}

),

all_author_ids as (

    select distinct author_id from {{ source('warehouse', 'mentions') }}

),

kept_author_ids as (

    select all_author_ids.author_id
    from all_author_ids
    left join named_accounts
        on named_accounts.author_id = all_author_ids.author_id
    left join registry
        on registry.author_id = lower(all_author_ids.author_id)
    where named_accounts.author_id is not null or registry.author_id is not null

)
{%- endmacro %}

{#- stg_warehouse__mentions: the weeks whose raw data changed (week_version differs: new,
    reloaded, reclassified or gone weeks), as 'YYYY-MM-DD' strings. -#}
{% macro mention_weeks_to_rebuild() -%}
    {{ return(query_strings("
        with " ~ mention_week_version_ctes() ~ ",
        built_weeks as (
            select week_start, max(week_version) as week_version
            from " ~ this ~ "
            group by week_start
        )
        select cast(coalesce(week_versions.week_start, built_weeks.week_start) as varchar)
        from week_versions
        full outer join built_weeks
            on built_weeks.week_start = week_versions.week_start
        where built_weeks.week_version is distinct from week_versions.week_version
        order by 1
    ")) }}
{%- endmacro %}

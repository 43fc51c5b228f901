{#- One row per mention x named person (one row with a NULL person for a mention naming nobody),
    with the tenure the mention counts for and the first rule it fails, in the order
    no_akim, official_author, official_reshare, out_of_tenure, duplicate; else eligible. -#}
with mentions as (

    select * from {{ ref('int_mentions_normalised') }}

),

accounts as (

    select distinct platform, author_id from {{ ref('stg_reference__official_accounts') }}

),

rated_tenures as (

    select * from {{ ref('int_tenures') }}
    where is_rated

),

-- rule 2: official author = in the registry, or classified official
authored as (

    select
        mentions.*,
        (accounts.author_id is not null or coalesce(mentions.author_type, '') = 'official') as is_official_author
    from mentions
    left join accounts
        on accounts.platform = mentions.platform
        and accounts.author_id = mentions.author_id

),

official_posts as (

    select platform, mention_id, normalised_text
    from authored
    where is_official_author

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

-- rule 1: the persons named (DuckDB list unnest: no portable form)
named as (

    select
        mention_key,
        unnest(akims) as person_id
    from mentions
    where len(akims) > 0

),

named_distinct as (

    select distinct mention_key, person_id
    from named
    where person_id is not null and person_id <> ''

),

mention_persons as (

    select
        reshared.*,
        named_distinct.person_id
    from reshared
    left join named_distinct
        on named_distinct.mention_key = reshared.mention_key

),

-- rule 4: the person's rated tenure on the mention's local date (a person who starts a new
-- rated post on the day the old one ends counts for the new post)
tenure_candidates as (

    select
        mention_persons.mention_key,
        mention_persons.person_id,
        rated_tenures.tenure_id,
        rated_tenures.region_code,
        rated_tenures.start_date                  as tenure_start_date,
        rated_tenures.effective_end_date          as tenure_end_date,
        row_number() over (
            partition by mention_persons.mention_key, mention_persons.person_id
            order by rated_tenures.start_date desc, rated_tenures.region_code
        ) as candidate_order
    from mention_persons
    inner join rated_tenures
        on rated_tenures.person_id = mention_persons.person_id
        and mention_persons.local_date >= rated_tenures.start_date
        and mention_persons.local_date <= rated_tenures.effective_end_or_open
        and mention_persons.local_date >= rated_tenures.region_valid_from
        and mention_persons.local_date <= rated_tenures.region_valid_to_or_open

),

with_tenure as (

    select
        mention_persons.*,
        tenure_candidates.tenure_id,
        tenure_candidates.region_code,
        tenure_candidates.tenure_start_date,
        tenure_candidates.tenure_end_date
    from mention_persons
    left join tenure_candidates
        on tenure_candidates.mention_key = mention_persons.mention_key
        and tenure_candidates.person_id = mention_persons.person_id
        and tenure_candidates.candidate_order = 1

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
-- ISO week count once: the earliest by published_utc, then id
deduplicated as (

    select
        first_failed.*,
        row_number() over (
            partition by (failed_rule is null), person_id, platform, author_id, normalised_text, week_start
            order by published_utc, mention_id
        ) as duplicate_order,
        first_value(mention_key) over (
            partition by (failed_rule is null), person_id, platform, author_id, normalised_text, week_start
            order by published_utc, mention_id
        ) as first_of_duplicates
    from first_failed

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
        sentiment,
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
        end                                                  as duplicate_of
    from deduplicated

)

select * from final

-- The floor: the weekly indicators of marts.fct_akim_indicators (period_kind = 'week') in one
-- hand-written DuckDB query over the mentions, with no intermediate tables. Inputs: raw.mentions and
-- raw.classified_mentions (the mention-sized tables) and three reference-sized ones dbt already
-- built from the seeds (the official accounts, the rated tenures and the tenure x week overlaps:
-- a few hundred rows that depend on the roster, not on the mentions). The rules are those of
-- int_mention_eligibility / int_akim_indicators (methodology v1.1), written once, inline.
with m as (
    select
        mm.platform, mm.id as mention_id, mm.published_utc, mm.local_date, mm.week_start, mm.author_id,
        mm.author_followers,
        coalesce(mm.likes, 0) + coalesce(mm.comments, 0) + coalesce(mm.reposts, 0) as engagement,
        nullif(trim(mm.reshare_of), '') as reshare_of,
        trim(regexp_replace(regexp_replace(regexp_replace(
            replace(replace(replace(lower(coalesce(mm.text, '')), 'ё', 'е'), 'ß', 'ss'), 'ς', 'σ'),
            'https?://[^\t\n\x{0B}\f\r \x{1C}-\x{1F}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]+', '', 'g'),
            'www\.[^\t\n\x{0B}\f\r \x{1C}-\x{1F}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]+', '', 'g'),
            '[\t\n\x{0B}\f\r \x{1C}-\x{1F}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]+', ' ', 'g'), ' ') as norm,
        c.akims, lower(c.sentiment) as post_sentiment, c.akim_sentiments,
        (a.author_id is not null or coalesce(lower(c.author_type), '') = 'official') as official_author,
        coalesce(c.official_reshare, false) as flagged_reshare
    from raw.mentions mm
    left join raw.classified_mentions c on c.platform = mm.platform and c.id = mm.id
    left join (select distinct platform, author_id from staging.stg_reference__official_accounts) a
        on a.platform = mm.platform and a.author_id = mm.author_id
),
official_posts as (select distinct platform, mention_id from m where official_author),
official_texts as (select distinct norm from m where official_author and norm <> ''),
persons as (
    select distinct platform, mention_id, person_id
    from (select platform, mention_id, unnest(akims) as person_id from m where len(akims) > 0)
    where person_id is not null and person_id <> ''
),
passing as (  -- rules 1-3: names a person; not an official author; not an official reshare
    -- the tone toward this person (the classifier's per-akim tone), else the post's
    select m.*, persons.person_id,
           coalesce(lower(m.akim_sentiments[list_position(m.akims, persons.person_id)]), m.post_sentiment) as sentiment
    from m
    join persons using (platform, mention_id)
    where not m.official_author and not m.flagged_reshare
      and not exists (select 1 from official_posts o where o.platform = m.platform and o.mention_id = m.reshare_of)
      and not exists (select 1 from official_texts t where t.norm = m.norm)
),
in_tenure as (  -- rule 4: the person's rated tenure on the local date (the latest start wins)
    select passing.*, t.tenure_id
    from passing
    join intermediate.int_tenures t
      on t.is_rated and t.person_id = passing.person_id
     and passing.local_date between t.start_date and t.effective_end_or_open
     and passing.local_date between t.region_valid_from and t.region_valid_to_or_open
    qualify row_number() over (partition by passing.platform, passing.mention_id, passing.person_id
                               order by t.start_date desc, t.region_code) = 1
),
eligible as (  -- rule 5: one per person, platform, author, normalised text and ISO week
    select * from in_tenure
    qualify row_number() over (partition by person_id, platform, author_id, norm, week_start
                               order by published_utc, mention_id) = 1
),
matched as (
    select tp.period, tp.tenure_id, e.author_id, e.author_followers, e.sentiment, e.engagement
    from intermediate.int_tenure_periods tp
    join eligible e on e.tenure_id = tp.tenure_id and e.local_date between tp.scope_start and tp.scope_end
    where tp.period_kind = 'week'
),
per_author as (
    select period, tenure_id, author_id, count(*) as n,
           count(*) filter (where sentiment = 'positive') as pos,
           count(*) filter (where sentiment = 'negative') as neg,
           sum(engagement) as eng, max(coalesce(author_followers, 0)) as followers
    from matched group by all
),
per_tenure as (
    select period, tenure_id, sum(n) as mentions, sum(pos) as positive, sum(neg) as negative,
           count(*) as authors, sum(eng) as engagement, sum(followers) as reach
    from per_author group by all
)
select tp.period, tp.tenure_id,
       cast(coalesce(x.mentions, 0) as bigint) as mentions,
       cast(coalesce(x.positive, 0) as bigint) as positive,
       cast(coalesce(x.negative, 0) as bigint) as negative,
       case when coalesce(x.positive, 0) + coalesce(x.negative, 0) = 0 then 0.0
            else (x.positive - x.negative) / (x.positive + x.negative) end as tone_index,
       cast(coalesce(x.authors, 0) as bigint) as authors,
       cast(coalesce(x.engagement, 0) as bigint) as engagement,
       cast(coalesce(x.reach, 0) as bigint) as reach
from intermediate.int_tenure_periods tp
left join per_tenure x using (period, tenure_id)
where tp.period_kind = 'week'

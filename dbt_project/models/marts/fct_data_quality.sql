{#- The data-quality gates per period (issue #5). One row per problem found, or one 'pass' row
    per check and period. Settings come from raw.quality_settings (assets/quality/settings.py),
    written by the asset checks before dbt runs. Blocking checks: expectations, registry_leakage,
    official_like_leakage, missing_partition, no_data, region_silent (above its baseline),
    eligible_out_of_tenure. -#}
{#- Private persons' ids stay out of this mart (issue #16): an account is named by the id staging
    shows for it (`anon-<hmac>` for a private author, the id itself for officials, media and
    registry accounts), so a row can be traced in fct_mention_eligibility.author_id; the ids of
    the partners a praise-burst evidence lists are replaced the same way (`?` when unknown).
    A suspected official-like account that staging pseudonymises shows its display name beside the
    pseudonym only when the name itself looks official (contains the fragment the detector
    matched): it is then the evidence and names a presumed organisation; a person caught in a bot
    ring or by reposts shows none (a kept account shows its own id, as before). Mentions are named by their mention_key (pseudonymised for private authors). The raw
    ids stay in raw.quality_accounts, raw.quality_bursts and raw.quality_roster_signals, which no
    reader is served. A failed expectation names its rows by mention_key (the raw `platform:id` the
    check stored is looked up in staging); a value of an id column is not copied. -#}
{#- Portable SQL (DuckDB and PostgreSQL): text that picks examples or a row is ordered in byte order
    (text_byte_order, macros/postgres/text_order.sql); the expressions the engines write differently
    are the quality_* macros (macros/postgres/quality.sql). -#}
{#- The quality tables are written by the asset checks (orchestration/checks.py); a warehouse
    built without them (dbt run directly) gets empty ones, so the mart still builds. -#}
{%- set empty = {
    'quality_settings': "select cast(null as varchar) as setting, cast(null as varchar) as value where false",
    'quality_accounts': "select cast(null as varchar) as platform, cast(null as varchar) as author_id, cast(null as varchar) as author_name, cast(null as varchar) as signals, cast(null as varchar) as evidence, cast(null as bigint) as posts where false",
    'quality_roster_signals': "select cast(null as varchar) as platform, cast(null as varchar) as id, cast(null as date) as local_date, cast(null as date) as week_start, cast(null as varchar) as name, cast(null as varchar) as position, cast(null as varchar) as excerpt where false",
    'quality_expectations': "select cast(null as varchar) as asset, cast(null as varchar) as suite, cast(null as varchar) as expectation, cast(null as varchar) as column_name, cast(null as boolean) as success, cast(null as bigint) as unexpected_count, cast(null as varchar) as examples, cast(null as date) as week_start, cast(null as varchar) as example_keys where false",
    'quarantine': "select cast(null as varchar) as source, cast(null as varchar) as reason, cast(null as varchar) as row_json, cast(null as date) as week_start where false",
} -%}
{%- set q = {} -%}
{%- for name in empty -%}
    {%- set relation = source('quality', name) -%}
    {%- set found = adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier) if execute else relation -%}
    {%- do q.update({name: ('select * from ' ~ relation) if found is not none else empty[name]}) -%}
{%- endfor %}
with periods as (

    select period_kind, period, period_start, period_end from {{ ref('dim_periods') }}

),

settings as (

    select setting, value from ({{ q['quality_settings'] }})

),

leakage_max as (

    select coalesce(max(case when setting = 'leakage_max_share' then cast(value as double precision) end), 0.02) as v
    from settings

),

leakage_blocks as (

    select coalesce(bool_or(setting = 'leakage_blocks' and value = 'true'), false) as v
    from settings

),

drop_share as (

    select coalesce(max(case when setting = 'daily_drop_share' then cast(value as double precision) end), 0.3) as v
    from settings

),

source_share as (

    select coalesce(max(case when setting = 'source_min_share' then cast(value as double precision) end), 0.5) as v
    from settings

),

silent_share as (

    select coalesce(max(case when setting = 'silent_week_share' then cast(value as double precision) end), 0.25) as v
    from settings

),

baseline_n as (

    select coalesce(max(case when setting = 'silent_baseline_weeks' then cast(value as integer) end), 8) as v
    from settings

),

region_min_median as (

    select coalesce(max(case when setting = 'region_silent_min_median' then cast(value as double precision) end), 20.0) as v
    from settings

),

eligibility as (

    select * from {{ ref('fct_mention_eligibility') }}

),

mentions as (

    select * from {{ ref('stg_warehouse__mentions') }}

),

-- account ids as loaded (staging may pseudonymise author_id and mention ids): joined back by
-- staging's source_key
raw_authors as (

    select
        staged.mention_key,
        raw.platform,
        raw.id as mention_id,
        raw.author_id,
        raw.local_date,
        staged.author_id as shown_author_id,
        staged.author_pseudonymised
    from {{ source('warehouse', 'mentions') }} as raw
    inner join {{ ref('stg_warehouse__mentions') }} as staged
        on staged.source_key = raw.platform || ':' || raw.id

),

-- an account as loaded -> as staging shows it
shown_accounts as (

    select distinct platform, author_id, shown_author_id, author_pseudonymised
    from raw_authors

),

-- the official-like accounts as shown: the id staging shows, the display name of a pseudonymised
-- account when the name itself looks official, the evidence with burst partners' ids replaced
{%- set burst_pattern -%}
    '^(.*other accounts \()(.*)(\); first [0-9]{4}-.*)$'
{%- endset %}
burst_evidence as (

    select
        platform,
        author_id,
        {{ quality_regexp_extract('evidence', burst_pattern, 1) }} as head,
        {{ quality_regexp_extract('evidence', burst_pattern, 2) }} as partners,
        {{ quality_regexp_extract('evidence', burst_pattern, 3) }} as tail
    from ({{ q['quality_accounts'] }})
    where {{ quality_regexp_matches('evidence', burst_pattern) }}

),

burst_partners as (

    select platform, author_id, {{ quality_split_to_rows('partners', "', '") }} as partner
    from burst_evidence

),

shown_partners as (

    select
        burst_partners.platform,
        burst_partners.author_id,
        string_agg(
            coalesce(shown_accounts.shown_author_id, case when burst_partners.partner = '…' then '…' else '?' end),
            ', '
            order by burst_partners.partner = '…', {{ text_byte_order("coalesce(shown_accounts.shown_author_id, '?')") }}
        ) as partners
    from burst_partners
    left join shown_accounts
        on shown_accounts.platform = burst_partners.platform
        and shown_accounts.author_id = burst_partners.partner
    group by burst_partners.platform, burst_partners.author_id

),

{% set official_fragment_pattern -%}
    'looks official \(''([^'']+)''\)'
{%- endset -%}
quality_accounts as (

    select
        a.platform,
        a.author_id,
        a.signals,
        a.posts,
        coalesce(shown.shown_author_id, case when shown.author_id is null then '?' end) as shown_author_id,
        -- a kept account's own id is shown, so it needs no name (its rows stay as they were)
        case
            when coalesce(shown.author_pseudonymised, true)
                and strpos(lower(coalesce(a.author_name, '')),
                           nullif({{ quality_regexp_extract('a.evidence', official_fragment_pattern, 1) }}, '')) > 0
                then a.author_name
        end as shown_name,
        case when burst_evidence.author_id is not null
             then burst_evidence.head || shown_partners.partners || burst_evidence.tail
             else a.evidence end as evidence
    from ({{ q['quality_accounts'] }}) a
    left join shown_accounts shown
        on shown.platform = a.platform and shown.author_id = a.author_id
    left join burst_evidence
        on burst_evidence.platform = a.platform and burst_evidence.author_id = a.author_id
    left join shown_partners
        on shown_partners.platform = a.platform and shown_partners.author_id = a.author_id

),

-- roster signals name their mention by the key staging gives it
roster_signals as (

    select s.*, staged.mention_key
    from ({{ q['quality_roster_signals'] }}) s
    left join {{ ref('stg_warehouse__mentions') }} as staged
        on staged.source_key = s.platform || ':' || s.id

),

loaded_weeks as (

    select * from {{ ref('stg_warehouse__loaded_weeks') }}

),

tenures as (

    select * from {{ ref('int_tenures') }}

),

regions as (

    select * from {{ ref('dim_regions') }}

),

ranking as (

    select * from {{ ref('fct_akim_ranking') }}

),

registry as (

    select distinct platform, author_id from {{ ref('stg_reference__official_accounts') }}

),

days as (

    select periods.period_kind, periods.period, cast(d.day as date) as day
    from periods,
        lateral (select {{ quality_day_series('periods.period_start', 'periods.period_end') }} as day) d

),

-- bad input: quarantined rows of the period's weeks and those set aside at ingest (no week)
quarantine as (

    select
        periods.period_kind,
        periods.period,
        'quarantine' as check_name,
        'warn' as outcome,
        false as is_blocking,
        q.reason as subject,
        cast(count(*) as double precision) as measure,
        cast(null as double precision) as threshold,
        count(*) || ' row(s) set aside: ' || q.reason as detail,
        -- the sources sorted (byte order), so both engines write the same text
        to_json(array_agg(distinct {{ text_byte_order('q.source') }} order by {{ text_byte_order('q.source') }})) :: varchar
            as evidence
    from periods
    inner join ({{ q['quarantine'] }}) q
        on q.week_start is null
        or q.week_start between periods.period_start - interval '6 days' and periods.period_end
    group by periods.period_kind, periods.period, q.reason

),

expectation_weeks as (

    -- a validation is stored once per expectation and week it covered (issue #16: a row-level
    -- failure only in the weeks holding an unexpected row); a week keeps its latest validation
    select * from ({{ q['quality_expectations'] }}) where not success

),

expectation_keys as (

    -- the unexpected rows a failed expectation names (up to five a week), as `platform:id`, with
    -- the value beside it (the two JSON lists are parallel)
    select
        asset,
        expectation,
        column_name,
        week_start,
        {{ quality_json_list_items('example_keys') }} as source_key,
        {{ quality_json_list_items('examples') }} as value
    from expectation_weeks
    where example_keys is not null

),

expectation_rows as (

    -- named by staging's mention_key, `<platform>:?` when staging lacks the row
    select
        k.asset,
        k.expectation,
        k.column_name,
        k.week_start,
        k.value,
        string_to_array(coalesce(k.column_name, ''), ',') && array['id', 'author_id', 'reshare_of', 'url']
            as is_id_column,
        coalesce(mentions.mention_key, split_part(k.source_key, ':', 1) || ':?') as mention_key
    from expectation_keys as k
    left join mentions on mentions.source_key = k.source_key

),

expectation_failures as (

    -- a period sees the failures of the weeks that overlap it, each expectation once, with the
    -- unexpected rows of all those weeks counted (a table-level failure, stored for every week
    -- with no count, stays at its one count)
    select
        periods.period_kind,
        periods.period,
        e.asset,
        e.expectation,
        e.column_name,
        sum(coalesce(e.unexpected_count, 0)) as unexpected_count,
        -- a table-level failure's observation (a row-level one stored before example_keys existed
        -- may hold ids: only its count is kept)
        min({{ text_byte_order('e.examples') }}) filter (
            where e.example_keys is null and e.unexpected_count is null
        ) as observed
    from periods
    inner join expectation_weeks e
        on e.week_start is null
        or (e.week_start <= periods.period_end and e.week_start + interval '6 days' >= periods.period_start)
    group by periods.period_kind, periods.period, e.asset, e.expectation, e.column_name

),

expectation_examples as (

    select
        periods.period_kind,
        periods.period,
        r.asset,
        r.expectation,
        r.column_name,
        -- a value of an id column would be a mention or account id: the mention_key names the row
        to_json((array_agg(
            case when r.is_id_column then r.mention_key else r.mention_key || ' ' || r.column_name || '=' || r.value end
            order by r.week_start, {{ text_byte_order('r.mention_key') }}
        ))[1:5]) :: varchar as examples
    from periods
    inner join expectation_rows r
        on r.week_start <= periods.period_end and r.week_start + interval '6 days' >= periods.period_start
    group by periods.period_kind, periods.period, r.asset, r.expectation, r.column_name

),

expectations as (

    select
        f.period_kind,
        f.period,
        'expectations' as check_name,
        'fail' as outcome,
        true as is_blocking,
        f.asset || ': ' || f.expectation || coalesce(' (' || f.column_name || ')', '') as subject,
        cast(f.unexpected_count as double precision) as measure,
        cast(null as double precision) as threshold,
        'Great Expectations failed on ' || f.asset || ': ' || f.expectation || coalesce(' ' || f.column_name, '')
            || ', ' || f.unexpected_count || ' unexpected' as detail,
        coalesce(x.examples, f.observed) as evidence
    from expectation_failures as f
    left join expectation_examples as x
        on x.period_kind = f.period_kind
        and x.period = f.period
        and x.asset = f.asset
        and x.expectation = f.expectation
        and x.column_name is not distinct from f.column_name

),

registry_leakage as (

    select
        -- the columns registry_rows reads (the account's id as loaded, not staging's)
        eligibility.mention_key,
        eligibility.platform,
        eligibility.local_date,
        raw_authors.author_id
    from eligibility
    inner join raw_authors using (mention_key)
    inner join registry on registry.platform = raw_authors.platform and registry.author_id = raw_authors.author_id
    where eligibility.is_eligible

),

registry_rows as (

    select
        periods.period_kind,
        periods.period,
        'registry_leakage' as check_name,
        'fail' as outcome,
        true as is_blocking,
        r.platform || ':' || r.author_id as subject,
        cast(count(*) as double precision) as measure,
        0.0 as threshold,
        count(*) || ' eligible mention(s) from registry account ' || r.platform || ':' || r.author_id as detail,
        to_json((array_agg(r.mention_key order by {{ text_byte_order('r.mention_key') }}))[1:5]) :: varchar as evidence
    from periods
    inner join registry_leakage r on r.local_date between periods.period_start and periods.period_end
    group by periods.period_kind, periods.period, r.platform, r.author_id

),

-- suspected official-like accounts: their share of each tenure's weekly eligible mentions
tenure_weeks as (

    select tenure_id, person_id, week, week_start, count(*) as eligible
    from eligibility
    where is_eligible
    group by tenure_id, person_id, week, week_start

),

suspect_weeks as (

    select
        e.tenure_id,
        e.person_id,
        e.week,
        e.week_start,
        a.platform,
        a.author_id,
        any_value(a.shown_author_id) as shown_author_id,
        any_value(a.shown_name) as shown_name,
        any_value(a.signals) as signals,
        any_value(a.evidence) as account_evidence,
        count(*) as suspect_eligible
    from eligibility e
    inner join raw_authors r using (mention_key)
    inner join quality_accounts a on a.platform = r.platform and a.author_id = r.author_id
    where e.is_eligible
    group by e.tenure_id, e.person_id, e.week, e.week_start, a.platform, a.author_id

),

suspect_shares as (

    select
        s.*,
        t.eligible,
        sum(s.suspect_eligible) over (partition by s.tenure_id, s.week) as all_suspects_eligible,
        -- a double, as DuckDB's `/` gives (PostgreSQL's sum of integers is a numeric)
        cast(sum(s.suspect_eligible) over (partition by s.tenure_id, s.week) as double precision) / t.eligible
            as week_share
    from suspect_weeks s
    inner join tenure_weeks t using (tenure_id, week)

),

{# the tenure and the week of an account's worst share in the period (the first row by share
    desc, week, tenure) -#}
{%- set worst_tenure -%}
    (array_agg(s.tenure_id order by s.week_share desc, {{ text_byte_order('s.week') }}, {{ text_byte_order('s.tenure_id') }}))[1]
{%- endset -%}
{%- set worst_week -%}
    (array_agg(s.week order by s.week_share desc, {{ text_byte_order('s.week') }}, {{ text_byte_order('s.tenure_id') }}))[1]
{%- endset -%}
leakage_rows as (

    select
        periods.period_kind,
        periods.period,
        'official_like_leakage' as check_name,
        case when max(s.week_share) > any_value(leakage_max.v) then 'fail' else 'warn' end as outcome,
        max(s.week_share) > any_value(leakage_max.v) and any_value(leakage_blocks.v) as is_blocking,
        s.platform || ':' || any_value(s.shown_author_id) as subject,
        max(s.week_share) as measure,
        any_value(leakage_max.v) as threshold,
        s.platform || ':' || any_value(s.shown_author_id) || coalesce(' «' || any_value(s.shown_name) || '»', '')
            || ' (' || any_value(s.signals) || ') carries '
            || sum(s.suspect_eligible) || ' eligible mention(s); suspected accounts reach '
            || {{ quality_double_text(quality_round('100 * max(s.week_share)', 1)) }} || '% of ' || {{ worst_tenure }}
            || ' in ' || {{ worst_week }} as detail,
        -- the worst tenure and week come from one row (arg_max picked each on its own; on a tie
        -- of shares they could name a tenure and a week of different rows): earliest week first
        {{ quality_json_object([
            ('evidence', quality_json('any_value(s.account_evidence)')),
            ('worst_tenure', worst_tenure),
            ('worst_week', worst_week),
            ('eligible_mentions', 'sum(s.suspect_eligible)'),
        ]) }} as evidence
    from periods
    cross join leakage_max
    cross join leakage_blocks
    inner join suspect_shares s on s.week_start + interval '3 days' between periods.period_start and periods.period_end
        or (periods.period_kind = 'week' and s.week = periods.period)
    group by periods.period_kind, periods.period, s.platform, s.author_id

),

-- accounts listed by the detector without any eligible mention in the period (excluded already)
listed_rows as (

    select
        periods.period_kind,
        periods.period,
        'official_like_accounts' as check_name,
        'warn' as outcome,
        false as is_blocking,
        a.platform || ':' || a.shown_author_id as subject,
        cast(count(m.mention_id) as double precision) as measure,
        cast(null as double precision) as threshold,
        a.platform || ':' || a.shown_author_id || coalesce(' «' || a.shown_name || '»', '')
            || ' looks official but is not in the registry (' || a.signals
            || '); ' || count(m.mention_id) || ' post(s) in the period, none eligible' as detail,
        a.evidence as evidence
    from periods
    cross join quality_accounts a
    inner join raw_authors m
        on m.platform = a.platform and m.author_id = a.author_id
        and m.local_date between periods.period_start and periods.period_end
    where not exists (
        select 1 from suspect_weeks s
        where s.platform = a.platform and s.author_id = a.author_id
            and s.week_start + interval '3 days' between periods.period_start and periods.period_end
    )
    group by periods.period_kind, periods.period, a.platform, a.author_id, a.shown_author_id, a.shown_name,
        a.signals, a.evidence

),

-- gaps
missing_partition as (

    select
        days.period_kind,
        days.period,
        'missing_partition' as check_name,
        'fail' as outcome,
        true as is_blocking,
        {{ iso_week_label(quality_week_start('days.day')) }} as subject,
        cast(count(*) as double precision) as measure,
        cast(null as double precision) as threshold,
        'week ' || {{ iso_week_label(quality_week_start('days.day')) }}
            || ' is not loaded (' || count(*) || ' day(s) of the period)' as detail,
        to_json(array_agg(days.day order by days.day)) :: varchar as evidence
    from days
    left join loaded_weeks
        on loaded_weeks.week_start = {{ quality_week_start('days.day') }}
    where loaded_weeks.week_start is null
    group by days.period_kind, days.period, {{ quality_week_start('days.day') }}

),

source_weeks as (

    select source, week_start, count(*) as mentions from mentions group by source, week_start

),

normal_sources as (

    select source
    from source_weeks
    group by source
    having count(*) >= (select v from source_share) * (select count(*) from loaded_weeks)

),

source_gap as (

    select
        periods.period_kind,
        periods.period,
        'source_gap' as check_name,
        'warn' as outcome,
        false as is_blocking,
        n.source || ' ' || {{ iso_week_label('w.week_start') }} as subject,
        0.0 as measure,
        cast(null as double precision) as threshold,
        'source ' || n.source || ' delivered nothing in loaded week ' || {{ iso_week_label('w.week_start') }} as detail,
        cast(null as varchar) as evidence
    from periods
    cross join normal_sources n
    inner join loaded_weeks w
        on w.week_start + interval '3 days' between periods.period_start and periods.period_end
        or (periods.period_kind = 'week' and w.week_start = periods.period_start)
    left join source_weeks s on s.source = n.source and s.week_start = w.week_start
    where s.source is null

),

rated_region_weeks as (

    select distinct t.region_code, w.week_start
    from loaded_weeks w
    inner join tenures t
        on t.is_rated
        and t.start_date <= w.week_start + interval '6 days'
        and t.effective_end_or_open >= w.week_start
        and t.region_valid_from <= w.week_start + interval '6 days'
        and t.region_valid_to_or_open >= w.week_start

),

-- a rated region's mentions (mention x akim rows, any status) in each loaded week it has an akim,
-- and the median of the same over the loaded weeks before (up to silent_baseline_weeks)
region_week_counts as (

    select region_code, week_start, count(*) as mentions from eligibility group by region_code, week_start

),

region_week_series as (

    select
        r.region_code,
        r.week_start,
        coalesce(c.mentions, 0) as mentions,
        row_number() over (partition by r.region_code order by r.week_start) as n
    from rated_region_weeks r
    left join region_week_counts c using (region_code, week_start)
    -- an empty week is no one's baseline (no_data reports it)
    where r.week_start in (select week_start from loaded_weeks where mention_count > 0)

),

vacant_region_weeks as (

    select distinct regions.region_code, {{ quality_week_start('d.day') }} as week_start
    from (select distinct day from days) d
    inner join regions
        on regions.is_rated
        and d.day >= regions.valid_from
        and (regions.valid_to is null or d.day <= regions.valid_to)
    where not exists (
        select 1 from tenures t
        where t.region_code = regions.region_code and d.day between t.start_date and t.effective_end_or_open
    )

),

region_baseline as (

    select
        s.region_code,
        s.week_start,
        -- a week with a vacant day (an akim change) may be quiet: it only warns
        case when exists (
            select 1 from vacant_region_weeks v where v.region_code = s.region_code and v.week_start = s.week_start
        ) then 0 else count(b.week_start) end as baseline_weeks,
        percentile_cont(0.5) within group (order by b.mentions) as baseline
    from region_week_series s
    left join region_week_series b
        on b.region_code = s.region_code and b.n < s.n and b.n >= s.n - (select v from baseline_n)
    where s.mentions = 0
    group by s.region_code, s.week_start

),

-- a silent region: warn; blocking when the region usually has mentions (the source fetched the
-- week, yet nothing about that akim arrived: a lost query, not a quiet week)
region_silent as (

    select
        periods.period_kind,
        periods.period,
        'region_silent' as check_name,
        case when r.baseline_weeks >= 4 and r.baseline >= (select v from region_min_median)
            then 'fail' else 'warn' end as outcome,
        r.baseline_weeks >= 4 and r.baseline >= (select v from region_min_median) as is_blocking,
        r.region_code || ' ' || {{ iso_week_label('r.week_start') }} as subject,
        0.0 as measure,
        case when r.baseline_weeks >= 4 then r.baseline end as threshold,
        case when r.baseline_weeks >= 4 and r.baseline >= (select v from region_min_median)
            then 'region ' || r.region_code || ' has no mention at all in ' || {{ iso_week_label('r.week_start') }}
                || ', against a median of ' || cast({{ quality_round('r.baseline') }} as bigint) || ' a week in the ' || r.baseline_weeks
                || ' loaded weeks before: silent while the week was fetched'
            else 'region ' || r.region_code || ' has no mention at all in ' || {{ iso_week_label('r.week_start') }}
        end as detail,
        cast(null as varchar) as evidence
    from periods
    inner join region_baseline r
        on r.week_start + interval '3 days' between periods.period_start and periods.period_end
        or (periods.period_kind = 'week' and r.week_start = periods.period_start)

),

-- no data, no ranking: loaded weeks with no mention, or far fewer than the weeks before them,
-- and periods where nothing is eligible
-- the baseline of a week: the median of the non-empty loaded weeks before it (up to silent_baseline_weeks)
week_volume as (

    select
        w.week_start,
        w.source,
        w.mention_count as mentions,
        (select count(*) from loaded_weeks x where x.mention_count > 0 and x.week_start < w.week_start) as prior
    from loaded_weeks w

),

nonempty_weeks as (

    select week_start, mention_count as mentions, row_number() over (order by week_start) as n
    from loaded_weeks
    where mention_count > 0

),

week_baseline as (

    select
        w.week_start,
        w.source,
        w.mentions,
        percentile_cont(0.5) within group (order by b.mentions) as baseline,
        count(b.week_start) as baseline_weeks
    from week_volume w
    left join nonempty_weeks b on b.n <= w.prior and b.n > w.prior - (select v from baseline_n)
    group by w.week_start, w.source, w.mentions

),

silent_weeks as (

    select *, mentions = 0 as is_empty
    from week_baseline
    where mentions = 0 or (baseline_weeks >= 4 and mentions < (select v from silent_share) * baseline)

),

period_weeks as (

    select distinct period_kind, period, {{ quality_week_start('day') }} as week_start
    from days

),

empty_weeks as (

    select
        p.period_kind,
        p.period,
        'no_data' as check_name,
        'fail' as outcome,
        true as is_blocking,
        'empty weeks' as subject,
        cast(count(s.week_start) as double precision) as measure,
        0.0 as threshold,
        'no mentions loaded for ' || count(s.week_start) || ' of ' || count(*) || ' week(s) ('
            || array_to_string((array_agg({{ iso_week_label('s.week_start') }} order by s.week_start)
                filter (where s.week_start is not null))[1:4], ', ')
            || case when count(s.week_start) > 4 then ', …' else '' end
            || '; loaded from ' || string_agg(distinct {{ text_byte_order('s.source') }}, ', ' order by {{ text_byte_order('s.source') }}) || ' with no mention)' as detail,
        to_json(array_agg(s.week_start order by s.week_start) filter (where s.week_start is not null)) :: varchar
            as evidence
    from period_weeks p
    left join silent_weeks s on s.week_start = p.week_start and s.is_empty
    group by p.period_kind, p.period
    having count(s.week_start) > 0

),

low_weeks as (

    select
        p.period_kind,
        p.period,
        'no_data' as check_name,
        'fail' as outcome,
        true as is_blocking,
        {{ iso_week_label('s.week_start') }} as subject,
        s.mentions / s.baseline as measure,
        (select v from silent_share) as threshold,
        {{ iso_week_label('s.week_start') }} || ' is silent: ' || s.mentions || ' mention(s) loaded, '
            || cast({{ quality_round('100 * s.mentions / s.baseline') }} as bigint) || '% of the median '
            || cast({{ quality_round('s.baseline') }} as bigint) || ' of the ' || s.baseline_weeks || ' loaded weeks before (under '
            || cast({{ quality_round('100 * (select v from silent_share)') }} as bigint) || '% counts as silent)' as detail,
        cast(null as varchar) as evidence
    from period_weeks p
    inner join silent_weeks s on s.week_start = p.week_start and not s.is_empty

),

eligible_days as (

    select local_date, count(*) as eligible from eligibility where is_eligible group by 1

),

loaded_days as (

    select local_date, count(*) as loaded from mentions group by 1

),

period_volume as (

    select
        periods.period_kind,
        periods.period,
        (select coalesce(sum(d.loaded), 0) from loaded_days d
         where d.local_date between periods.period_start and periods.period_end) as loaded,
        (select coalesce(sum(d.eligible), 0) from eligible_days d
         where d.local_date between periods.period_start and periods.period_end) as eligible
    from periods

),

no_eligible as (

    select
        period_kind,
        period,
        'no_data' as check_name,
        'fail' as outcome,
        true as is_blocking,
        'no eligible mention' as subject,
        0.0 as measure,
        0.0 as threshold,
        loaded || ' mention(s) loaded, none an eligible mention of a rated akim: nothing to rank' as detail,
        cast(null as varchar) as evidence
    from period_volume
    where loaded > 0 and eligible = 0

),

daily as (

    select d.day, coalesce(count(m.mention_id), 0) as mentions
    from (select distinct day from days) d
    inner join loaded_weeks w on w.week_start = {{ quality_week_start('d.day') }}
    left join mentions m on m.local_date = d.day
    group by d.day

),

daily_numbered as (

    select day, mentions, row_number() over (order by day) as n
    from daily

),

-- the median of the 28 days before each day (a join, not a window: PostgreSQL has no median
-- over a window frame)
daily_baseline as (

    select
        d.day,
        d.mentions,
        percentile_cont(0.5) within group (order by b.mentions) as baseline,
        count(b.n) as baseline_days
    from daily_numbered d
    left join daily_numbered b on b.n between d.n - 28 and d.n - 1
    group by d.day, d.mentions

),

daily_volume_drop as (

    select
        days.period_kind,
        days.period,
        'daily_volume_drop' as check_name,
        'warn' as outcome,
        false as is_blocking,
        cast(b.day as varchar) as subject,
        b.mentions / b.baseline as measure,
        (select v from drop_share) as threshold,
        b.day || ': ' || b.mentions || ' mention(s), '
            || {{ quality_double_text(quality_round('100 * b.mentions / b.baseline')) }} || '% of the median '
            || {{ quality_double_text('b.baseline') }} || ' of the days before' as detail,
        cast(null as varchar) as evidence
    from days
    inner join daily_baseline b on b.day = days.day
    where b.baseline_days >= 7 and b.baseline > 0 and b.mentions < (select v from drop_share) * b.baseline

),

-- akim changes: days of a rated region's post without an akim, overlapping tenures
vacant_days as (

    select days.period_kind, days.period, regions.region_code, days.day
    from days
    inner join regions
        on regions.is_rated
        and days.day >= regions.valid_from
        and (regions.valid_to is null or days.day <= regions.valid_to)
    where not exists (
        select 1 from tenures t
        where t.region_code = regions.region_code and days.day between t.start_date and t.effective_end_or_open
    )

),

vacancy_runs as (

    select *, day - cast(row_number() over (partition by period, region_code order by day) as integer) as run
    from vacant_days

),

tenure_gap as (

    select
        period_kind,
        period,
        'tenure_gap' as check_name,
        'warn' as outcome,
        false as is_blocking,
        region_code || ' ' || min(day) || '..' || max(day) as subject,
        cast(count(*) as double precision) as measure,
        cast(null as double precision) as threshold,
        region_code || ' has no akim from ' || min(day) || ' to ' || max(day) || ' (' || count(*) || ' day(s)): '
            || 'mentions of the post in those days have no owner' as detail,
        to_json(array_agg(day order by day)) :: varchar as evidence
    from vacancy_runs
    group by period_kind, period, region_code, run

),

tenure_overlap as (

    select
        periods.period_kind,
        periods.period,
        'tenure_overlap' as check_name,
        'warn' as outcome,
        false as is_blocking,
        a.region_code || ' ' || a.person_id || ' / ' || b.person_id as subject,
        cast({{ days_inclusive('greatest(a.start_date, b.start_date)', 'least(a.end_date, b.end_date)') }} as double precision) as measure,
        cast(null as double precision) as threshold,
        a.region_code || ': tenures of ' || a.person_id || ' and ' || b.person_id || ' overlap from '
            || greatest(a.start_date, b.start_date) || ' to ' || least(a.end_date, b.end_date)
            || ' (the successor holds those days)' as detail,
        cast(null as varchar) as evidence
    from tenures a
    inner join tenures b
        on a.region_code = b.region_code and {{ text_byte_order('a.tenure_id') }} < b.tenure_id
        and a.start_date <= coalesce(b.end_date, {{ open_end_date() }})
        and b.start_date <= coalesce(a.end_date, {{ open_end_date() }})
        -- a same-day handover (end = successor's start) is the rule, not an overlap
        and least(coalesce(a.end_date, {{ open_end_date() }}), coalesce(b.end_date, {{ open_end_date() }}))
            > greatest(a.start_date, b.start_date)
    inner join periods
        on greatest(a.start_date, b.start_date) <= periods.period_end
        and least(coalesce(a.end_date, {{ open_end_date() }}), coalesce(b.end_date, {{ open_end_date() }}))
            >= periods.period_start

),

out_of_tenure as (

    select
        periods.period_kind,
        periods.period,
        'out_of_tenure' as check_name,
        'warn' as outcome,
        false as is_blocking,
        e.person_id as subject,
        cast(count(*) as double precision) as measure,
        cast(null as double precision) as threshold,
        count(*) || ' mention(s) of ' || e.person_id || ' on days they held no rated post (kept, not counted)' as detail,
        to_json((array_agg(e.mention_key || ' ' || e.local_date order by e.local_date, {{ text_byte_order('e.mention_key') }}))[1:3])
            :: varchar as evidence
    from periods
    inner join eligibility e
        on e.status = 'out_of_tenure' and e.local_date between periods.period_start and periods.period_end
    group by periods.period_kind, periods.period, e.person_id

),

eligible_out_of_tenure as (

    select
        periods.period_kind,
        periods.period,
        'eligible_out_of_tenure' as check_name,
        'fail' as outcome,
        true as is_blocking,
        e.tenure_id as subject,
        cast(count(*) as double precision) as measure,
        0.0 as threshold,
        count(*) || ' eligible mention(s) of ' || e.tenure_id || ' dated outside the tenure' as detail,
        to_json((array_agg(e.mention_key order by {{ text_byte_order('e.mention_key') }}))[1:3]) :: varchar as evidence
    from periods
    inner join eligibility e
        on e.is_eligible and e.local_date between periods.period_start and periods.period_end
    where e.local_date < e.tenure_start_date or e.local_date > coalesce(e.tenure_end_date, {{ open_end_date() }})
    group by periods.period_kind, periods.period, e.tenure_id

),

ranking_newcomer as (

    select
        r.period_kind,
        r.period,
        'ranking_newcomer' as check_name,
        'warn' as outcome,
        false as is_blocking,
        r.person_id || ' ' || r.region_code as subject,
        cast(r.overlap_days as double precision) as measure,
        cast(null as double precision) as threshold,
        r.akim_name || ' (' || r.person_id || ', ' || r.region_code || ') is ranked as a newcomer: took office '
            || t.start_date || ', ' || r.overlap_days || ' day(s) of the period ('
            || case r.period_kind
                when 'week' then 'rule: a tenure covering at least weekly_min_days of the week is ranked'
                when 'half_year' then 'rule: a tenure covering more than min_tenure_share of the days is ranked'
                else 'rule: the year ranks the akim in office at its end, predecessors'' mentions included'
               end || ')' as detail,
        cast(null as varchar) as evidence
    from ranking r
    inner join periods p using (period_kind, period)
    inner join tenures t on t.tenure_id = r.tenure_id
    where r.is_ranked and t.start_date > p.period_start

),

ranking_missing_region as (

    select
        p.period_kind,
        p.period,
        'ranking_missing_region' as check_name,
        'warn' as outcome,
        false as is_blocking,
        g.region_code as subject,
        cast(null as double precision) as measure,
        cast(null as double precision) as threshold,
        'no one is ranked for ' || g.region_code || ' in ' || p.period || ': '
            || coalesce(
                (select string_agg(n.person_id || ' ' || n.not_ranked_reason, '; ' order by {{ text_byte_order('n.person_id') }})
                 from ranking n
                 where n.period = p.period and n.region_code = g.region_code and not n.is_ranked),
                'no tenure in the period (post vacant)'
            ) as detail,
        cast(null as varchar) as evidence
    from periods p
    inner join regions g
        on g.is_rated and g.valid_from <= p.period_end and (g.valid_to is null or g.valid_to >= p.period_start)
    where exists (select 1 from ranking x where x.period = p.period)
        and not exists (
            select 1 from ranking r where r.period = p.period and r.region_code = g.region_code and r.is_ranked
        )

),

roster_out_of_date as (

    select
        periods.period_kind,
        periods.period,
        'roster_out_of_date' as check_name,
        'warn' as outcome,
        false as is_blocking,
        s.name || ' (' || s.position || ')' as subject,
        cast(count(*) as double precision) as measure,
        cast(null as double precision) as threshold,
        'roster may be out of date: ' || count(*) || ' mention(s) call ' || s.name || ' аким of ' || s.position
            || ' and the roster has no such person' as detail,
        to_json((array_agg(coalesce(s.mention_key, s.platform || ':?') || ' ' || s.excerpt order by s.local_date))[1:3])
            :: varchar as evidence
    from periods
    inner join roster_signals s
        on s.local_date between periods.period_start and periods.period_end
    group by periods.period_kind, periods.period, s.name, s.position

),

found as (

    select * from quarantine
    union all select * from expectations
    union all select * from registry_rows
    union all select * from leakage_rows
    union all select * from listed_rows
    union all select * from missing_partition
    union all select * from source_gap
    union all select * from region_silent
    union all select * from empty_weeks
    union all select * from low_weeks
    union all select * from no_eligible
    union all select * from daily_volume_drop
    union all select * from tenure_gap
    union all select * from tenure_overlap
    union all select * from out_of_tenure
    union all select * from eligible_out_of_tenure
    union all select * from ranking_newcomer
    union all select * from ranking_missing_region
    union all select * from roster_out_of_date

),

checks as (

    select * from (values
        ('quarantine'), ('expectations'), ('registry_leakage'), ('official_like_leakage'),
        ('official_like_accounts'), ('missing_partition'), ('no_data'), ('source_gap'), ('region_silent'),
        ('daily_volume_drop'), ('tenure_gap'), ('tenure_overlap'), ('out_of_tenure'),
        ('eligible_out_of_tenure'), ('ranking_newcomer'), ('ranking_missing_region'), ('roster_out_of_date')
    ) as c(check_name)

),

passes as (

    select
        periods.period_kind,
        periods.period,
        checks.check_name,
        'pass' as outcome,
        false as is_blocking,
        cast(null as varchar) as subject,
        cast(null as double precision) as measure,
        cast(null as double precision) as threshold,
        'nothing found' as detail,
        cast(null as varchar) as evidence
    from periods
    cross join checks
    where not exists (
        select 1 from found f
        where f.period = periods.period and f.check_name = checks.check_name
    )

)

select * from found
union all
select * from passes

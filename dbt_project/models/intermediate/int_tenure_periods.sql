{#- Tenure x period overlap for rated regions that exist in the period, with who is ranked:
    week      - a tenure covering at least weekly_min_days of the 7 days;
    half_year - a tenure covering more than min_tenure_share of the period's days;
    year      - per region, the tenure in office on the reference date (31 December, or the last
                date with data), else the last one that held the post before it; its indicators
                cover the whole region's year (indicator_scope 'region'). -#}
with periods as (

    select * from {{ ref('int_periods') }}

),

tenures as (

    select * from {{ ref('int_tenures') }}
    where is_rated
        and effective_end_or_open >= start_date

),

tenure_overlaps as (

    select
        periods.period_kind,
        periods.period,
        periods.period_start,
        periods.period_end,
        periods.day_count                                             as period_days,
        periods.reference_date,
        tenures.tenure_id,
        tenures.person_id,
        tenures.region_code,
        tenures.start_date                                            as tenure_start_date,
        tenures.effective_end_date                                    as tenure_end_date,
        greatest(tenures.start_date, periods.period_start)            as overlap_start,
        least(tenures.effective_end_or_open, periods.period_end)      as overlap_end
    from periods
    inner join tenures
        on tenures.start_date <= periods.period_end
        and tenures.effective_end_or_open >= periods.period_start
        and tenures.region_valid_from <= periods.period_end
        and tenures.region_valid_to_or_open >= periods.period_start

),

with_days as (

    select
        tenure_overlaps.*,
        -- bigint on every target (a date difference is an integer on PostgreSQL)
        cast({{ days_inclusive('overlap_start', 'overlap_end') }} as bigint) as overlap_days
    from tenure_overlaps

),

succession as (

    select
        with_days.*,
        row_number() over (
            partition by period_kind, period, region_code
            order by
                case when overlap_start <= reference_date then 0 else 1 end,
                least(overlap_end, reference_date) desc,
                overlap_start desc
        ) as succession_order
    from with_days

),

decided as (

    select
        succession.*,
        case
            when period_kind = 'week'
                then overlap_days >= {{ var('weekly_min_days') }}
            when period_kind = 'half_year'
                then overlap_days > {{ var('min_tenure_share') }} * period_days
            when period_kind = 'year'
                then succession_order = 1 and overlap_start <= reference_date
            else false
        end as is_ranked
    from succession

),

-- why a tenure is not ranked: a code here, its English and Russian wording in the seed
coded as (

    select
        decided.*,
        case
            when is_ranked then null
            when period_kind = 'week' then 'short_week'
            when period_kind = 'half_year' then 'short_tenure'
            when overlap_start > reference_date then 'after_last_data'
            else 'succeeded'
        end as not_ranked_reason_code
    from decided

),

reasons as (

    select
        reason_code,
        replace(text_en, '{weekly_min_days}', '{{ var("weekly_min_days") }}') as text_en
    from {{ ref('not_ranked_reasons') }}

),

final as (

    select
        period_kind,
        period,
        period_start,
        period_end,
        period_days,
        reference_date,
        tenure_id,
        person_id,
        region_code,
        tenure_start_date,
        tenure_end_date,
        overlap_start,
        overlap_end,
        overlap_days,
        is_ranked,
        not_ranked_reason_code,
        reasons.text_en as not_ranked_reason,
        case
            when period_kind = 'year' and is_ranked then 'region'
            else 'tenure'
        end as indicator_scope,
        case
            when period_kind = 'year' and is_ranked then period_start
            else overlap_start
        end as scope_start,
        case
            when period_kind = 'year' and is_ranked then period_end
            else overlap_end
        end as scope_end
    from coded
    left join reasons
        on reasons.reason_code = coded.not_ranked_reason_code

)

select * from final

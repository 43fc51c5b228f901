{#- Tenures with their effective last day: tenure dates are inclusive, and when a successor in
    the same region starts on (or before) the predecessor's end date, the successor holds that
    day, so the predecessor's effective end is the successor's start - 1. -#}
with tenures as (

    select * from {{ ref('stg_reference__akim_tenures') }}

),

regions as (

    select * from {{ ref('stg_reference__regions') }}

),

ordered as (

    select
        tenures.*,
        -- two tenures starting on the same day: person_id decides, in byte order on every target
        lead(start_date) over (
            partition by region_code
            order by start_date, {{ text_byte_order('person_id') }}
        ) as next_start_date
    from tenures

),

effective as (

    select
        tenure_id,
        region_code,
        person_id,
        start_date,
        end_date,
        next_start_date,
        case
            when next_start_date is not null
                and next_start_date <= coalesce(end_date, {{ open_end_date() }})
                then {{ add_days(-1, 'next_start_date') }}
            else end_date
        end as effective_end_date,
        roster_source
    from ordered

),

final as (

    select
        effective.tenure_id,
        effective.region_code,
        effective.person_id,
        effective.start_date,
        effective.end_date,
        effective.next_start_date,
        effective.effective_end_date,
        coalesce(effective.effective_end_date, {{ open_end_date() }}) as effective_end_or_open,
        regions.region_kind,
        coalesce(regions.is_rated, false)                              as is_rated,
        regions.valid_from                                             as region_valid_from,
        regions.valid_to_or_open                                       as region_valid_to_or_open,
        effective.roster_source
    from effective
    left join regions
        on regions.region_code = effective.region_code

)

select * from final

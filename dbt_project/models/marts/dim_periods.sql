with periods as (

    select * from {{ ref('int_periods') }}

)

select * from periods

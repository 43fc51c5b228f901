with akims as (

    select * from {{ ref('stg_reference__akims') }}

)

select * from akims

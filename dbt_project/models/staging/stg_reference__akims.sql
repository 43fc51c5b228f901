with source as (

    select * from {{ ref('akims') }}

),

renamed as (

    select
        person_id,
        surname_ru || ' ' || given_name_ru       as akim_name,
        surname_ru,
        given_name_ru,
        patronymic_ru,
        surname_kk,
        given_name_kk,
        surname_latin,
        given_name_latin
    from source

)

select * from renamed

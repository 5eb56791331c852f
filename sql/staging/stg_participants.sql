-- stg_participants: accepted participant files (contract v1), one row per person.
-- The loader binds files_participants to the accepted files plus an empty typed template.
with source as (
    select * from read_parquet(getvariable('files_participants'), union_by_name = true)
),

typed as (
    select
        cast(person_id as varchar) as person_id,
        cast(municipality_code as integer) as municipality_code,
        cast(arm as varchar) as arm,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        cast(age_band as varchar) as age_band,
        cast(sex as varchar) as sex,
        cast(benefit_at_start as varchar) as benefit_at_start,
        cast(treatment_unit as varchar) as treatment_unit
    from source
),

final as (
    select * from typed
)

select * from final

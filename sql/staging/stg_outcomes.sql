-- stg_outcomes: accepted outcome files, one row per person and matured horizon.
with source as (
    select * from read_parquet(getvariable('files_outcomes'), union_by_name = true)
),

typed as (
    select
        cast(person_id as varchar) as person_id,
        cast(horizon_months as integer) as horizon_months,
        cast(job_or_education_any as boolean) as job_or_education_any,
        cast(job_or_education_at_end as boolean) as job_or_education_at_end,
        cast(weeks_job_or_education as integer) as weeks_job_or_education,
        cast(hours_worked as double) as hours_worked
    from source
),

final as (
    select * from typed
)

select * from final

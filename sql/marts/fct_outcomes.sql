-- fct_outcomes: one row per person and matured horizon, with the person's arm.
with outcomes as (
    select * from stg_outcomes
),

participants as (
    select person_id, arm from dim_participants
),

final as (
    select
        outcomes.person_id,
        participants.arm,
        outcomes.horizon_months,
        outcomes.job_or_education_any,
        outcomes.job_or_education_at_end,
        outcomes.weeks_job_or_education,
        outcomes.hours_worked
    from outcomes
    inner join participants using (person_id)
)

select * from final

-- fct_outcomes: one row per person and matured horizon, denormalised with the person's
-- filter attributes so that every effect query is one scan without a join.
with outcomes as (
    select * from stg_outcomes
),

participants as (
    select
        person_id, arm, municipality_code, region_code, start_year, age_band, sex,
        benefit_at_start, treatment_unit, rkey_n, rkey_s
    from dim_participants
),

final as (
    select
        participants.*,
        outcomes.horizon_months,
        outcomes.job_or_education_any,
        outcomes.job_or_education_at_end,
        outcomes.weeks_job_or_education,
        outcomes.hours_worked
    from outcomes
    inner join participants using (person_id)
)

-- stored in horizon and area order: each query's filter on the horizon (and on a
-- region or municipalities) then skips whole row groups
select * from final order by horizon_months, region_code, municipality_code

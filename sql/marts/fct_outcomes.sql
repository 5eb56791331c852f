-- fct_outcomes: one row per person and matured horizon, denormalised with the person's
-- filter attributes so that every effect query is one scan without a join.
with outcomes as (
    select * from stg_outcomes
),

participants as (
    select
        person_id, arm, municipality_code, region_code, start_year, age_band, sex,
        benefit_at_start, treatment_unit
    from dim_participants
),

final as (
    select
        participants.*,
        outcomes.horizon_months,
        outcomes.job_or_education_any,
        outcomes.job_or_education_at_end,
        outcomes.weeks_job_or_education,
        outcomes.hours_worked,
        -- the stratum of contract section 4b in one integer (grouping by it is ~3x faster
        -- than by its parts): start year * 1000 + age band * 100 + sex * 10 + benefit
        -- group, each part its index (age bands in contract order; F 0, M 1, unknown 2;
        -- cash 0, clarification 1, insured 2, other 3 incl. unknown); the macros of
        -- sql/macros/stratum.sql decode it
        cast(
            participants.start_year * 1000
            + cast(enum_code(participants.age_band) as integer) * 100
            + coalesce(cast(enum_code(participants.sex) as integer), 2) * 10
            + case
                when participants.benefit_at_start in ('kontanthjaelp', 'uddannelseshjaelp')
                    then 0
                when participants.benefit_at_start in (
                    'ressourceforloeb', 'jobafklaring', 'revalidering'
                ) then 1
                when participants.benefit_at_start in (
                    'dagpenge', 'sygedagpenge', 'ledighedsydelse'
                ) then 2
                else 3
            end as integer
        ) as stratum
    from outcomes
    inner join participants using (person_id)
)

-- stored in horizon and area order: each query's filter on the horizon (and on a
-- region or municipalities) then skips whole row groups
select * from final order by horizon_months, region_code, municipality_code

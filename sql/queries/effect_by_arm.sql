-- effect_by_arm: per horizon and arm, the persons with an outcome row (n), how many
-- were in job or education at any time / at the end, and weeks in job or education.
with outcomes as (
    select * from selected(
        'fct_outcomes', $municipalities, $region, $start_year_from, $start_year_to,
        $age_bands, $sexes, $benefits, $treatment_units, $arms
    )
),

final as (
    select
        horizon_months,
        arm,
        count(*) as n,
        cast(count_if(job_or_education_any) as bigint) as k_any,
        cast(count_if(job_or_education_at_end) as bigint) as k_end,
        avg(weeks_job_or_education) as weeks_mean,
        var_samp(weeks_job_or_education) as weeks_var
    from outcomes
    group by horizon_months, arm
)

select * from final order by horizon_months, arm

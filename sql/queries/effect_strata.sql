-- effect_strata: per horizon, arm (ips, comparison) and stratum of contract section 4b
-- (start year x age band x sex, unknown apart, x benefit group): the persons with an
-- outcome row (n), how many were in job or education at any time / at the end, and the
-- mean and sample variance of weeks in job or education.
with outcomes as (
    select * from selected(
        'fct_outcomes', $municipalities, $region, $start_year_from, $start_year_to,
        $age_bands, $sexes, $benefits, $treatment_units, $arms
    )
),

stratified as (
    select
        horizon_months,
        cast(arm as varchar) as arm,
        start_year,
        cast(age_band as varchar) as age_band,
        coalesce(cast(sex as varchar), 'unknown') as sex,
        benefit_group(benefit_at_start) as benefit_group,
        job_or_education_any,
        job_or_education_at_end,
        weeks_job_or_education
    from outcomes
    where arm in ('ips', 'comparison')
),

final as (
    select
        horizon_months,
        arm,
        start_year,
        age_band,
        sex,
        benefit_group,
        count(*) as n,
        cast(count_if(job_or_education_any) as bigint) as k_any,
        cast(count_if(job_or_education_at_end) as bigint) as k_end,
        avg(weeks_job_or_education) as weeks_mean,
        var_samp(weeks_job_or_education) as weeks_var
    from stratified
    group by horizon_months, arm, start_year, age_band, sex, benefit_group
)

select * from final
order by horizon_months, arm, start_year, age_band, sex, benefit_group

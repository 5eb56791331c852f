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

per_stratum as (
    select
        horizon_months,
        cast(arm as varchar) as arm,
        stratum,
        count(*) as n,
        cast(count_if(job_or_education_any) as bigint) as k_any,
        cast(count_if(job_or_education_at_end) as bigint) as k_end,
        avg(weeks_job_or_education) as weeks_mean,
        var_samp(weeks_job_or_education) as weeks_var
    from outcomes
    where arm in ('ips', 'comparison')
    group by horizon_months, arm, stratum
),

final as (
    select
        horizon_months,
        arm,
        stratum_parts(stratum).start_year as start_year,
        stratum_parts(stratum).age_band as age_band,
        stratum_parts(stratum).sex as sex,
        stratum_parts(stratum).benefit_group as benefit_group,
        n,
        k_any,
        k_end,
        weeks_mean,
        weeks_var
    from per_stratum
)

select * from final
order by horizon_months, arm, start_year, age_band, sex, benefit_group

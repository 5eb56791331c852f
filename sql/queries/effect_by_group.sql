-- effect_by_group: the effect_by_arm figures at one horizon broken down by one
-- participant attribute, chosen by the bound parameter $dimension.
with outcomes as (
    select * from grouped(
        'fct_outcomes', $dimension, $municipalities, $region, $start_year_from, $start_year_to,
        $age_bands, $sexes, $benefits, $treatment_units, $arms
    )
),

final as (
    select
        group_value,
        arm,
        count(*) as n,
        cast(count_if(job_or_education_any) as bigint) as k_any,
        cast(count_if(job_or_education_at_end) as bigint) as k_end,
        avg(weeks_job_or_education) as weeks_mean,
        var_samp(weeks_job_or_education) as weeks_var
    from outcomes
    where horizon_months = $horizon
    group by group_value, arm
)

select * from final order by group_value, arm

-- effect_by_group: the effect_by_arm figures (with their cell keys) at one horizon
-- broken down by one participant attribute, chosen by the bound parameter $dimension.
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
        cell_key(sum(rkey_n)) as n_key,
        cast(count_if(job_or_education_any) as bigint) as k_any,
        cell_key(sum(rkey_n) filter (where job_or_education_any)) as k_any_key,
        cast(count_if(job_or_education_at_end) as bigint) as k_end,
        cell_key(sum(rkey_n) filter (where job_or_education_at_end)) as k_end_key,
        cast(sum(weeks_job_or_education) as bigint) as weeks_sum,
        cast(sum(weeks_job_or_education * weeks_job_or_education) as bigint) as weeks_sum_sq,
        max(weeks_job_or_education) as weeks_sum_max,
        cell_key(sum(rkey_s)) as weeks_sum_key
    from outcomes
    where horizon_months = $horizon
    group by group_value, arm
)

select * from final order by group_value, arm

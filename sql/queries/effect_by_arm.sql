-- effect_by_arm: per horizon and arm, the persons with an outcome row (n), how many
-- were in job or education at any time / at the end, and weeks in job or education
-- (sum, sum of squares, max: exact integers). Each count has its cell key (<count>_key,
-- over exactly the persons counted), the weeks total its magnitude key (section 5b).
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
    group by horizon_months, arm
)

select * from final order by horizon_months, arm

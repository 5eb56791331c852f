-- effect_strata: per horizon, arm and stratum of contract section 4b (start year x age
-- band x sex, unknown apart, x benefit group): the persons with an outcome row (n), how
-- many were in job or education at any time / at the end, and the mean and sample
-- variance of weeks in job or education; n_key is the cell key sum of the stratum's
-- persons (section 5b: the published supported / excluded counts). Every arm (the
-- adjusted difference uses ips and comparison; leaving ips_like out here would cost a
-- filter on every row). Also the exact parts of effect_by_arm per stratum (the other
-- cell keys, weeks sum, sum of squares and largest): added up over strata they give the
-- arms' figures and those by start year or age band (both parts of the stratum) without
-- scanning the outcomes again (ips_data.metrics.effect).
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
        cell_key(sum(rkey_n)) as n_key,
        cast(count_if(job_or_education_any) as bigint) as k_any,
        cast(count_if(job_or_education_at_end) as bigint) as k_end,
        cell_key(sum(rkey_n) filter (where job_or_education_any)) as k_any_key,
        cell_key(sum(rkey_n) filter (where job_or_education_at_end)) as k_end_key,
        cast(sum(weeks_job_or_education) as bigint) as weeks_sum,
        cast(sum(weeks_job_or_education * weeks_job_or_education) as bigint) as weeks_sum_sq,
        max(weeks_job_or_education) as weeks_sum_max,
        cell_key(sum(rkey_s)) as weeks_sum_key,
        -- from exact integer sums (one rounding each): the same bits in every run,
        -- whatever order the threads add the rows in
        cast(sum(weeks_job_or_education) as double) / count(*) as weeks_mean,
        case when count(*) > 1 then cast(
            count(*) * sum(weeks_job_or_education * weeks_job_or_education)
            - sum(weeks_job_or_education) * sum(weeks_job_or_education) as double
        ) / (count(*) * (count(*) - 1)) end as weeks_var
    from outcomes
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
        n_key,
        k_any,
        k_end,
        weeks_mean,
        weeks_var,
        k_any_key,
        k_end_key,
        weeks_sum,
        weeks_sum_sq,
        weeks_sum_max,
        weeks_sum_key
    from per_stratum
)

select * from final
order by horizon_months, arm, start_year, age_band, sex, benefit_group

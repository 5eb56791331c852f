-- benchmark_strata: IPS persons with an 18-month outcome row per municipality and
-- stratum of contract section 4b (start year x age band x sex, unknown apart, x benefit
-- group): n and how many were in job or education at any time within 18 months. Run
-- with the selection's parameters (the municipalities) and with the area filters removed
-- (the reference population R of the expected counts).
with outcomes as (
    select * from selected(
        'fct_outcomes', $municipalities, $region, $start_year_from, $start_year_to,
        $age_bands, $sexes, $benefits, $treatment_units, $arms
    )
),

stratified as (
    select
        municipality_code,
        start_year,
        cast(age_band as varchar) as age_band,
        coalesce(cast(sex as varchar), 'unknown') as sex,
        benefit_group(benefit_at_start) as benefit_group,
        job_or_education_any
    from outcomes
    where arm = 'ips' and horizon_months = 18
),

final as (
    select
        municipality_code,
        start_year,
        age_band,
        sex,
        benefit_group,
        count(*) as n,
        cast(count_if(job_or_education_any) as bigint) as k_any
    from stratified
    group by municipality_code, start_year, age_band, sex, benefit_group
)

select * from final order by municipality_code, start_year, age_band, sex, benefit_group

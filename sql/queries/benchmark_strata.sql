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

per_stratum as (
    select
        municipality_code,
        stratum,
        count(*) as n,
        cast(count_if(job_or_education_any) as bigint) as k_any
    from outcomes
    where arm = 'ips' and horizon_months = 18
    group by municipality_code, stratum
),

final as (
    select
        municipality_code,
        stratum_parts(stratum).start_year as start_year,
        stratum_parts(stratum).age_band as age_band,
        stratum_parts(stratum).sex as sex,
        stratum_parts(stratum).benefit_group as benefit_group,
        n,
        k_any
    from per_stratum
)

select * from final order by municipality_code, start_year, age_band, sex, benefit_group

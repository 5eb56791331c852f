-- ips_by_start_year: per start year of the selection, the IPS arm's participants and,
-- among them, those with an 18-month outcome row (n_18) and in job or education at
-- any time within 18 months (k_any_18).
with persons as (
    select * from selected(
        'dim_participants', $municipalities, $region, $start_year_from, $start_year_to,
        $age_bands, $sexes, $benefits, $treatment_units, $arms
    )
),

outcomes as (
    select * from selected(
        'fct_outcomes', $municipalities, $region, $start_year_from, $start_year_to,
        $age_bands, $sexes, $benefits, $treatment_units, $arms
    )
),

participants as (
    select start_year, count(*) as participants
    from persons
    where arm = 'ips'
    group by start_year
),

at_18 as (
    select
        start_year,
        count(*) as n_18,
        cast(count_if(job_or_education_any) as bigint) as k_any_18
    from outcomes
    where arm = 'ips' and horizon_months = 18
    group by start_year
),

final as (
    select
        participants.start_year,
        participants.participants,
        coalesce(at_18.n_18, 0) as n_18,
        coalesce(at_18.k_any_18, 0) as k_any_18
    from participants
    left join at_18 using (start_year)
)

select * from final order by start_year

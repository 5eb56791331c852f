-- costs_by_category: per horizon, arm and category, the mean amount per person of the
-- cost population (a missing category counts 0 DKK).
with totals as (
    select * from selected(
        'fct_cost_totals', $municipalities, $region, $start_year_from, $start_year_to,
        $age_bands, $sexes, $benefits, $treatment_units, $arms
    )
),

means as (
    select
        horizon_months,
        arm,
        count(*) as n,
        avg(psychiatric_inpatient) as psychiatric_inpatient,
        avg(psychiatric_outpatient) as psychiatric_outpatient,
        avg(psychiatric_emergency) as psychiatric_emergency,
        avg(primary_care) as primary_care,
        avg(employment_services) as employment_services,
        avg(social_services) as social_services,
        avg(ips_service) as ips_service
    from totals
    group by horizon_months, arm
),

final as (
    select horizon_months, arm, category, n, mean_dkk
    from means
    unpivot (mean_dkk for category in (
        psychiatric_inpatient, psychiatric_outpatient, psychiatric_emergency,
        primary_care, employment_services, social_services, ips_service
    ))
)

select * from final order by horizon_months, arm, category

-- costs_by_category: per horizon and arm, the cost population with its cell key and,
-- per category, the sum and largest amount per person (a missing category counts 0 DKK;
-- exact decimals). One magnitude key serves every category: they are totals over the
-- same persons (section 5b). One row per horizon and arm, a pair of columns per category.
with totals as (
    select * from selected(
        'fct_cost_totals', $municipalities, $region, $start_year_from, $start_year_to,
        $age_bands, $sexes, $benefits, $treatment_units, $arms
    )
),

final as (
    select
        horizon_months,
        arm,
        count(*) as n,
        cell_key(sum(rkey_n)) as n_key,
        cell_key(sum(rkey_s)) as sum_key,
        sum(psychiatric_inpatient) as psychiatric_inpatient_sum,
        max(psychiatric_inpatient) as psychiatric_inpatient_sum_max,
        sum(psychiatric_outpatient) as psychiatric_outpatient_sum,
        max(psychiatric_outpatient) as psychiatric_outpatient_sum_max,
        sum(psychiatric_emergency) as psychiatric_emergency_sum,
        max(psychiatric_emergency) as psychiatric_emergency_sum_max,
        sum(primary_care) as primary_care_sum,
        max(primary_care) as primary_care_sum_max,
        sum(employment_services) as employment_services_sum,
        max(employment_services) as employment_services_sum_max,
        sum(social_services) as social_services_sum,
        max(social_services) as social_services_sum_max,
        sum(ips_service) as ips_service_sum,
        max(ips_service) as ips_service_sum_max
    from totals
    group by horizon_months, arm
)

select * from final order by horizon_months, arm

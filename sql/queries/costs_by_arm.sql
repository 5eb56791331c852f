-- costs_by_arm: per horizon and arm, the cost population (persons with at least one
-- cost row) with its cell key, and the sum, sum of squares and largest of their
-- per-person totals (exact decimals) with the total's magnitude key (section 5b); and
-- per category the sum and largest amount per person (a missing category counts 0 DKK;
-- exact decimals), whose totals share that magnitude key (totals over the same
-- persons). One scan for the arm totals and the categories.
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
        sum(total_dkk) as total_dkk_sum,
        sum(cast(total_dkk as decimal(38, 2)) * total_dkk) as total_dkk_sum_sq,
        max(total_dkk) as total_dkk_sum_max,
        cell_key(sum(rkey_s)) as total_dkk_sum_key,
        min(price_year) as price_year,
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

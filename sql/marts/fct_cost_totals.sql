-- fct_cost_totals: one row per person and horizon with at least one cost row (the cost
-- population), the total and each category's amount (a missing category counts 0 DKK),
-- denormalised with the person's filter attributes.
with costs as (
    select * from stg_costs
),

participants as (
    select
        person_id, arm, municipality_code, region_code, start_year, age_band, sex,
        benefit_at_start, treatment_unit
    from dim_participants
),

per_person as (
    select
        person_id,
        horizon_months,
        sum(amount_dkk) as total_dkk,
        sum(amount_dkk) filter (where category = 'psychiatric_inpatient') as psychiatric_inpatient,
        sum(amount_dkk) filter (where category = 'psychiatric_outpatient') as psychiatric_outpatient,
        sum(amount_dkk) filter (where category = 'psychiatric_emergency') as psychiatric_emergency,
        sum(amount_dkk) filter (where category = 'primary_care') as primary_care,
        sum(amount_dkk) filter (where category = 'employment_services') as employment_services,
        sum(amount_dkk) filter (where category = 'social_services') as social_services,
        sum(amount_dkk) filter (where category = 'ips_service') as ips_service,
        min(price_year) as price_year
    from costs
    group by person_id, horizon_months
),

final as (
    select
        participants.*,
        per_person.horizon_months,
        per_person.total_dkk,
        coalesce(per_person.psychiatric_inpatient, 0) as psychiatric_inpatient,
        coalesce(per_person.psychiatric_outpatient, 0) as psychiatric_outpatient,
        coalesce(per_person.psychiatric_emergency, 0) as psychiatric_emergency,
        coalesce(per_person.primary_care, 0) as primary_care,
        coalesce(per_person.employment_services, 0) as employment_services,
        coalesce(per_person.social_services, 0) as social_services,
        coalesce(per_person.ips_service, 0) as ips_service,
        per_person.price_year
    from per_person
    inner join participants using (person_id)
)

-- stored in horizon and area order: each query's filter on the horizon (and on a
-- region or municipalities) then skips whole row groups
select * from final order by horizon_months, region_code, municipality_code

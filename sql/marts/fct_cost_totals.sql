-- fct_cost_totals: one row per person and horizon with at least one cost row (the cost
-- population), the total and each category's amount (a missing category counts 0 DKK),
-- denormalised with the person's filter attributes and record keys; cost_rows is how
-- many cost rows make the person's total (their sum over the table is every cost row
-- with a participant: a first load's build, which reads every file while they are
-- validated, tells validation so whether any cost row lacks one, see
-- ips_data/loading/speculative.py). Amounts are kept
-- as DECIMAL(18, 2) (whole øre) so that every sum over them is exact and the same
-- whatever order the rows are added in (a float sum's last digits are not).
with costs as (
    select * exclude (amount_dkk), cast(amount_dkk as decimal(18, 2)) as amount_dkk
    from stg_costs
),

participants as (
    select
        person_id, arm, municipality_code, region_code, start_year, age_band, sex,
        benefit_at_start, treatment_unit, rkey_n, rkey_s
    from dim_participants
),

per_person as (
    select
        person_id,
        horizon_months,
        cast(sum(amount_dkk) as decimal(18, 2)) as total_dkk,
        cast(sum(amount_dkk) filter (where category = 'psychiatric_inpatient')
            as decimal(18, 2)) as psychiatric_inpatient,
        cast(sum(amount_dkk) filter (where category = 'psychiatric_outpatient')
            as decimal(18, 2)) as psychiatric_outpatient,
        cast(sum(amount_dkk) filter (where category = 'psychiatric_emergency')
            as decimal(18, 2)) as psychiatric_emergency,
        cast(sum(amount_dkk) filter (where category = 'primary_care')
            as decimal(18, 2)) as primary_care,
        cast(sum(amount_dkk) filter (where category = 'employment_services')
            as decimal(18, 2)) as employment_services,
        cast(sum(amount_dkk) filter (where category = 'social_services')
            as decimal(18, 2)) as social_services,
        cast(sum(amount_dkk) filter (where category = 'ips_service')
            as decimal(18, 2)) as ips_service,
        min(price_year) as price_year,
        count(*) as cost_rows
    from costs
    group by person_id, horizon_months
),

final as (
    select
        participants.*,
        per_person.horizon_months,
        per_person.total_dkk,
        coalesce(per_person.psychiatric_inpatient, 0::decimal(18, 2)) as psychiatric_inpatient,
        coalesce(per_person.psychiatric_outpatient, 0::decimal(18, 2)) as psychiatric_outpatient,
        coalesce(per_person.psychiatric_emergency, 0::decimal(18, 2)) as psychiatric_emergency,
        coalesce(per_person.primary_care, 0::decimal(18, 2)) as primary_care,
        coalesce(per_person.employment_services, 0::decimal(18, 2)) as employment_services,
        coalesce(per_person.social_services, 0::decimal(18, 2)) as social_services,
        coalesce(per_person.ips_service, 0::decimal(18, 2)) as ips_service,
        per_person.price_year,
        per_person.cost_rows
    from per_person
    inner join participants using (person_id)
)

-- stored in horizon and area order: each query's filter on the horizon (and on a
-- region or municipalities) then skips whole row groups
select * from final order by horizon_months, region_code, municipality_code

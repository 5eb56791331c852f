-- fct_cost_totals: one row per person and horizon with at least one cost row
-- (the cost population); a missing category counts 0 DKK.
with costs as (
    select * from stg_costs
),

final as (
    select
        person_id,
        horizon_months,
        sum(amount_dkk) as total_dkk,
        min(price_year) as price_year
    from costs
    group by person_id, horizon_months
)

select * from final

-- fct_costs: one row per person, horizon and cost category present in the extract.
with costs as (
    select * from stg_costs
),

final as (
    select
        person_id,
        horizon_months,
        category,
        amount_dkk,
        price_year
    from costs
)

select * from final

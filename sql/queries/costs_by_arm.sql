-- costs_by_arm: per horizon and arm, the cost population (persons with at least one
-- cost row), the mean and sample variance of their per-person totals.
with selected as (
    select * from selected_participants(
        $municipalities, $region, $start_year_from, $start_year_to,
        $age_bands, $sexes, $benefits, $treatment_units, $arms
    )
),

totals as (
    select * from fct_cost_totals
),

final as (
    select
        totals.horizon_months,
        selected.arm,
        count(*) as n,
        avg(totals.total_dkk) as mean_total_dkk,
        var_samp(totals.total_dkk) as var_total_dkk,
        min(totals.price_year) as price_year
    from selected
    inner join totals using (person_id)
    group by totals.horizon_months, selected.arm
)

select * from final order by horizon_months, arm

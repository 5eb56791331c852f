-- costs_by_category: per horizon, arm and category, the mean amount per person of the
-- cost population (a missing category counts 0 DKK, so sum / population).
with selected as (
    select * from selected_participants(
        $municipalities, $region, $start_year_from, $start_year_to,
        $age_bands, $sexes, $benefits, $treatment_units, $arms
    )
),

totals as (
    select * from fct_cost_totals
),

costs as (
    select * from fct_costs
),

population as (
    select totals.horizon_months, selected.arm, count(*) as n
    from selected
    inner join totals using (person_id)
    group by totals.horizon_months, selected.arm
),

sums as (
    select costs.horizon_months, selected.arm, costs.category, sum(costs.amount_dkk) as amount
    from selected
    inner join costs using (person_id)
    group by costs.horizon_months, selected.arm, costs.category
),

final as (
    select
        sums.horizon_months,
        sums.arm,
        sums.category,
        population.n,
        sums.amount / population.n as mean_dkk
    from sums
    inner join population using (horizon_months, arm)
)

select * from final order by horizon_months, arm, category

-- costs_by_arm: per horizon and arm, the cost population (persons with at least one
-- cost row), the mean and sample variance of their per-person totals.
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
        avg(total_dkk) as mean_total_dkk,
        var_samp(total_dkk) as var_total_dkk,
        min(price_year) as price_year
    from totals
    group by horizon_months, arm
)

select * from final order by horizon_months, arm

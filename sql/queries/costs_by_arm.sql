-- costs_by_arm: per horizon and arm, the cost population (persons with at least one
-- cost row) with its cell key, and the sum, sum of squares and largest of their
-- per-person totals (exact decimals) with the total's magnitude key (section 5b).
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
        min(price_year) as price_year
    from totals
    group by horizon_months, arm
)

select * from final order by horizon_months, arm

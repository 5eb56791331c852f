-- costs_by_group: costs_by_arm (with its keys) at one horizon broken down by one
-- participant attribute, chosen by the bound parameter $dimension.
with totals as (
    select * from grouped(
        'fct_cost_totals', $dimension, $municipalities, $region, $start_year_from, $start_year_to,
        $age_bands, $sexes, $benefits, $treatment_units, $arms
    )
),

final as (
    select
        group_value,
        arm,
        count(*) as n,
        cell_key(sum(rkey_n)) as n_key,
        sum(total_dkk) as total_dkk_sum,
        sum(cast(total_dkk as decimal(38, 2)) * total_dkk) as total_dkk_sum_sq,
        max(total_dkk) as total_dkk_sum_max,
        cell_key(sum(rkey_s)) as total_dkk_sum_key,
        min(price_year) as price_year
    from totals
    where horizon_months = $horizon
    group by group_value, arm
)

select * from final order by group_value, arm

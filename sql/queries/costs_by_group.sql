-- costs_by_group: costs_by_arm at one horizon broken down by one participant
-- attribute, chosen by the bound parameter $dimension.
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
        avg(total_dkk) as mean_total_dkk,
        var_samp(total_dkk) as var_total_dkk,
        min(price_year) as price_year
    from totals
    where horizon_months = $horizon
    group by group_value, arm
)

select * from final order by group_value, arm

-- costs_by_group: costs_by_arm at one horizon broken down by one participant
-- attribute, chosen by the bound parameter $dimension.
with selected as (
    select * from grouped_participants(
        $dimension, $municipalities, $region, $start_year_from, $start_year_to,
        $age_bands, $sexes, $benefits, $treatment_units, $arms
    )
),

totals as (
    select * from fct_cost_totals where horizon_months = $horizon
),

joined as (
    select
        selected.group_value,
        selected.arm,
        totals.total_dkk,
        totals.price_year
    from selected
    inner join totals using (person_id)
),

final as (
    select
        group_value,
        arm,
        count(*) as n,
        avg(total_dkk) as mean_total_dkk,
        var_samp(total_dkk) as var_total_dkk,
        min(price_year) as price_year
    from joined
    group by group_value, arm
)

select * from final order by group_value, arm

-- not_yet_observable: per horizon and arm, persons in the selection without an
-- outcome row at that horizon (left out of its denominators, never failures).
with selected as (
    select * from selected_participants(
        $municipalities, $region, $start_year_from, $start_year_to,
        $age_bands, $sexes, $benefits, $treatment_units, $arms
    )
),

horizons as (
    select unnest([18, 30]) as horizon_months
),

outcomes as (
    select person_id, horizon_months from fct_outcomes
),

final as (
    select horizons.horizon_months, selected.arm, count(*) as n
    from selected
    cross join horizons
    where not exists (
        select 1
        from outcomes
        where outcomes.person_id = selected.person_id
            and outcomes.horizon_months = horizons.horizon_months
    )
    group by horizons.horizon_months, selected.arm
)

select * from final order by horizon_months, arm

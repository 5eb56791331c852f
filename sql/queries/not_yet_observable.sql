-- not_yet_observable: per horizon and arm, persons in the selection without an
-- outcome row at that horizon (left out of its denominators, never failures).
with persons as (
    select * from selected(
        'dim_participants', $municipalities, $region, $start_year_from, $start_year_to,
        $age_bands, $sexes, $benefits, $treatment_units, $arms
    )
),

counted as (
    select
        arm,
        cast(count_if(not has_outcome_18) as bigint) as "18",
        cast(count_if(not has_outcome_30) as bigint) as "30"
    from persons
    group by arm
),

final as (
    select cast(horizon as integer) as horizon_months, arm, n
    from counted
    unpivot (n for horizon in ("18", "30"))
)

select * from final order by horizon_months, arm

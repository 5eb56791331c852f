-- not_yet_observable: per horizon and arm, persons in the selection without an
-- outcome row at that horizon (left out of its denominators, never failures), with the
-- cell key of exactly those persons.
with persons as (
    select * from selected(
        'dim_participants', $municipalities, $region, $start_year_from, $start_year_to,
        $age_bands, $sexes, $benefits, $treatment_units, $arms
    )
),

counted as (
    select
        arm,
        cast(count_if(not has_outcome_18) as bigint) as n_18,
        cell_key(sum(rkey_n) filter (where not has_outcome_18)) as key_18,
        cast(count_if(not has_outcome_30) as bigint) as n_30,
        cell_key(sum(rkey_n) filter (where not has_outcome_30)) as key_30
    from persons
    group by arm
),

horizons as (
    select * from (values (18), (30)) as horizons (horizon_months)
),

final as (
    select
        horizons.horizon_months,
        counted.arm,
        case horizons.horizon_months when 18 then n_18 else n_30 end as n,
        case horizons.horizon_months when 18 then key_18 else key_30 end as n_key
    from counted
    cross join horizons
)

select * from final order by horizon_months, arm

-- participants_by_arm: persons in the selection per arm, with the cell key; and per
-- horizon the persons without an outcome row there (not yet observable: left out of
-- that horizon's denominators, never failures), each with the cell key of exactly those
-- persons (section 5b). One scan of the participants for both.
with persons as (
    select * from selected(
        'dim_participants', $municipalities, $region, $start_year_from, $start_year_to,
        $age_bands, $sexes, $benefits, $treatment_units, $arms
    )
),

final as (
    select
        arm,
        count(*) as n,
        cell_key(sum(rkey_n)) as n_key,
        cast(count_if(not has_outcome_18) as bigint) as waiting_18,
        cell_key(sum(rkey_n) filter (where not has_outcome_18)) as waiting_18_key,
        cast(count_if(not has_outcome_30) as bigint) as waiting_30,
        cell_key(sum(rkey_n) filter (where not has_outcome_30)) as waiting_30_key
    from persons
    group by arm
)

select * from final order by arm

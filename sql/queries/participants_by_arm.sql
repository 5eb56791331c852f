-- participants_by_arm: persons in the selection per arm, with the cell key.
with persons as (
    select * from selected(
        'dim_participants', $municipalities, $region, $start_year_from, $start_year_to,
        $age_bands, $sexes, $benefits, $treatment_units, $arms
    )
),

final as (
    select arm, count(*) as n, cell_key(sum(rkey_n)) as n_key
    from persons
    group by arm
)

select * from final order by arm

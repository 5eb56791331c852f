-- ips_by_start_year: per start year of the selection, the IPS arm's participants with
-- their cell key (section 5b). The 18-month persons of each year and those in job or
-- education come from the effect strata (ips_data.metrics.trend: start year is part of
-- the stratum), not from another scan of the outcomes.
with persons as (
    select * from selected(
        'dim_participants', $municipalities, $region, $start_year_from, $start_year_to,
        $age_bands, $sexes, $benefits, $treatment_units, $arms
    )
),

final as (
    select start_year, count(*) as participants, cell_key(sum(rkey_n)) as participants_key
    from persons
    where arm = 'ips'
    group by start_year
)

select * from final order by start_year

-- start_year_range: the first and last start year among the participants of the viewer's
-- scope ($municipalities: the scope's codes, null for scope all). The sidebar's
-- start-year slider spans them. No count: not person-based.
with persons as (
    select start_year
    from dim_participants
    where $municipalities is null or list_contains($municipalities, municipality_code)
),

final as (
    select
        min(start_year) as first_year,
        max(start_year) as last_year
    from persons
)

select * from final

-- start_year_range: the first and last start year among the extract's participants (the
-- sidebar's start-year slider spans them). No filter, no count: not person-based.
with persons as (
    select start_year from dim_participants
),

final as (
    select
        min(start_year) as first_year,
        max(start_year) as last_year
    from persons
)

select * from final

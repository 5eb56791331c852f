-- dim_participants: one row per person with the attributes every filter uses.
with participants as (
    select * from stg_participants
),

municipalities as (
    select * from dim_municipalities
),

final as (
    select
        participants.*,
        municipalities.region_code,
        cast(year(participants.start_date) as integer) as start_year
    from participants
    left join municipalities using (municipality_code)
)

select * from final

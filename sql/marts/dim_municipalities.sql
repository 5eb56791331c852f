-- dim_municipalities: the 98 official municipalities with region and map point, and
-- whether the extract has any row for the municipality (participants, rollout or
-- fidelity): the municipality list shows exactly those (computed once here rather than
-- in every query: a distinct over a million participants costs ~10 ms a query).
with municipalities as (
    select * from ref_municipalities
),

present as (
    select municipality_code from stg_participants
    union
    select municipality_code from stg_rollout
    union
    select municipality_code from stg_fidelity
),

final as (
    select
        municipalities.municipality_code,
        municipalities.municipality_name,
        municipalities.region_code,
        municipalities.region_name,
        municipalities.lat,
        municipalities.lon,
        municipalities.municipality_code in (
            select municipality_code from present
        ) as has_rows
    from municipalities
)

select * from final

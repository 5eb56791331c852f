-- dim_municipalities: the 98 official municipalities with region and map point.
with municipalities as (
    select * from ref_municipalities
),

final as (
    select
        municipality_code,
        municipality_name,
        region_code,
        region_name,
        lat,
        lon
    from municipalities
)

select * from final

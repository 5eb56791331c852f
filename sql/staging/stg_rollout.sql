-- stg_rollout: accepted rollout files, the status history per municipality.
with source as (
    select * from read_parquet(getvariable('files_rollout'), union_by_name = true)
),

typed as (
    select
        cast(municipality_code as integer) as municipality_code,
        cast(status as varchar) as status,
        cast(valid_from as date) as valid_from,
        cast(consultants_fte as double) as consultants_fte,
        cast(target_group as varchar) as target_group,
        cast(psychiatry_units as varchar) as psychiatry_units
    from source
),

final as (
    select * from typed
)

select * from final

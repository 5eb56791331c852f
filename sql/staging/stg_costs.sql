-- stg_costs: accepted cost files, one row per person, horizon and category.
with source as (
    select * from read_parquet(getvariable('files_costs'), union_by_name = true)
),

typed as (
    select
        cast(person_id as varchar) as person_id,
        cast(horizon_months as integer) as horizon_months,
        cast(category as varchar) as category,
        cast(amount_dkk as double) as amount_dkk,
        cast(price_year as integer) as price_year
    from source
),

final as (
    select * from typed
)

select * from final

-- stg_fidelity: accepted IPS-25 fidelity reviews (items kept as a list).
with source as (
    select * from read_parquet(getvariable('files_fidelity'), union_by_name = true)
),

typed as (
    select
        cast(municipality_code as integer) as municipality_code,
        cast(assessment_date as date) as assessment_date,
        cast(total_score as integer) as total_score,
        cast([
            item_01, item_02, item_03, item_04, item_05, item_06, item_07, item_08, item_09,
            item_10, item_11, item_12, item_13, item_14, item_15, item_16, item_17, item_18,
            item_19, item_20, item_21, item_22, item_23, item_24, item_25
        ] as integer[]) as items
    from source
),

final as (
    select * from typed
)

select * from final

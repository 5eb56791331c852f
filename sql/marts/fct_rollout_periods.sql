-- fct_rollout_periods: each status row with the day the next one takes over.
with rollout as (
    select * from stg_rollout
),

final as (
    select
        municipality_code,
        status,
        valid_from,
        lead(valid_from) over (
            partition by municipality_code order by valid_from
        ) as valid_to,
        consultants_fte,
        target_group,
        psychiatry_units
    from rollout
)

select * from final

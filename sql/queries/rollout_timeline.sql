-- rollout_timeline: every status period of the municipalities inside the area filter.
with periods as (
    select * from fct_rollout_periods
),

municipalities as (
    select * from dim_municipalities
),

final as (
    select
        periods.municipality_code as code,
        municipalities.municipality_name as name,
        periods.status,
        periods.valid_from,
        periods.valid_to,
        periods.consultants_fte
    from periods
    inner join municipalities using (municipality_code)
    where in_area(periods.municipality_code, $municipalities, $region)
)

select * from final order by code, valid_from

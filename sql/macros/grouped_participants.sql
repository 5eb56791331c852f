-- grouped_participants: selected_participants plus group_value, the participant
-- attribute named by the bound parameter p_dimension (a whitelist of attributes).
create or replace macro grouped_participants(
    p_dimension, p_municipalities, p_region, p_start_year_from, p_start_year_to,
    p_age_bands, p_sexes, p_benefits, p_treatment_units, p_arms
) as table
with selected as (
    select * from selected_participants(
        p_municipalities, p_region, p_start_year_from, p_start_year_to,
        p_age_bands, p_sexes, p_benefits, p_treatment_units, p_arms
    )
),

final as (
    select
        *,
        case p_dimension
            when 'age_band' then age_band
            when 'sex' then sex
            when 'benefit_at_start' then benefit_at_start
            when 'treatment_unit' then treatment_unit
            when 'start_year' then cast(start_year as varchar)
            when 'municipality_code' then cast(municipality_code as varchar)
            when 'region_code' then cast(region_code as varchar)
        end as group_value
    from selected
)

select * from final

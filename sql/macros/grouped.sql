-- grouped: `selected` plus group_value, the participant attribute named by the bound
-- parameter p_dimension (only these attributes can be chosen).
create or replace macro grouped(
    p_table, p_dimension, p_municipalities, p_region, p_start_year_from, p_start_year_to,
    p_age_bands, p_sexes, p_benefits, p_treatment_units, p_arms
) as table
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
from selected(
    p_table, p_municipalities, p_region, p_start_year_from, p_start_year_to,
    p_age_bands, p_sexes, p_benefits, p_treatment_units, p_arms
)

-- selected: the rows of a person-level model (dim_participants, fct_outcomes,
-- fct_cost_totals: named literally by the query) inside the shared filters. Every
-- filter argument is a bound parameter; null means "no filter" for that attribute.
create or replace macro selected(
    p_table, p_municipalities, p_region, p_start_year_from, p_start_year_to,
    p_age_bands, p_sexes, p_benefits, p_treatment_units, p_arms
) as table
select *
from query_table(p_table)
where (p_municipalities is null or list_contains(p_municipalities, municipality_code))
    and (p_region is null or region_code = p_region)
    and (p_start_year_from is null or start_year >= p_start_year_from)
    and (p_start_year_to is null or start_year <= p_start_year_to)
    and (p_age_bands is null or list_contains(p_age_bands, age_band))
    and (p_sexes is null or list_contains(p_sexes, sex))
    and (p_benefits is null or list_contains(p_benefits, benefit_at_start))
    and (p_treatment_units is null or list_contains(p_treatment_units, treatment_unit))
    and (p_arms is null or list_contains(p_arms, arm))

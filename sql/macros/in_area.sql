-- in_area: true when a municipality is inside the municipality and region filters.
create or replace macro in_area(code, p_municipalities, p_region) as
    (p_municipalities is null or list_contains(p_municipalities, code))
    and (
        p_region is null
        or code in (
            select municipality_code from dim_municipalities where region_code = p_region
        )
    )

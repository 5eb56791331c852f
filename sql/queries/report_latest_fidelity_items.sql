-- report_latest_fidelity_items: the item scores (a list of 25, nulls where not scored) of
-- each municipality's latest IPS-25 review up to $as_of, inside the area filter. Used by
-- the PDF reports until the fidelity profile (issue 13, item 3) provides them; not
-- person-based: not suppressed.
with reviews as (
    select * from fct_fidelity_reviews
    where assessment_date <= $as_of
        and in_area(municipality_code, $municipalities, $region)
),

final as (
    select
        municipality_code as code,
        max(assessment_date) as assessment_date,
        arg_max(total_score, assessment_date) as total_score,
        arg_max(items, assessment_date) as items
    from reviews
    group by municipality_code
)

select * from final order by code

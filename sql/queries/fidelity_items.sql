-- fidelity_items: the IPS-25 reviews up to $as_of of one municipality ($code) inside the
-- area filter, with the 25 item scores as a list (null items: not scored). Not
-- person-based: not suppressed.
with reviews as (
    select * from fct_fidelity_reviews
),

municipalities as (
    select * from dim_municipalities
),

final as (
    select
        reviews.municipality_code as code,
        municipalities.municipality_name as name,
        reviews.assessment_date,
        reviews.total_score,
        reviews.fidelity_band,
        reviews.items
    from reviews
    inner join municipalities using (municipality_code)
    where reviews.assessment_date <= $as_of
        and reviews.municipality_code = $code
        and in_area(reviews.municipality_code, $municipalities, $region)
)

select * from final order by assessment_date

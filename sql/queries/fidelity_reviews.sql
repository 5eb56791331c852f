-- fidelity_reviews: IPS-25 reviews up to $as_of of the municipalities inside the area
-- filter (not person-based: not suppressed).
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
        reviews.fidelity_band
    from reviews
    inner join municipalities using (municipality_code)
    where reviews.assessment_date <= $as_of
        and in_area(reviews.municipality_code, $municipalities, $region)
)

select * from final order by code, assessment_date

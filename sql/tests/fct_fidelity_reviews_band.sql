-- Fidelity: score within 25..125 and a band for every review; key unique.
select municipality_code, assessment_date
from fct_fidelity_reviews
where total_score not between 25 and 125 or fidelity_band is null
union all
select municipality_code, assessment_date
from fct_fidelity_reviews
group by municipality_code, assessment_date
having count(*) > 1

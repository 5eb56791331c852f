-- (person_id, horizon_months) is unique and not null in fct_outcomes.
select person_id, horizon_months, count(*) as n
from fct_outcomes
group by person_id, horizon_months
having person_id is null or horizon_months is null or count(*) > 1

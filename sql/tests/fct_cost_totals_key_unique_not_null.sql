-- (person_id, horizon_months) is unique and not null in fct_cost_totals; totals ≥ 0;
-- one single price year.
select person_id, horizon_months
from fct_cost_totals
where total_dkk < 0
    or person_id is null
    or (select count(distinct price_year) from fct_cost_totals) > 1
union all
select person_id, horizon_months
from fct_cost_totals
group by person_id, horizon_months
having count(*) > 1

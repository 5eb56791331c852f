-- Rollout periods: (municipality_code, valid_from) unique; valid_to after valid_from.
select municipality_code, valid_from
from fct_rollout_periods
where valid_to is not null and valid_to <= valid_from
union all
select municipality_code, valid_from
from fct_rollout_periods
group by municipality_code, valid_from
having count(*) > 1

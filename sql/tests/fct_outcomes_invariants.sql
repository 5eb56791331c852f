-- Outcome invariants: at_end implies any; weeks 0 iff not any; weeks within the horizon.
select person_id, horizon_months
from fct_outcomes
where (job_or_education_at_end and not job_or_education_any)
    or ((weeks_job_or_education = 0) <> (not job_or_education_any))
    or weeks_job_or_education > case when horizon_months = 18 then 78 else 130 end
    or horizon_months not in (18, 30)

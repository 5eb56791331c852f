-- Every outcome and cost row belongs to a participant (no orphans survive staging).
select person_id from stg_outcomes
where person_id not in (select person_id from dim_participants)
union all
select person_id from stg_costs
where person_id not in (select person_id from dim_participants)

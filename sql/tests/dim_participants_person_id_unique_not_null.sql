-- person_id is unique and never null in dim_participants (rows returned = violations).
select person_id, count(*) as n
from dim_participants
group by person_id
having person_id is null or count(*) > 1

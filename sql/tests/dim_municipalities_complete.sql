-- dim_municipalities holds the 98 official municipalities in 5 regions, codes unique.
select count(*) as n
from dim_municipalities
having count(*) <> 98
    or count(distinct municipality_code) <> 98
    or count(distinct region_code) <> 5

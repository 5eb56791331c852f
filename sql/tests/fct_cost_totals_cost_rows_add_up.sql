-- cost_rows adds up to the cost rows staging reads: every cost row is in exactly one
-- person's total (what a first load's build tells validation with, see
-- ips_data/loading/speculative.py).
with counted as (
    select
        (select coalesce(sum(cost_rows), 0) from fct_cost_totals) as in_totals,
        (select count(*) from stg_costs) as staged
)

select in_totals, staged from counted where in_totals <> staged

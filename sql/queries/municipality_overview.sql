-- municipality_overview: one row per municipality inside the area filter that has a
-- row in any table (dim_municipalities.has_rows): rollout status as of $as_of, FTE,
-- active participants, latest
-- fidelity review and the IPS arm's 18-month outcome within the selection; each count
-- with its cell key (<count>_key, section 5b).
with selected as (
    select * from selected(
        'dim_participants', $municipalities, $region, $start_year_from, $start_year_to,
        $age_bands, $sexes, $benefits, $treatment_units, $arms
    )
),

selected_outcomes as (
    select * from selected(
        'fct_outcomes', $municipalities, $region, $start_year_from, $start_year_to,
        $age_bands, $sexes, $benefits, $treatment_units, $arms
    )
),

municipalities as (
    select * from dim_municipalities where has_rows
),

rollout as (
    select *
    from fct_rollout_periods
    where valid_from <= $as_of
),

reviews as (
    select *
    from fct_fidelity_reviews
    where assessment_date <= $as_of
),

status_runs as (
    select
        *,
        status is distinct from lag(status) over (
            partition by municipality_code order by valid_from
        ) as starts_run
    from rollout
),

current_status as (
    select
        municipality_code,
        arg_max(status, valid_from) as status,
        max(valid_from) filter (where starts_run) as status_since,
        arg_max(consultants_fte, valid_from) filter (
            where consultants_fte is not null
        ) as consultants_fte,
        arg_max(target_group, valid_from) filter (where target_group is not null) as target_group,
        arg_max(psychiatry_units, valid_from) filter (
            where psychiatry_units is not null
        ) as psychiatry_units,
        min(valid_from) filter (
            where status in ('implementing', 'operating')
        ) as implementation_started
    from status_runs
    group by municipality_code
),

latest_review as (
    select
        municipality_code,
        arg_max(total_score, assessment_date) as fidelity_score,
        arg_max(fidelity_band, assessment_date) as fidelity_band,
        max(assessment_date) as fidelity_date,
        count(*) as fidelity_reviews
    from reviews
    group by municipality_code
),

active as (
    select
        municipality_code,
        count(*) as active_participants,
        cell_key(sum(rkey_n)) as active_participants_key
    from selected
    where arm in ('ips', 'ips_like')
        and start_date <= $as_of
        and (end_date is null or end_date >= $as_of)
    group by municipality_code
),

ips_18 as (
    select
        municipality_code,
        count(*) as n_ips_18,
        cell_key(sum(rkey_n)) as n_ips_18_key,
        cast(count_if(job_or_education_any) as bigint) as k_any_18_ips,
        cell_key(sum(rkey_n) filter (where job_or_education_any)) as k_any_18_ips_key
    from selected_outcomes
    where arm = 'ips' and horizon_months = 18
    group by municipality_code
),

final as (
    select
        municipalities.municipality_code as code,
        municipalities.municipality_name as name,
        municipalities.region_code,
        municipalities.lat,
        municipalities.lon,
        current_status.status,
        current_status.status is not null as has_rollout_row,
        current_status.status_since,
        current_status.implementation_started,
        current_status.consultants_fte,
        current_status.target_group,
        current_status.psychiatry_units,
        coalesce(active.active_participants, 0) as active_participants,
        active.active_participants_key,
        latest_review.fidelity_score,
        latest_review.fidelity_band,
        latest_review.fidelity_date,
        coalesce(latest_review.fidelity_reviews, 0) as fidelity_reviews,
        coalesce(ips_18.n_ips_18, 0) as n_ips_18,
        ips_18.n_ips_18_key,
        coalesce(ips_18.k_any_18_ips, 0) as k_any_18_ips,
        ips_18.k_any_18_ips_key
    from municipalities
    left join current_status using (municipality_code)
    left join latest_review using (municipality_code)
    left join active using (municipality_code)
    left join ips_18 using (municipality_code)
    where in_area(municipalities.municipality_code, $municipalities, $region)
)

select * from final order by code

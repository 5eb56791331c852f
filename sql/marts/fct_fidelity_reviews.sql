-- fct_fidelity_reviews: IPS-25 reviews with their fidelity band.
with reviews as (
    select * from stg_fidelity
),

final as (
    select
        municipality_code,
        assessment_date,
        total_score,
        case
            when total_score >= 115 then 'exemplary'
            when total_score >= 100 then 'good'
            when total_score >= 74 then 'fair'
            else 'not_ips'
        end as fidelity_band,
        items
    from reviews
)

select * from final

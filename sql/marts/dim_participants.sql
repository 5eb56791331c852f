-- dim_participants: one row per person with every attribute the filters use, whether
-- an outcome row exists at each horizon (else: not yet observable there), and the
-- person's two record keys of the cell key method (contract section 5b): the first 8
-- bytes of SHA-256(secret || 'n' || person_id), and with 's', as unsigned 64-bit
-- integers. The secret is bound to the connection as the variable perturbation_secret
-- while the tables are built (never part of the SQL text, never stored).
with participants as (
    select * from stg_participants
),

municipalities as (
    select * from dim_municipalities
),

outcome_horizons as (
    select
        person_id,
        bool_or(horizon_months = 18) as has_outcome_18,
        bool_or(horizon_months = 30) as has_outcome_30
    from stg_outcomes
    group by person_id
),

final as (
    select
        -- the contract's coded attributes as ENUM types (created by the loader from the
        -- contract's allowed values): faster grouping and filtering than strings
        participants.* replace (
            cast(participants.arm as enum_arm) as arm,
            cast(participants.age_band as enum_age_band) as age_band,
            cast(participants.sex as enum_sex) as sex,
            cast(participants.benefit_at_start as enum_benefit_at_start) as benefit_at_start,
            cast(participants.treatment_unit as enum_treatment_unit) as treatment_unit
        ),
        municipalities.region_code,
        cast(year(participants.start_date) as integer) as start_year,
        coalesce(outcome_horizons.has_outcome_18, false) as has_outcome_18,
        coalesce(outcome_horizons.has_outcome_30, false) as has_outcome_30,
        cast('0x' || left(sha256(
            getvariable('perturbation_secret') || 'n' || participants.person_id
        ), 16) as ubigint) as rkey_n,
        cast('0x' || left(sha256(
            getvariable('perturbation_secret') || 's' || participants.person_id
        ), 16) as ubigint) as rkey_s
    from participants
    left join municipalities using (municipality_code)
    left join outcome_horizons using (person_id)
)

select * from final

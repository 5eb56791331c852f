-- stratum_parts: the parts of fct_outcomes.stratum (the strata of contract section 4b)
-- as a struct: start_year, age_band, sex (F, M, unknown), benefit_group (cash,
-- clarification, insured, other).
create or replace macro stratum_parts(s) as {
    'start_year': cast(s // 1000 as integer),
    'age_band': cast(enum_range(null::enum_age_band)[(s // 100) % 10 + 1] as varchar),
    'sex': ['F', 'M', 'unknown'][(s // 10) % 10 + 1],
    'benefit_group': ['cash', 'clarification', 'insured', 'other'][s % 10 + 1]
}

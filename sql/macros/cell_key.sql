-- cell_key: a cell's key sum (Σ of the persons' 64-bit record keys, a HUGEINT) modulo
-- 2^64, i.e. the cell key κ = frac(Σ r) times 2^64 (contract section 5b). Exact integer
-- arithmetic: the same persons give the same key however the rows are ordered.
create or replace macro cell_key(key_sum) as
    cast(key_sum % cast('18446744073709551616' as hugeint) as ubigint)

-- benefit_group: the benefit group of contract section 4b (strata of the adjusted
-- comparisons): cash, clarification, insured, other (other includes unknown = null).
create or replace macro benefit_group(benefit) as
    case
        when benefit in ('kontanthjaelp', 'uddannelseshjaelp') then 'cash'
        when benefit in ('ressourceforloeb', 'jobafklaring', 'revalidering') then 'clarification'
        when benefit in ('dagpenge', 'sygedagpenge', 'ledighedsydelse') then 'insured'
        else 'other'
    end

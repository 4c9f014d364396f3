-- Quality rule Q04: implausible birth year (before 1940, or less than 15 years before the
-- year of entry – of first contact when there is no entry).
-- Parameters: none.
-- Grain: one row per offending participant (id = tn_id).
select tn_id as id,
       'Geburtsjahr ' || geburtsjahr || ', Eintrittsjahr '
           || year(coalesce(eintritt, erstkontakt)) as details,
       quartier, traeger
from stg_teilnehmende
where geburtsjahr < 1940 or geburtsjahr > year(coalesce(eintritt, erstkontakt)) - 15
order by id

-- Quality rule Q03: an exit date without an entry date.
-- Parameters: none.
-- Grain: one row per offending participant (id = tn_id).
select tn_id as id,
       'Austritt ' || strftime(austritt, '%d.%m.%Y') || ', kein Eintritt' as details,
       quartier, traeger
from stg_teilnehmende
where austritt is not null and eintritt is null
order by id

-- Quality rule Q01: exit before entry.
-- Parameters: none.
-- Grain: one row per offending participant (id = tn_id).
select tn_id as id,
       'Eintritt ' || strftime(eintritt, '%d.%m.%Y') || ', Austritt '
           || strftime(austritt, '%d.%m.%Y') as details,
       quartier, traeger
from stg_teilnehmende
where austritt < eintritt
order by id

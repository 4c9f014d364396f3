-- Quality rule Q02: formal entry before the first contact.
-- Parameters: none.
-- Grain: one row per offending participant (id = tn_id).
select tn_id as id,
       'Erstkontakt ' || strftime(erstkontakt, '%d.%m.%Y') || ', Eintritt '
           || strftime(eintritt, '%d.%m.%Y') as details,
       quartier, traeger
from stg_teilnehmende
where eintritt < erstkontakt
order by id

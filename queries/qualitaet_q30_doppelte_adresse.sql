-- Quality rule Q30: two vacancy records at the same address that are both still open
-- (not re-let) – probably recorded twice.
-- Parameters: none.
-- Grain: one row per vacancy in such a pair (id = objekt_id).
with offen as (
    select objekt_id, lower(regexp_replace(trim(adresse), '\s+', ' ', 'g')) as adr, quartier
    from stg_leerstaende
    where status <> 'wiederbelegt'
)
select a.objekt_id as id,
       'gleiche Adresse wie ' || string_agg(b.objekt_id, ', ' order by b.objekt_id) as details,
       any_value(a.quartier) as quartier, null::varchar as traeger
from offen a
join offen b on a.adr = b.adr and a.objekt_id <> b.objekt_id
group by a.objekt_id
order by id

-- Quality rule Q25: a vacancy re-let before it became vacant.
-- Parameters: none.
-- Grain: one row per offending vacancy (id = objekt_id).
select objekt_id as id,
       'leer seit ' || strftime(leer_seit, '%d.%m.%Y') || ', wiederbelegt am '
           || strftime(wiederbelegt_am, '%d.%m.%Y') as details,
       quartier, null::varchar as traeger
from stg_leerstaende
where wiederbelegt_am < leer_seit
order by id

-- Quality rule Q24: a vacancy with status 'wiederbelegt' but no re-let date.
-- Parameters: none.
-- Grain: one row per offending vacancy (id = objekt_id).
select objekt_id as id, 'Status wiederbelegt, kein Datum' as details,
       quartier, null::varchar as traeger
from stg_leerstaende
where status = 'wiederbelegt' and wiederbelegt_am is null
order by id

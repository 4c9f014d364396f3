-- Quality rule Q33: a premises request marked 'vermittelt' without the unit it was met with.
-- Parameters: none.
-- Grain: one row per offending request (id = gesuch_id).
select gesuch_id as id, 'Status vermittelt, kein Objekt angegeben' as details,
       quartier, null::varchar as traeger
from stg_raumgesuche
where status = 'vermittelt' and objekt_id is null
order by id

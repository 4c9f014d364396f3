-- Quality rule Q34: a premises request pointing at a unit that is not in leerstaende (the
-- importer refuses these; this catches data that reached the database another way).
-- Parameters: none.
-- Grain: one row per offending request (id = gesuch_id).
select g.gesuch_id as id, 'unbekanntes Objekt ' || g.objekt_id as details,
       g.quartier, null::varchar as traeger
from stg_raumgesuche g
where g.objekt_id is not null
  and g.objekt_id not in (select objekt_id from stg_leerstaende)
order by id

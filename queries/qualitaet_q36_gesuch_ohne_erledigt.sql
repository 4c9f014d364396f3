-- Quality rule Q36: a premises request that is no longer open ('vermittelt' or
-- 'zurückgezogen') but has no date 'erledigt_am'.
-- Parameters: none.
-- Grain: one row per offending request (id = gesuch_id).
select gesuch_id as id, 'Status ' || status || ', kein Datum „erledigt am“' as details,
       quartier, null::varchar as traeger
from stg_raumgesuche
where status <> 'offen' and erledigt_am is null
order by id

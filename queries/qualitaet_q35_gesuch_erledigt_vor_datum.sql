-- Quality rule Q35: a premises request settled ('erledigt_am') before it was recorded.
-- Parameters: none.
-- Grain: one row per offending request (id = gesuch_id).
select gesuch_id as id,
       'Gesuch vom ' || strftime(datum, '%d.%m.%Y') || ', erledigt am '
           || strftime(erledigt_am, '%d.%m.%Y') as details,
       quartier, null::varchar as traeger
from stg_raumgesuche
where erledigt_am < datum
order by id

-- Quality rule Q26: a re-let date while the status is not 'wiederbelegt'.
-- Parameters: none.
-- Grain: one row per offending vacancy (id = objekt_id).
select objekt_id as id,
       'Status ' || status || ', aber wiederbelegt am '
           || strftime(wiederbelegt_am, '%d.%m.%Y') as details,
       quartier, null::varchar as traeger
from stg_leerstaende
where wiederbelegt_am is not null and status <> 'wiederbelegt'
order by id

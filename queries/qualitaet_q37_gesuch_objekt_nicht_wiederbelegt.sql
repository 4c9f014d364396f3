-- Quality rule Q37: a premises request met ('vermittelt') with a unit whose record does not say
-- it was re-let, or was re-let on another day than the request was settled (warning: one of
-- the two records is probably not up to date).
-- Parameters: none.
-- Grain: one row per offending request (id = gesuch_id).
select g.gesuch_id as id,
       'Objekt ' || g.objekt_id || ': Status ' || l.status
           || coalesce(', wiederbelegt am ' || strftime(l.wiederbelegt_am, '%d.%m.%Y'), '')
           || coalesce(', Gesuch erledigt am ' || strftime(g.erledigt_am, '%d.%m.%Y'), '')
           as details,
       g.quartier, null::varchar as traeger
from stg_raumgesuche g
join stg_leerstaende l using (objekt_id)
where g.status = 'vermittelt'
  and (l.status <> 'wiederbelegt' or l.wiederbelegt_am is distinct from g.erledigt_am)
order by id

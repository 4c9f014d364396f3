-- Quality rule Q17: a business closed before it was founded.
-- Parameters: none.
-- Grain: one row per offending business (id = betrieb_id).
select betrieb_id as id,
       'Gründung ' || strftime(gruendung, '%d.%m.%Y') || ', Schließung '
           || strftime(status_datum, '%d.%m.%Y') as details,
       quartier, null::varchar as traeger
from stg_betriebe
where status_datum < gruendung
order by id

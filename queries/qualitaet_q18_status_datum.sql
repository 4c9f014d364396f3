-- Quality rule Q18: status and closing date contradict each other (closed without a date,
-- or active with a closing date).
-- Parameters: none.
-- Grain: one row per offending business (id = betrieb_id).
select betrieb_id as id,
       case when status = 'geschlossen' then 'geschlossen, aber kein Schließungsdatum'
            else 'aktiv, aber Schließungsdatum ' || strftime(status_datum, '%d.%m.%Y') end
           as details,
       quartier, null::varchar as traeger
from stg_betriebe
where (status = 'geschlossen' and status_datum is null)
   or (status = 'aktiv' and status_datum is not null)
order by id

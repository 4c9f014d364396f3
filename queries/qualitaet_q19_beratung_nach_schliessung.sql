-- Quality rule Q19: a consultation of a business after its closure.
-- Parameters: none.
-- Grain: one row per offending consultation (id = betrieb_id).
select r.betrieb_id as id,
       r.format || ' am ' || strftime(r.datum, '%d.%m.%Y') || ', geschlossen seit '
           || strftime(b.status_datum, '%d.%m.%Y') as details,
       b.quartier, null::varchar as traeger
from stg_beratungen r
join stg_betriebe b using (betrieb_id)
where b.status = 'geschlossen' and r.datum > b.status_datum
order by id, r.datum

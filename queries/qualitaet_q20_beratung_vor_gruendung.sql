-- Quality rule Q20: a consultation before the business was founded, other than a
-- pre-founding consultation (Vorgründungsberatung).
-- Parameters: none.
-- Grain: one row per offending consultation (id = betrieb_id).
select r.betrieb_id as id,
       r.format || ' am ' || strftime(r.datum, '%d.%m.%Y') || ', Gründung '
           || strftime(b.gruendung, '%d.%m.%Y') as details,
       b.quartier, null::varchar as traeger
from stg_beratungen r
join stg_betriebe b using (betrieb_id)
where r.datum < b.gruendung and r.format <> 'Vorgründungsberatung'
order by id, r.datum

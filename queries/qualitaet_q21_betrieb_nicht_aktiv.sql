-- Quality rule Q21: an activity (e.g. internship) or placement at a business that was not
-- yet founded or already closed on that day.
-- Parameters: none.
-- Grain: one row per offending activity or placement (id = betrieb_id).
with ereignisse as (
    select betrieb_id, tn_id, datum, art from stg_aktivitaeten where betrieb_id is not null
    union all
    select betrieb_id, tn_id, beginn, 'Vermittlung ' || art from stg_vermittlungen
    where betrieb_id is not null
)
select e.betrieb_id as id,
       e.art || ' von ' || e.tn_id || ' am ' || strftime(e.datum, '%d.%m.%Y')
           || case when e.datum < b.gruendung
                   then ', Gründung ' || strftime(b.gruendung, '%d.%m.%Y')
                   else ', geschlossen seit ' || strftime(b.status_datum, '%d.%m.%Y') end
           as details,
       b.quartier, t.traeger
from ereignisse e
join stg_betriebe b using (betrieb_id)
left join stg_teilnehmende t on t.tn_id = e.tn_id
where e.datum < b.gruendung or (b.status = 'geschlossen' and e.datum > b.status_datum)
order by id, e.datum

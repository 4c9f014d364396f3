-- Quality rule Q27: a date in the future (after today) – re-let dates, vacancy starts,
-- contacts, entries, exits, activities, placements, consultations, closures.
-- Parameters: none.
-- Grain: one row per offending date (id = tn_id, betrieb_id or objekt_id).
with daten as (
    select objekt_id as id, 'wiederbelegt am' as was, wiederbelegt_am as datum, quartier,
           null::varchar as traeger
    from stg_leerstaende
    union all
    select objekt_id, 'leer seit', leer_seit, quartier, null from stg_leerstaende
    union all
    select tn_id, 'Erstkontakt', erstkontakt, quartier, traeger from stg_teilnehmende
    union all
    select tn_id, 'Eintritt', eintritt, quartier, traeger from stg_teilnehmende
    union all
    select tn_id, 'Austritt', austritt, quartier, traeger from stg_teilnehmende
    union all
    select a.tn_id, 'Aktivität ' || a.art, a.datum, t.quartier, t.traeger
    from stg_aktivitaeten a join stg_teilnehmende t using (tn_id)
    union all
    select v.tn_id, 'Vermittlung', v.beginn, t.quartier, t.traeger
    from stg_vermittlungen v join stg_teilnehmende t using (tn_id)
    union all
    select r.betrieb_id, 'Beratung ' || r.format, r.datum, b.quartier, null
    from stg_beratungen r join stg_betriebe b using (betrieb_id)
    union all
    select betrieb_id, 'Schließung', status_datum, quartier, null from stg_betriebe
)
select id, was || ' ' || strftime(datum, '%d.%m.%Y') as details, quartier, traeger
from daten
where datum > current_date
order by id, datum

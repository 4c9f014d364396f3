-- Quality rule Q09: an activity outside the participation period (before the first
-- contact or after the exit).
-- Parameters: none.
-- Grain: one row per offending activity (id = tn_id).
select a.tn_id as id,
       a.art || ' am ' || strftime(a.datum, '%d.%m.%Y') || ' (Teilnahme '
           || strftime(t.erstkontakt, '%d.%m.%Y') || ' – '
           || coalesce(strftime(t.austritt, '%d.%m.%Y'), 'offen') || ')' as details,
       t.quartier, t.traeger
from stg_aktivitaeten a
join stg_teilnehmende t using (tn_id)
where a.datum < t.erstkontakt or a.datum > t.austritt
order by id, a.datum, a.art

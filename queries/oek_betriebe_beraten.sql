-- Young businesses advised by the project in the period, with what the Betriebe page needs:
-- attributes, first consultation ever, consultations in the period, closure, reference date.
-- Parameters: $quartier (seat of the business, NULL = both), $von, $bis (period, inclusive;
--   a business counts when it had at least one consultation in it), $branchen (list of
--   sectors, NULL = all).
-- Grain: one row per business. stichtag = the earlier of $bis and the data stand (closures
--   after it are not yet known for this view); erste_beratung = first consultation ever.
with stichtag as (
    select stichtag($bis) as stichtag        -- macro in biwaq/speicher/sql/makros.sql
),
beratung as (
    select betrieb_id,
           min(datum) as erste_beratung,
           count(*) filter (where datum between $von and $bis) as beratungen_zeitraum,
           bool_or(format = 'Vorgründungsberatung') as vorgruendungsberatung
    from stg_beratungen
    group by betrieb_id
),
final as (
    select b.betrieb_id, b.name, b.quartier, b.stadtteil, b.branche, b.gruendung,
           year(b.gruendung) as gruendungsjahr, b.migrantenoekonomie, b.beschaeftigte,
           b.status, b.status_datum, r.erste_beratung, r.beratungen_zeitraum,
           r.vorgruendungsberatung, s.stichtag
    from stg_betriebe b
    join beratung r using (betrieb_id)
    cross join stichtag s
    where r.beratungen_zeitraum > 0
      and ($quartier is null or b.quartier = $quartier)
      and ($branchen is null or list_contains($branchen, b.branche))
    order by b.betrieb_id
)
select * from final

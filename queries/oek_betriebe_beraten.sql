-- Young businesses advised by the project in the period, with what the Betriebe page needs:
-- attributes, first consultation ever, consultations in the period, closure, reference date.
-- Parameters: $quartier (seat of the business, NULL = both), $von, $bis (period, inclusive;
--   a business counts when it had at least one consultation in it), $branchen (list of
--   sectors, NULL = all).
-- Grain: one row per business. stichtag = the earlier of $bis and the data stand (closures
--   after it are not yet known for this view); erste_beratung = first consultation ever.
with final as (
    select betrieb_id, name, quartier, stadtteil, branche, gruendung,
           year(gruendung) as gruendungsjahr, migrantenoekonomie, beschaeftigte,
           status, status_datum, erste_beratung, beratungen_zeitraum,
           vorgruendungsberatung, stichtag
    from betriebe_beraten($quartier, $von, $bis, $branchen)  -- biwaq/speicher/sql/makros.sql
    order by betrieb_id
)
select * from final

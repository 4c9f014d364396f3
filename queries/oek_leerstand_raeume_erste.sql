-- "Räume finden" as the Leerstand page shows it (issue 14: 45,000 hits at scale 1000 stay in
-- DuckDB): the first $zeilen hits in the chosen order and the $punkte largest (the rings on
-- the map), with the number of all hits; the downloads read oek_leerstand_raeume.
-- Parameters: $raum_status, $raum_arten, $raum_min, $raum_max, $raum_quartier,
--   $raum_stadtteile, $raum_sortierung – as in oek_leerstand_raeume; $zeilen (rows of the
--   list), $punkte (hits ringed on the map).
-- Grain: one row per hit that is among the first $zeilen of oek_leerstand_raeume (in_liste)
--   or among the $punkte largest by floor area, ties by objekt_id (auf_karte); the columns
--   of oek_leerstand_raeume, nr (order among the rows returned: the list's order),
--   treffer (all hits). Order: nr.
with treffer as (
    select *
    from raeume_suche($raum_status, $raum_arten, $raum_min, $raum_max, $raum_quartier,
                      $raum_stadtteile)
),
-- top-N sorts instead of numbering every hit
liste as (
    select objekt_id from treffer
    order by case when $raum_sortierung = 'flaeche_auf' then flaeche_m2 end asc nulls last,
             case when $raum_sortierung = 'dauer' then leer_seit end asc nulls last,
             flaeche_m2 desc, objekt_id
    limit $zeilen
),
karte as (
    select objekt_id from treffer order by flaeche_m2 desc, objekt_id limit $punkte
),
final as (
    select t.*,
           row_number() over (
               order by case when $raum_sortierung = 'flaeche_auf' then t.flaeche_m2 end
                            asc nulls last,
                        case when $raum_sortierung = 'dauer' then t.leer_seit end
                            asc nulls last,
                        t.flaeche_m2 desc, t.objekt_id) as nr,
           (select count(*) from treffer) as treffer,
           t.objekt_id in (select objekt_id from liste) as in_liste,
           t.objekt_id in (select objekt_id from karte) as auf_karte
    from treffer t
    where t.objekt_id in (select objekt_id from liste)
       or t.objekt_id in (select objekt_id from karte)
    order by nr
)
select * from final

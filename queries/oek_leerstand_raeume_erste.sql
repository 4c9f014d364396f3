-- "Räume finden" as the Leerstand page shows it (issue 14: 45,000 hits at scale 1000 stay in
-- DuckDB): the first $zeilen hits in the chosen order and the $punkte largest (the rings on
-- the map), with the number of all hits; the downloads read oek_leerstand_raeume.
-- Parameters: $raum_status, $raum_arten, $raum_min, $raum_max, $raum_quartier,
--   $raum_stadtteile, $raum_sortierung – as in oek_leerstand_raeume; $zeilen (rows of the
--   list), $punkte (hits ringed on the map).
-- Grain: one row per hit that is among the first $zeilen of oek_leerstand_raeume (in_liste)
--   or among the $punkte largest by floor area, ties by objekt_id (auf_karte); the columns
--   of oek_leerstand_raeume, nr (position in the list), treffer (all hits). Order: nr.
with treffer as (
    select *,
           row_number() over (
               order by case when $raum_sortierung = 'flaeche_auf' then flaeche_m2 end
                            asc nulls last,
                        case when $raum_sortierung = 'dauer' then leer_seit end asc nulls last,
                        flaeche_m2 desc, objekt_id) as nr,
           row_number() over (order by flaeche_m2 desc, objekt_id) as nr_flaeche,
           count(*) over () as treffer
    from raeume_suche($raum_status, $raum_arten, $raum_min, $raum_max, $raum_quartier,
                      $raum_stadtteile)
),
final as (
    select * exclude (nr_flaeche), nr <= $zeilen as in_liste, nr_flaeche <= $punkte as auf_karte
    from treffer
    where nr <= $zeilen or nr_flaeche <= $punkte
    order by nr
)
select * from final

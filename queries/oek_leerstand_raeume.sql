-- "Räume finden": vacant units matching a founder's needs, largest fit first.
-- Parameters: $raum_arten (list of art, NULL = all), $raum_min, $raum_max (m², NULL = open),
--   $raum_quartier (programme area, NULL = both).
-- Grain: one row per object not re-let at the data stand (status leer, in Vermarktung or
--   Zwischennutzung) within the size range; ordered by floor area, largest first.
with final as (
    select objekt_id, adresse, quartier, stadtteil, art, flaeche_m2, leer_seit, status,
           eigentuemer_typ, nachnutzung
    from mart_leerstaende
    where status <> 'wiederbelegt'
      and ($raum_quartier is null or quartier = $raum_quartier)
      and ($raum_arten is null or list_contains($raum_arten, art))
      and ($raum_min is null or flaeche_m2 >= $raum_min)
      and ($raum_max is null or flaeche_m2 <= $raum_max)
    order by flaeche_m2 desc, objekt_id
)
select * from final

-- "Räume finden": available units matching a founder's needs (as LeAn and Leerstandsmelder
-- users search), at the data stand.
-- Parameters: $raum_status (list of leer, in Vermarktung, Zwischennutzung; NULL = leer and
--   in Vermarktung, "verfügbar"), $raum_arten (list of art, NULL = all), $raum_min, $raum_max
--   (m², NULL = open), $raum_quartier (programme area, NULL = both), $raum_stadtteile (list,
--   NULL = all; 'ohne Angabe' matches a missing district), $raum_sortierung ('flaeche_ab',
--   'flaeche_auf' or 'dauer': longest vacant first; anything else = 'flaeche_ab').
-- Grain: one row per unit not re-let (status leer, in Vermarktung or Zwischennutzung) that
--   matches; monate_leer = months from leer_seit to the data stand.
with stand as (
    select coalesce((select try_cast(wert as date) from _meta where schluessel = 'datenstand'),
                    current_date) as datenstand
),
final as (
    select l.objekt_id, l.adresse, l.quartier, l.stadtteil, l.art, l.flaeche_m2, l.leer_seit,
           l.status, l.eigentuemer_typ, l.nachnutzung, l.lat, l.lon,
           round((s.datenstand - l.leer_seit) / 30.4375, 1) as monate_leer
    from mart_leerstaende l, stand s
    where l.status <> 'wiederbelegt'
      and list_contains(coalesce($raum_status, ['leer', 'in Vermarktung']), l.status)
      and ($raum_quartier is null or l.quartier = $raum_quartier)
      and ($raum_arten is null or list_contains($raum_arten, l.art))
      and ($raum_stadtteile is null
           or list_contains($raum_stadtteile, coalesce(l.stadtteil, 'ohne Angabe')))
      and ($raum_min is null or l.flaeche_m2 >= $raum_min)
      and ($raum_max is null or l.flaeche_m2 <= $raum_max)
    order by case when $raum_sortierung = 'flaeche_auf' then l.flaeche_m2 end asc nulls last,
             case when $raum_sortierung = 'dauer' then l.leer_seit end asc nulls last,
             l.flaeche_m2 desc, l.objekt_id
)
select * from final

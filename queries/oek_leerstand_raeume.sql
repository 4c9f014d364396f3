-- "Räume finden": available units matching a founder's needs (as LeAn and Leerstandsmelder
-- users search), at the data stand.
-- Parameters: $raum_status (list of leer, in Vermarktung, Zwischennutzung; NULL = leer and
--   in Vermarktung, "verfügbar"), $raum_arten (list of art, NULL = all), $raum_min, $raum_max
--   (m², NULL = open), $raum_quartier (programme area, NULL = both), $raum_stadtteile (list,
--   NULL = all; 'ohne Angabe' matches a missing district), $raum_sortierung ('flaeche_ab',
--   'flaeche_auf' or 'dauer': longest vacant first; anything else = 'flaeche_ab').
-- Grain: one row per unit not re-let (status leer, in Vermarktung or Zwischennutzung) that
--   matches; monate_leer = months from leer_seit to the data stand. Rows: macro raeume_suche
--   (makros.sql), shared with oek_leerstand_raeume_erste (the page's first rows).
with final as (
    select *
    from raeume_suche($raum_status, $raum_arten, $raum_min, $raum_max, $raum_quartier,
                      $raum_stadtteile)
    order by case when $raum_sortierung = 'flaeche_auf' then flaeche_m2 end asc nulls last,
             case when $raum_sortierung = 'dauer' then leer_seit end asc nulls last,
             flaeche_m2 desc, objekt_id
)
select * from final

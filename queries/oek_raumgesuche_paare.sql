-- Open premises requests and the available units that fit them ("Gesuche treffen Angebote").
-- Parameters: $quartier (NULL = both; else requests wanting that area or either area, and
--   units in that area).
-- Grain: one row per (open request, fitting unit). "Passend" is defined once, by the macros
--   raum_passt / raum_passend (biwaq/speicher/sql/makros.sql): the unit is available (status
--   leer or in Vermarktung, "verfügbar" as in "Räume finden"), of the wanted art, its floor
--   area within the wanted range (an empty bound is open) and in the wanted programme area
--   (empty = either); status at the data stand. Every pair – for tests and small data; the
--   page reads counts (oek_raumgesuche_zahlen, _erste, _angebote_seite).
with final as (
    select g.gesuch_id, g.datum, g.art, g.flaeche_min_m2, g.flaeche_max_m2,
           g.quartier as gesuch_quartier, g.branche, o.objekt_id, o.adresse, o.quartier,
           o.stadtteil, o.flaeche_m2, o.leer_seit, o.status
    from raum_passend($quartier) p
    join raumgesuche_offen($quartier) g
      on g.art = p.art and g.quartier is not distinct from p.gesuch_quartier
     and g.flaeche_min_m2 is not distinct from p.flaeche_min_m2
     and g.flaeche_max_m2 is not distinct from p.flaeche_max_m2
    join raum_verfuegbar($quartier) o
      on o.art = p.art and o.quartier is not distinct from p.quartier
     and o.flaeche_m2 is not distinct from p.flaeche_m2
    order by g.datum, g.gesuch_id, o.flaeche_m2 desc, o.objekt_id
)
select * from final

-- Open premises requests and the available units that fit them ("Gesuche treffen Angebote").
-- Parameters: $quartier (NULL = both; else requests wanting that area or either area, and
--   units in that area).
-- Grain: one row per (open request, fitting unit). The one definition of "passend": the unit
--   is available (status leer or in Vermarktung, "verfügbar" as in "Räume finden"), of the
--   wanted art, its floor area within the wanted range (an empty bound is open) and in the
--   wanted programme area (empty = either); status at the data stand.
with gesuche as (
    select * from stg_raumgesuche
    where status = 'offen' and ($quartier is null or quartier is null or quartier = $quartier)
),
objekte as (
    select objekt_id, adresse, quartier, stadtteil, art, flaeche_m2, leer_seit, status
    from mart_leerstaende
    where status in ('leer', 'in Vermarktung')
      and ($quartier is null or quartier = $quartier)
),
final as (
    select g.gesuch_id, g.datum, g.art, g.flaeche_min_m2, g.flaeche_max_m2,
           g.quartier as gesuch_quartier, g.branche, o.objekt_id, o.adresse, o.quartier,
           o.stadtteil, o.flaeche_m2, o.leer_seit, o.status
    from gesuche g
    join objekte o
      on o.art = g.art
     and (g.flaeche_min_m2 is null or o.flaeche_m2 >= g.flaeche_min_m2)
     and (g.flaeche_max_m2 is null or o.flaeche_m2 <= g.flaeche_max_m2)
     and (g.quartier is null or o.quartier = g.quartier)
    order by g.datum, g.gesuch_id, o.flaeche_m2 desc, o.objekt_id
)
select * from final

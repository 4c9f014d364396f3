-- Premises requests (optional table raumgesuche) for the Leerstand page, each with the number
-- of available units that fit it at the data stand.
-- Parameters: $quartier (NULL = both: requests for either area and every unit; else requests
--   wanting that area or either area, and units in that area).
-- Grain: one row per request. Fitting unit ("passend"): status leer or in Vermarktung
--   ("verfügbar", as in "Räume finden"), same art, floor area within the wanted range (an
--   empty bound is open), in the wanted programme area (empty = either). passende_objekte is
--   counted for open requests only (0 for the others).
with gesuche as (
    select * from stg_raumgesuche
    where $quartier is null or quartier is null or quartier = $quartier
),
objekte as (
    select objekt_id, art, flaeche_m2, quartier from mart_leerstaende
    where status in ('leer', 'in Vermarktung')
      and ($quartier is null or quartier = $quartier)
),
final as (
    select g.gesuch_id, g.betrieb_id, g.datum, g.art, g.flaeche_min_m2, g.flaeche_max_m2,
           g.quartier, g.branche, g.status, g.objekt_id, g.erledigt_am,
           count(o.objekt_id) filter (where g.status = 'offen') as passende_objekte
    from gesuche g
    left join objekte o
      on o.art = g.art
     and (g.flaeche_min_m2 is null or o.flaeche_m2 >= g.flaeche_min_m2)
     and (g.flaeche_max_m2 is null or o.flaeche_m2 <= g.flaeche_max_m2)
     and (g.quartier is null or o.quartier = g.quartier)
    group by all
    order by g.datum, g.gesuch_id
)
select * from final

-- Available units that fit at least one open premises request, with the number of such
-- requests and the first of them, for the Leerstand page (issue 14: aggregated in DuckDB
-- instead of handing every (request, unit) pair to the page).
-- Parameters: $quartier (NULL = both; else requests wanting that area or either area, and
--   units in that area), $k (how many requests to name per unit).
-- Grain: one row per fitting unit; passende_gesuche = open requests it fits; gesuche = the
--   first $k of their ids in order. Order: most requests first, then largest, then
--   objekt_id. "Passend" as in oek_raumgesuche_paare.
with gesuche as (
    select * from stg_raumgesuche
    where status = 'offen' and ($quartier is null or quartier is null or quartier = $quartier)
),
objekte as (
    select objekt_id, adresse, quartier, stadtteil, art, flaeche_m2, status
    from mart_leerstaende
    where status in ('leer', 'in Vermarktung')
      and ($quartier is null or quartier = $quartier)
),
final as (
    select o.objekt_id, any_value(o.adresse) as adresse, any_value(o.stadtteil) as stadtteil,
           any_value(o.art) as art, any_value(o.flaeche_m2) as flaeche_m2,
           any_value(o.status) as status, count(*) as passende_gesuche,
           min_by(g.gesuch_id, g.gesuch_id, $k) as gesuche
    from gesuche g
    join objekte o
      on o.art = g.art
     and (g.flaeche_min_m2 is null or o.flaeche_m2 >= g.flaeche_min_m2)
     and (g.flaeche_max_m2 is null or o.flaeche_m2 <= g.flaeche_max_m2)
     and (g.quartier is null or o.quartier = g.quartier)
    group by o.objekt_id
    order by passende_gesuche desc, flaeche_m2 desc, o.objekt_id
)
select * from final

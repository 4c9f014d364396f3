-- Open premises requests with the number of fitting available units and the first of them,
-- for the Leerstand page ("Gesuche treffen Angebote"; issue 14: at scale 1000, 44,000 open
-- requests fit tens of millions of units, too many pairs to hand to the page).
-- Parameters: $quartier (NULL = both; else requests wanting that area or either area, and
--   units in that area), $k (how many fitting units to name per request).
-- Grain: one row per open request with at least one fitting unit; passende_objekte = all
--   fitting units; objekte = the first $k of them as {adresse, flaeche_m2}, largest first
--   (ties by objekt_id) – the order of oek_raumgesuche_paare. "Passend" is defined there.
with gesuche as (
    select * from stg_raumgesuche
    where status = 'offen' and ($quartier is null or quartier is null or quartier = $quartier)
),
objekte as (
    select objekt_id, adresse, quartier, art, flaeche_m2
    from mart_leerstaende
    where status in ('leer', 'in Vermarktung')
      and ($quartier is null or quartier = $quartier)
),
final as (
    select g.gesuch_id, count(*) as passende_objekte,
           min_by({'adresse': o.adresse, 'flaeche_m2': o.flaeche_m2},
                  (coalesce(-o.flaeche_m2, 'infinity'::double), o.objekt_id), $k) as objekte
    from gesuche g
    join objekte o
      on o.art = g.art
     and (g.flaeche_min_m2 is null or o.flaeche_m2 >= g.flaeche_min_m2)
     and (g.flaeche_max_m2 is null or o.flaeche_m2 <= g.flaeche_max_m2)
     and (g.quartier is null or o.quartier = g.quartier)
    group by g.gesuch_id
    order by g.gesuch_id
)
select * from final

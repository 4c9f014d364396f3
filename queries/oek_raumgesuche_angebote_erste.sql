-- Available units that fit at least one open premises request, with the number of such
-- requests, naming the requests only for the first rows (the page shows 200), for the
-- Leerstand page. Same rows, order and counts as oek_raumgesuche_angebote (which names them
-- for every unit, for the downloads); "passend" as in oek_raumgesuche_paare.
-- Parameters: $quartier (NULL = both; else requests wanting that area or either area, and
--   units in that area), $k (how many requests to name per unit), $zeilen (name them for
--   the first $zeilen rows; the other rows get an empty list).
-- Grain: one row per fitting unit; passende_gesuche = open requests it fits; gesuche = the
--   first $k of their ids in order. Order: most requests first, then largest, then objekt_id.
-- Method (issue 14: at scale 1000 the pair join took 25 s): a unit of area a fits the
--   requests of its art (for its Quartier or either) with a lower bound <= a or none, minus
--   those with an upper bound < a; a range with lower bound above upper bound fits nothing
--   and is left out first. Both numbers come from an ASOF join with the cumulative counts
--   over the sorted bounds; a unit without area fits only requests without bounds.
with gesuche as (
    select gesuch_id, art, quartier, coalesce(quartier, '') as liste,
           flaeche_min_m2 as von, flaeche_max_m2 as bis
    from stg_raumgesuche
    where status = 'offen' and ($quartier is null or quartier is null or quartier = $quartier)
      and not coalesce(flaeche_min_m2 > flaeche_max_m2, false)
),
objekte as (
    select objekt_id, adresse, quartier, stadtteil, art, flaeche_m2, status
    from mart_leerstaende
    where status in ('leer', 'in Vermarktung')
      and ($quartier is null or quartier = $quartier)
),
-- each unit asks the list of requests for either Quartier ('') and that of its Quartier
fragen as (
    select objekt_id, art, '' as liste, flaeche_m2 from objekte
    union all
    select objekt_id, art, quartier, flaeche_m2 from objekte where quartier is not null
),
je_liste as (
    select art, liste, count(*) filter (where von is null) as ohne_von,
           count(*) filter (where von is null and bis is null) as ohne_grenzen
    from gesuche group by all
),
-- requests with lower bound <= v (cumulative over the distinct lower bounds)
von_stufen as (
    select art, liste, von, sum(m) over (partition by art, liste order by von) as n
    from (select art, liste, von, count(*) as m
          from gesuche where von is not null group by art, liste, von)
),
-- requests with upper bound <= b
bis_stufen as (
    select art, liste, bis, sum(m) over (partition by art, liste order by bis) as n
    from (select art, liste, bis, count(*) as m
          from gesuche where bis is not null group by art, liste, bis)
),
ab_von as (
    select f.objekt_id, f.liste, coalesce(v.n, 0) as n
    from fragen f asof left join von_stufen v
      on f.art = v.art and f.liste = v.liste and f.flaeche_m2 >= v.von
),
unter_bis as (
    select f.objekt_id, f.liste, coalesce(b.n, 0) as n
    from fragen f asof left join bis_stufen b
      on f.art = b.art and f.liste = b.liste and f.flaeche_m2 > b.bis
),
anzahl as (
    select f.objekt_id,
           sum(case when f.flaeche_m2 is null then j.ohne_grenzen
                    else j.ohne_von + av.n - ub.n end) as passende_gesuche
    from fragen f
    join je_liste j on j.art = f.art and j.liste = f.liste
    left join ab_von av on av.objekt_id = f.objekt_id and av.liste = f.liste
    left join unter_bis ub on ub.objekt_id = f.objekt_id and ub.liste = f.liste
    group by f.objekt_id
    having sum(case when f.flaeche_m2 is null then j.ohne_grenzen
                    else j.ohne_von + av.n - ub.n end) > 0
),
reihe as (
    select o.objekt_id, o.adresse, o.stadtteil, o.art, o.flaeche_m2, o.status, o.quartier,
           a.passende_gesuche::bigint as passende_gesuche,
           row_number() over (order by a.passende_gesuche desc, o.flaeche_m2 desc,
                              o.objekt_id) as nr
    from anzahl a join objekte o using (objekt_id)
),
-- the names, for the first $zeilen rows only: the pairs of those units
namen as (
    select r.objekt_id, min_by(g.gesuch_id, g.gesuch_id, $k) as gesuche
    from reihe r
    join gesuche g
      on g.art = r.art
     and (g.von is null or r.flaeche_m2 >= g.von)
     and (g.bis is null or r.flaeche_m2 <= g.bis)
     and (g.quartier is null or r.quartier = g.quartier)
    where r.nr <= $zeilen
    group by r.objekt_id
),
final as (
    select r.objekt_id, r.adresse, r.stadtteil, r.art, r.flaeche_m2, r.status,
           r.passende_gesuche, coalesce(n.gesuche, []::varchar[]) as gesuche
    from reihe r left join namen n using (objekt_id)
    order by r.nr
)
select * from final

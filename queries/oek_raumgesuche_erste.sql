-- The requests' table of "Gesuche und Angebote" as the Leerstand page shows it: the first
-- $zeilen open requests (oldest first) with the number of fitting available units and the
-- first $k of them (issue 14: the page receives the rows it shows, not 44,000).
-- Parameters: $quartier (NULL = both; else requests wanting that area or either area, and
--   units in that area), $k (units to name per request), $zeilen (rows).
-- Grain: one row per open request among the first $zeilen by (datum, gesuch_id), the columns
--   of oek_raumgesuche and passende_objekte (0 for none); objekte = the first $k fitting
--   units as {adresse, flaeche_m2}, largest first (ties by objekt_id) – as
--   oek_raumgesuche_passend. "Passend": macros raum_passt / raum_passend (makros.sql).
-- Method: the units fitting a request are walked by position (art, Quartier, area), largest
--   area first; only positions with fewer than $k units before them are opened, so the
--   200 requests meet a few thousand positions instead of every fitting unit.
with erste as (
    select gesuch_id, betrieb_id, datum, art, flaeche_min_m2, flaeche_max_m2, quartier,
           branche, status, objekt_id, erledigt_am, passende_objekte
    from raumgesuche_gezaehlt($quartier)
    order by datum, gesuch_id
    limit $zeilen
),
lagen as (
    select art, quartier, flaeche_m2, count(*) as n
    from raum_verfuegbar($quartier) group by all
),
-- per request its fitting positions, largest first, with the units before them
vorher as (
    select g.gesuch_id, l.art, l.quartier, l.flaeche_m2,
           sum(l.n) over (partition by g.gesuch_id order by l.flaeche_m2 desc nulls last
                          range between unbounded preceding and current row)
           - sum(l.n) over (partition by g.gesuch_id, l.flaeche_m2) as davor
    from erste g
    join lagen l
      on raum_passt(g.art, g.flaeche_min_m2, g.flaeche_max_m2, g.quartier,
                    l.art, l.flaeche_m2, l.quartier)
),
paare as (
    select v.gesuch_id, o.adresse, o.flaeche_m2,
           v.davor + row_number() over (partition by v.gesuch_id, v.flaeche_m2
                                        order by o.objekt_id) as pos
    from vorher v
    join raum_verfuegbar($quartier) o
      on o.art = v.art and o.quartier is not distinct from v.quartier
     and o.flaeche_m2 is not distinct from v.flaeche_m2
    where v.davor < $k
),
namen as (
    select gesuch_id, list({'adresse': adresse, 'flaeche_m2': flaeche_m2} order by pos)
               as objekte
    from paare where pos <= $k
    group by gesuch_id
),
final as (
    select e.*, coalesce(n.objekte, []) as objekte
    from erste e left join namen n using (gesuch_id)
    order by e.datum, e.gesuch_id
)
select * from final

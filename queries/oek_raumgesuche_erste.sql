-- The requests' table of "Gesuche und Angebote" as the Leerstand page shows it: the first
-- $zeilen open requests (oldest first) with the number of fitting available units and the
-- first $k of them (issue 14: the page receives the rows it shows, not 44,000).
-- Parameters: $quartier (NULL = both; else requests wanting that area or either area, and
--   units in that area), $k (units to name per request), $zeilen (rows).
-- Grain: one row per open request among the first $zeilen by (datum, gesuch_id), the columns
--   of oek_raumgesuche and passende_objekte (0 for none); objekte = the first $k fitting
--   units as {adresse, flaeche_m2}, largest first (ties by objekt_id) – as
--   oek_raumgesuche_passend. "Passend": macros raum_passt / raum_passend (makros.sql).
with offen as (
    select gesuch_id, betrieb_id, datum, art, flaeche_min_m2, flaeche_max_m2, quartier,
           branche, status, objekt_id, erledigt_am, passende_objekte,
           row_number() over (order by datum, gesuch_id) as nr
    from raumgesuche_gezaehlt($quartier)
),
erste as (
    select * from offen where nr <= $zeilen
),
-- the fitting units of the rows shown (at most $zeilen requests)
paare as (
    select g.gesuch_id, o.adresse, o.flaeche_m2,
           row_number() over (partition by g.gesuch_id
                              order by o.flaeche_m2 desc nulls last, o.objekt_id) as pos
    from erste g
    join raum_verfuegbar($quartier) o
      on raum_passt(g.art, g.flaeche_min_m2, g.flaeche_max_m2, g.quartier,
                    o.art, o.flaeche_m2, o.quartier)
),
namen as (
    select gesuch_id, list({'adresse': adresse, 'flaeche_m2': flaeche_m2} order by pos)
               as objekte
    from paare where pos <= $k
    group by gesuch_id
),
final as (
    select e.* exclude (nr), coalesce(n.objekte, []) as objekte
    from erste e left join namen n using (gesuch_id)
    order by e.nr
)
select * from final

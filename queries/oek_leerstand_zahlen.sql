-- Key figures and map counts of the Leerstand page, counted in DuckDB (issue 14; the
-- definitions of oekonomie.leerstand_kennzahlen on the rows of oek_leerstand_objekte).
-- Parameters: $quartier (NULL = both), $von, $bis (period), $arten, $status, $stadtteile,
--   $flaeche_min, $flaeche_max, $leer_von, $leer_bis – as in oek_leerstand_objekte.
-- Grain: one row per status_stichtag among the selected objects (anzahl = its objects; none
--   when no object is selected), with the figures of all selected objects repeated on every
--   row: objekte (all), einheiten (vacant at the reference date), flaeche_m2 (their floor
--   area, summed exactly as decimals), median_monate (median months vacant of those: the
--   middle value, or the mean of the two middle values), wiederbelegt (re-let in the
--   period), stichtag.
with o as (
    select *
    from leerstand_objekte($quartier, $von, $bis, $arten, $status, $stadtteile, $flaeche_min,
                           $flaeche_max, $leer_von, $leer_bis)
),
leer as (
    select monate_leer, row_number() over (order by monate_leer) as nr, count(*) over () as n
    from o where leer_am_stichtag
),
median as (
    select case when any_value(n) % 2 = 1
                then max(monate_leer) filter (where nr = (n + 1) // 2)
                else (max(monate_leer) filter (where nr = n // 2)
                      + max(monate_leer) filter (where nr = n // 2 + 1)) / 2 end
               as median_monate
    from leer
),
summen as (
    select count(*) as objekte,
           count(*) filter (where leer_am_stichtag) as einheiten,
           coalesce(sum(flaeche_m2::decimal(38, 6)) filter (where leer_am_stichtag), 0)::double
               as flaeche_m2,
           count(*) filter (where wiederbelegt_im_zeitraum) as wiederbelegt,
           any_value(stichtag) as stichtag
    from o
),
je_status as (
    select status_stichtag, count(*) as anzahl from o group by status_stichtag
),
final as (
    select j.status_stichtag, j.anzahl, s.objekte, s.einheiten, s.flaeche_m2,
           m.median_monate, s.wiederbelegt, s.stichtag
    from je_status j, summen s, median m
    order by j.anzahl desc, j.status_stichtag
)
select * from final

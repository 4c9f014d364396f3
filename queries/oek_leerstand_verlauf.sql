-- Vacant stock per district at the end of each quarter of the period (the last point is the
-- reference date), for the line chart on the Leerstand page.
-- Parameters: $quartier (NULL = both), $von, $bis (period, inclusive); $arten, $status
--   (statuses at each quarter's end, as status_stichtag in oek_leerstand_objekte),
--   $stadtteile (lists, NULL = all), $flaeche_min, $flaeche_max (m², NULL = open),
--   $leer_von, $leer_bis (range of leer_seit, NULL = open) – as in oek_leerstand_objekte.
-- Grain: one row per (quarter, district) for every quarter overlapping the period up to the
--   reference date and every district of the selected objects; einheiten = objects vacant on
--   that day (leer_seit <= day, not re-let by then), flaeche_m2 their floor area (0 if none).
with stichtag as (
    select least(cast($bis as date),
                 coalesce((select try_cast(wert as date) from _meta
                           where schluessel = 'datenstand'), cast($bis as date))) as stichtag
),
objekte as (
    select coalesce(l.stadtteil, 'ohne Angabe') as stadtteil, l.flaeche_m2, l.leer_seit,
           case when l.status = 'wiederbelegt' then l.wiederbelegt_am end as wieder_am,
           -- status while vacant (a later re-letting counts as 'leer' before it)
           case when l.status = 'wiederbelegt' then 'leer' else l.status end as status_leer
    from mart_leerstaende l
    where ($quartier is null or l.quartier = $quartier)
      and ($arten is null or list_contains($arten, l.art))
      and ($stadtteile is null or list_contains($stadtteile, coalesce(l.stadtteil, 'ohne Angabe')))
      and ($flaeche_min is null or l.flaeche_m2 >= $flaeche_min)
      and ($flaeche_max is null or l.flaeche_m2 <= $flaeche_max)
      and ($leer_von is null or l.leer_seit >= $leer_von)
      and ($leer_bis is null or l.leer_seit <= $leer_bis)
),
quartale as (
    select cast(q as date) as quartal,
           least(cast(q + interval 3 month - interval 1 day as date), s.stichtag) as stichtag
    from stichtag s,
         generate_series(date_trunc('quarter', cast($von as date)),
                         date_trunc('quarter', s.stichtag), interval 3 month) as g(q)
    where cast(q as date) <= s.stichtag
),
stadtteile as (
    select distinct stadtteil from objekte
    where $status is null or list_contains($status, status_leer)
),
final as (
    select q.quartal, year(q.quartal) || ' Q' || quarter(q.quartal) as quartal_label,
           q.stichtag, t.stadtteil,
           count(o.stadtteil) as einheiten,
           coalesce(sum(o.flaeche_m2), 0) as flaeche_m2
    from quartale q
    cross join stadtteile t
    left join objekte o
      on o.stadtteil = t.stadtteil
     and o.leer_seit <= q.stichtag
     and (o.wieder_am is null or o.wieder_am > q.stichtag)
     and ($status is null or list_contains($status, o.status_leer))
    group by all
    order by q.quartal, t.stadtteil
)
select * from final

-- Vacant units and brownfields for the Leerstand page (map, figures, table), with the page's
-- own filters and each object's state at the reference date.
-- Parameters: $quartier (NULL = both), $von, $bis (period, inclusive); $arten,
--   $status (list of statuses at the reference date, see below), $stadtteile (lists of
--   values, NULL = all; 'ohne Angabe' matches a missing district),
--   $flaeche_min, $flaeche_max (m², NULL = open), $leer_von, $leer_bis (range of leer_seit,
--   NULL = open).
-- Grain: one row per object that stood vacant on at least one day of the period up to the
--   reference date: stichtag = the earlier of $bis and the data stand; leer_seit <= stichtag
--   and not re-let before $von. A re-letting date only counts when the status is
--   'wiederbelegt'.
-- status_stichtag ("Status am Stichtag"): 'wiederbelegt' when re-let on or before the
--   reference date; 'leer' for a unit re-let only after it (the contract keeps the current
--   status only, so marketing or temporary use before a later re-letting is unknown); else
--   the recorded status (leer, in Vermarktung, Zwischennutzung). status = the recorded one.
with stichtag as (
    select least(cast($bis as date),
                 coalesce((select try_cast(wert as date) from _meta
                           where schluessel = 'datenstand'), cast($bis as date))) as stichtag
),
basis as (
    select l.*, s.stichtag,
           case when l.status = 'wiederbelegt' then l.wiederbelegt_am end as wieder_am,
           case when l.status = 'wiederbelegt' and l.wiederbelegt_am <= s.stichtag
                    then 'wiederbelegt'
                when l.status = 'wiederbelegt' then 'leer'
                else l.status end as status_stichtag
    from mart_leerstaende l, stichtag s
    where ($quartier is null or l.quartier = $quartier)
      and ($arten is null or list_contains($arten, l.art))
      and ($stadtteile is null or list_contains($stadtteile, coalesce(l.stadtteil, 'ohne Angabe')))
      and ($flaeche_min is null or l.flaeche_m2 >= $flaeche_min)
      and ($flaeche_max is null or l.flaeche_m2 <= $flaeche_max)
      and ($leer_von is null or l.leer_seit >= $leer_von)
      and ($leer_bis is null or l.leer_seit <= $leer_bis)
),
final as (
    select objekt_id, adresse, quartier, stadtteil, stadtteil_herkunft, art, flaeche_m2,
           leer_seit, status, status_stichtag, wiederbelegt_am, nachnutzung, eigentuemer_typ,
           oeffentlich, lat, lon, stichtag,
           wieder_am is null or wieder_am > stichtag as leer_am_stichtag,
           case when wieder_am is null or wieder_am > stichtag
                then (stichtag - leer_seit) / 30.4375 end as monate_leer,   -- rounded at display
           coalesce(wieder_am between cast($von as date) and stichtag, false)
               as wiederbelegt_im_zeitraum
    from basis
    where leer_seit <= stichtag
      and (wieder_am is null or wieder_am >= cast($von as date))
      and ($status is null or list_contains($status, status_stichtag))
    order by flaeche_m2 desc, objekt_id
)
select * from final

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
-- The rows come from the macro leerstand_objekte (makros.sql), which the page's key figures
--   (oek_leerstand_zahlen) and map (oek_leerstand_karte) share.
with final as (
    select objekt_id, adresse, quartier, stadtteil, stadtteil_herkunft, art, flaeche_m2,
           leer_seit, status, status_stichtag, wiederbelegt_am, nachnutzung, eigentuemer_typ,
           oeffentlich, lat, lon, stichtag, leer_am_stichtag, monate_leer,
           wiederbelegt_im_zeitraum
    from leerstand_objekte($quartier, $von, $bis, $arten, $status, $stadtteile, $flaeche_min,
                           $flaeche_max, $leer_von, $leer_bis)
    order by flaeche_m2 desc, objekt_id
)
select * from final

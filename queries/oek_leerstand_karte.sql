-- The objects the Leerstand page draws on its map and lists in the table behind it: the
-- first $zeilen rows of oek_leerstand_objekte (the largest by floor area, ties by
-- objekt_id), issue 14: 80,000 objects at scale 1000 stay in DuckDB; the download reads
-- oek_leerstand_objekte.
-- Parameters: $quartier (NULL = both), $von, $bis (period), $arten, $status, $stadtteile,
--   $flaeche_min, $flaeche_max, $leer_von, $leer_bis – as in oek_leerstand_objekte;
--   $zeilen (rows).
-- Grain: one row per object, the columns and order of oek_leerstand_objekte.
with final as (
    select *            -- the columns of oek_leerstand_objekte
    from leerstand_objekte($quartier, $von, $bis, $arten, $status, $stadtteile, $flaeche_min,
                           $flaeche_max, $leer_von, $leer_bis)
    order by flaeche_m2 desc, objekt_id
    limit $zeilen
)
select * from final

-- The units' table of "Gesuche und Angebote" as the Leerstand page shows it: the first
-- $zeilen available units that fit at least one open request, with the count of all such
-- units (issue 14: the page receives the rows it shows, not 45,000).
-- Parameters: $quartier (NULL = both; else requests wanting that area or either area, and
--   units in that area), $k (how many requests to name per unit), $zeilen (rows).
-- Grain: one row per unit among the first $zeilen of oek_raumgesuche_angebote (same order,
--   counts and names); alle = the number of fitting units (every row the same).
with final as (
    select objekt_id, adresse, stadtteil, art, flaeche_m2, status, passende_gesuche, gesuche,
           alle
    from raum_angebote_gezaehlt($quartier, $k, $zeilen)
    where nr <= $zeilen
    order by nr
)
select * from final

-- Available units that fit at least one open premises request, with the number of such
-- requests, naming the requests only for the first rows. Same rows, order and counts as
-- oek_raumgesuche_angebote (which names them for every unit).
-- Parameters: $quartier (NULL = both; else requests wanting that area or either area, and
--   units in that area), $k (how many requests to name per unit), $zeilen (name them for
--   the first $zeilen rows; the other rows get an empty list).
-- Grain: one row per fitting unit; passende_gesuche = open requests it fits; gesuche = the
--   first $k of their ids in order. Order: most requests first, then largest, then objekt_id.
--   "Passend" and the counting: macro raum_angebote_gezaehlt (makros.sql).
with final as (
    select objekt_id, adresse, stadtteil, art, flaeche_m2, status, passende_gesuche, gesuche
    from raum_angebote_gezaehlt($quartier, $k, $zeilen)
    order by nr
)
select * from final

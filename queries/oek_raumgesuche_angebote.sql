-- Available units that fit at least one open premises request, with the number of such
-- requests and the first of them, for the downloads of the Leerstand page.
-- Parameters: $quartier (NULL = both; else requests wanting that area or either area, and
--   units in that area), $k (how many requests to name per unit).
-- Grain: one row per fitting unit; passende_gesuche = open requests it fits; gesuche = the
--   first $k of their ids in order. Order: most requests first, then largest, then
--   objekt_id. "Passend" and the counting: macro raum_angebote_gezaehlt (makros.sql; issue
--   14: per request form and unit position instead of every request–unit pair).
with final as (
    select objekt_id, adresse, stadtteil, art, flaeche_m2, status, passende_gesuche, gesuche
    from raum_angebote_gezaehlt($quartier, $k, null)
    order by nr
)
select * from final

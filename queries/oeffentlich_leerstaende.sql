-- Public figures: vacant units for the district tables and the map of units whose owner
-- agreed to publication of the exact position.
-- Parameters: none.
-- Grain: one row per vacant unit (object). The district is the recorded one, else the one
-- its position lies in (mart_leerstaende); 'ohne Angabe' when neither is known. Address,
-- floor area and position are published only where oeffentlich is true (biwaq.oeffentlich.publish).
with final as (
    select objekt_id, coalesce(stadtteil, 'ohne Angabe') as stadtteil, art, leer_seit,
           wiederbelegt_am, oeffentlich, adresse, flaeche_m2, lat, lon
    from mart_leerstaende
    order by objekt_id
)
select * from final

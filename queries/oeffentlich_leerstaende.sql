-- Public figures: vacant units for the district tables and the map of units whose owner
-- agreed to publication of the exact position.
-- Parameters: none.
-- Grain: one row per vacant unit (object); stadtteil 'ohne Angabe' when unknown. The
-- position is used only where oeffentlich is true.
with final as (
    select objekt_id, coalesce(stadtteil, 'ohne Angabe') as stadtteil, art, leer_seit,
           wiederbelegt_am, oeffentlich, lat, lon
    from stg_leerstaende
    order by objekt_id
)
select * from final

-- Choices for the Leerstand page filters: districts present, range of leer_seit, largest area.
-- Parameters: $quartier (NULL = both).
-- Grain: one row per district (stadtteil, 'ohne Angabe' for objects without one), with the
--   overall leer_seit range and maximum floor area repeated on every row.
with objekte as (
    select coalesce(stadtteil, 'ohne Angabe') as stadtteil, leer_seit, flaeche_m2
    from mart_leerstaende
    where $quartier is null or quartier = $quartier
),
final as (
    select distinct stadtteil,
           min(leer_seit) over () as leer_seit_min,
           max(leer_seit) over () as leer_seit_max,
           max(flaeche_m2) over () as flaeche_max
    from objekte
    order by stadtteil
)
select * from final

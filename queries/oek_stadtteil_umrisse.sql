-- District outlines for the vacancy map (WKT in WGS84) and whether they are schematic.
-- Parameters: none.
-- Grain: one row per district in stadtteil_geo.
select stadtteil, quartier, schematisch, wkt, flaeche_ha_utm
from stadtteil_geo
order by stadtteil

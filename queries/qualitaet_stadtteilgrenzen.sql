-- District outlines stored with the data (WKT, WGS84), input of the spatial quality rules.
-- Parameters: none.
-- Grain: one row per district outline.
select stadtteil, quartier, schematisch, wkt, flaeche_ha_utm
from stadtteil_geo
order by stadtteil

-- Quality rule Q22: a business position outside the city of Erfurt (bounding box
-- contract.ERFURT_BBOX).
-- Parameters: $lat_min, $lat_max, $lon_min, $lon_max (WGS84 bounding box of Erfurt).
-- Grain: one row per offending business (id = betrieb_id).
select betrieb_id as id,
       'Position ' || round(lat, 5) || ', ' || round(lon, 5) as details,
       quartier, null::varchar as traeger
from stg_betriebe
where lat is not null and lon is not null
  and (lat < $lat_min or lat > $lat_max or lon < $lon_min or lon > $lon_max)
order by id

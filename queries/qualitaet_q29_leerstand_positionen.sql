-- Input of quality rule Q29 (vacancy outside its stated district, checked in Python with
-- biwaq.einlesen.geo): positions of vacancies that state a district.
-- Parameters: none.
-- Grain: one row per vacancy with a stated district.
select objekt_id as id, stadtteil, lat, lon, quartier, null::varchar as traeger
from stg_leerstaende
where stadtteil is not null
order by id

-- Sectors for the Betriebe page filter.
-- Parameters: none.
-- Grain: one row per sector (branche) of the businesses.
select distinct branche
from stg_betriebe
order by branche

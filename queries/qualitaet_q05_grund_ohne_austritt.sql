-- Quality rule Q05: an exit reason without an exit date.
-- Parameters: none.
-- Grain: one row per offending participant (id = tn_id).
select tn_id as id,
       'Austrittsgrund ' || austrittsgrund || ', kein Austrittsdatum' as details,
       quartier, traeger
from stg_teilnehmende
where austrittsgrund is not null and austritt is null
order by id

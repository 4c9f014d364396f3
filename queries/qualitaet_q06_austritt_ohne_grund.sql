-- Quality rule Q06: an exit without an exit reason (ESF results need it).
-- Parameters: none.
-- Grain: one row per offending participant (id = tn_id).
select tn_id as id,
       'Austritt ' || strftime(austritt, '%d.%m.%Y') || ', kein Austrittsgrund' as details,
       quartier, traeger
from stg_teilnehmende
where austritt is not null and austrittsgrund is null
order by id

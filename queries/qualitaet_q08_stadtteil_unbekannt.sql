-- Quality rule Q08: a district name that the district statistics do not know (checked
-- only once district statistics are loaded) – participants, businesses, vacancies.
-- Parameters: none.
-- Grain: one row per offending record (id = tn_id, betrieb_id or objekt_id).
with bekannt as (
    select distinct stadtteil from stg_stadtteile
),
saetze as (
    select tn_id as id, 'Teilnehmende' as tabelle, stadtteil, quartier, traeger
    from stg_teilnehmende
    union all
    select betrieb_id, 'Betrieb', stadtteil, quartier, null from stg_betriebe
    union all
    select objekt_id, 'Leerstand', stadtteil, quartier, null from stg_leerstaende
)
select s.id, s.tabelle || ': Stadtteil „' || s.stadtteil || '“' as details,
       s.quartier, s.traeger
from saetze s
where s.stadtteil is not null
  and exists (select 1 from bekannt)
  and s.stadtteil not in (select stadtteil from bekannt)
order by s.id

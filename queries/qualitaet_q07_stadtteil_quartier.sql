-- Quality rule Q07: the stated district belongs to another programme area (per the
-- district statistics) than the stated quartier – participants, businesses, vacancies.
-- Parameters: none.
-- Grain: one row per offending record (id = tn_id, betrieb_id or objekt_id).
with zuordnung as (
    select distinct stadtteil, quartier from stg_stadtteile where quartier is not null
),
saetze as (
    select tn_id as id, 'Teilnehmende' as tabelle, stadtteil, quartier, traeger
    from stg_teilnehmende
    union all
    select betrieb_id, 'Betrieb', stadtteil, quartier, null from stg_betriebe
    union all
    select objekt_id, 'Leerstand', stadtteil, quartier, null from stg_leerstaende
)
select s.id,
       s.tabelle || ': Stadtteil ' || s.stadtteil || ' gehört zu ' || z.quartier
           || ', angegeben ist ' || s.quartier as details,
       s.quartier, s.traeger
from saetze s
join zuordnung z on z.stadtteil = s.stadtteil
where z.quartier <> s.quartier
order by s.id

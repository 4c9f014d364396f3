-- Vacancies whose position does not fit the stored district outlines: outside every district,
-- in another district than the recorded one, or not yet checked (imported after the outlines).
-- Shown on the Leerstand page and printed by `python -m biwaq build`.
-- Parameters: none.
-- Grain: one row per reported vacancy; no rows while no outlines are stored.
with geprueft as (
    select l.objekt_id, l.adresse, l.quartier, l.stadtteil as stadtteil_angabe, l.lat, l.lon,
           g.objekt_id is not null as lage_geprueft, g.stadtteil_lage, g.naechster_stadtteil,
           g.abstand_m
    from stg_leerstaende l
    left join leerstand_lage g using (objekt_id)
    where exists (select 1 from stadtteil_geo)
),
final as (
    select *,
           case
               when not lage_geprueft then 'Lage noch nicht mit den Umrissen abgeglichen'
               when stadtteil_lage is null then 'außerhalb aller Stadtteile ('
                   || cast(cast(abstand_m as bigint) as varchar) || ' m bis '
                   || naechster_stadtteil || ')'
               else 'liegt in ' || stadtteil_lage || ', angegeben ist ' || stadtteil_angabe
           end as hinweis
    from geprueft
    where not lage_geprueft
       or stadtteil_lage is null
       or (stadtteil_angabe is not null and stadtteil_angabe <> stadtteil_lage)
    order by objekt_id
)
select * from final

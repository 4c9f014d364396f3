-- Headline figures of the overview, each beside its agreed target.
-- Parameters: $quartier, $traeger, $zielgruppe (NULL = all), $von, $bis (period, inclusive).
-- Grain: one row per key figure (kennzahl), with wert, zielwert and bis (NULL if no target).
-- Participant figures honour all filters; business and vacancy figures honour Quartier and
-- Zeitraum only (those records have no partner or target group), and their target is the
-- one for all groups. Targets are looked up for the chosen Quartier and Zielgruppe.
with tn as (
    select *
    from teilnehmende_gefiltert($quartier, $traeger, $zielgruppe)
),
platz as (
    select v.*
    from stg_vermittlungen v
    join tn using (tn_id)
    where v.beginn between $von and $bis
),
werte as (
    select 'teilnehmende' as kennzahl, 1 as pos,
           count(*) filter (where erstkontakt between $von and $bis) as wert
    from tn
    union all
    select 'eintritte', 2, count(*) filter (where eintritt between $von and $bis) from tn
    union all
    select 'vermittlungen', 3, count(distinct tn_id) from platz
    union all
    select 'verbleib_6m', 4, count(distinct tn_id) filter (where verbleib_6m = 'ja') from platz
    union all
    select 'betriebe_beraten', 5, count(distinct b.betrieb_id)
    from stg_beratungen b
    join stg_betriebe using (betrieb_id)
    where b.datum between $von and $bis
      and ($quartier is null or stg_betriebe.quartier = $quartier)
    union all
    select 'leerstaende_wiederbelegt', 6, count(*)
    from stg_leerstaende
    where wiederbelegt_am between $von and $bis
      and ($quartier is null or quartier = $quartier)
),
final as (
    select w.kennzahl, w.wert, z.zielwert, z.bis
    from werte w
    left join stg_ziele z
      on z.kennzahl = w.kennzahl
     and z.quartier is not distinct from $quartier
     and z.zielgruppe is not distinct from (
            case when w.kennzahl in ('betriebe_beraten', 'leerstaende_wiederbelegt')
                 then null else $zielgruppe end)
    order by w.pos
)
select * from final

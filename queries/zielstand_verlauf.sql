-- Cumulative actual per quarter for every agreed target (table ziele) that fits the filters:
-- the basis of the on-track rule (biwaq/zahlen/zielstand.py) on Übersicht, Zielgruppen and the report.
-- Parameters: $quartier, $zielgruppe (NULL = all; with a value only targets of that area resp.
--   group, or – for betriebe_beraten and leerstaende_wiederbelegt, which have no group – the
--   target for all groups), $bis (end of the chosen period), $laufzeit_start (start of every
--   target period: the project start). The start of the period filter does not apply: targets
--   are cumulative from the project start. There is no Träger parameter: targets are not
--   agreed per Träger.
-- Grain: one row per target (kennzahl, quartier, zielgruppe) and calendar quarter with events
--   (quartal = first day of the quarter, NULL for a target with no event yet); neu = events in
--   that quarter from $laufzeit_start to stichtag = least($bis, data stand, deadline).
--   Events, as the overview counts them (uebersicht_kennzahlen.sql):
--     teilnehmende: person's Erstkontakt; eintritte: person's Eintritt;
--     vermittlungen: person's first placement (each person once);
--     verbleib_6m: person's first placement with verbleib_6m = 'ja' (counted at its start);
--     betriebe_beraten: business's first consultation (each business once);
--     leerstaende_wiederbelegt: vacancy's wiederbelegt_am.
with stand as (
    select max(try_cast(wert as date)) as datenstand from _meta where schluessel = 'datenstand'
),
ziele as (
    select z.kennzahl, z.quartier, z.zielgruppe, z.zielwert, z.bis,
           least(cast($bis as date), coalesce(s.datenstand, cast($bis as date)), z.bis)
               as stichtag
    from stg_ziele z
    cross join stand s
    where ($quartier is null or z.quartier = $quartier)
      and (case when z.kennzahl in ('betriebe_beraten', 'leerstaende_wiederbelegt')
                then z.zielgruppe is null
                else ($zielgruppe is null or z.zielgruppe = $zielgruppe) end)
),
start as (
    select cast($laufzeit_start as date) as d
),
platz as (
    select v.tn_id, min(v.beginn) as erste,
           min(v.beginn) filter (where v.verbleib_6m = 'ja') as erste_verbleib
    from stg_vermittlungen v, start
    where v.beginn >= start.d
    group by v.tn_id
),
ereignisse as (
    select 'teilnehmende' as kennzahl, quartier, zielgruppen, erstkontakt as datum
    from mart_teilnehmende
    union all
    select 'eintritte', quartier, zielgruppen, eintritt from mart_teilnehmende
    union all
    select 'vermittlungen', t.quartier, t.zielgruppen, p.erste
    from platz p join mart_teilnehmende t using (tn_id)
    union all
    select 'verbleib_6m', t.quartier, t.zielgruppen, p.erste_verbleib
    from platz p join mart_teilnehmende t using (tn_id)
    union all
    select 'betriebe_beraten', b.quartier, null, min(r.datum)
    from stg_beratungen r
    join stg_betriebe b using (betrieb_id), start
    where r.datum >= start.d
    group by b.betrieb_id, b.quartier
    union all
    select 'leerstaende_wiederbelegt', quartier, null, wiederbelegt_am from stg_leerstaende
),
final as (
    select z.kennzahl, z.quartier, z.zielgruppe, z.zielwert, z.bis, z.stichtag,
           cast(date_trunc('quarter', e.datum) as date) as quartal,
           count(e.datum) as neu
    from ziele z
    cross join start
    left join ereignisse e
      on e.kennzahl = z.kennzahl
     and (z.quartier is null or e.quartier = z.quartier)
     and (z.zielgruppe is null or list_contains(e.zielgruppen, z.zielgruppe))
     and e.datum between start.d and z.stichtag
    group by all
    order by all
)
select * from final

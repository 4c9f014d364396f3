-- Events per agreed target (table ziele) and day: what zielstand_verlauf counts, for every
-- target at once and per day, computed once per database version (every write stores it in
-- table zielstand_tage__fest, see biwaq/zahlen/zielstand.py `vorberechnen`). The page then
-- cuts at its Stichtag and sums per quarter from these few rows (issue 14: the join of every
-- target with all events no longer runs on a page visit).
-- Parameters: $laufzeit_start (start of every target period: the project start).
-- Grain: one row per target (kennzahl, quartier, zielgruppe as in stg_ziele, NULL = all) and
--   tag (day) with events from $laufzeit_start to obergrenze = least(data stand, bis) – the
--   latest Stichtag any period filter can give; neu = events that day. A target with no event
--   in that span: one row with tag NULL, neu 0. zielwert, bis and obergrenze on every row.
--   Events exactly as in zielstand_verlauf.sql (the overview's definitions):
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
           least(coalesce(s.datenstand, z.bis), z.bis) as obergrenze
    from stg_ziele z
    cross join stand s
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
    select z.kennzahl, z.quartier, z.zielgruppe, z.zielwert, z.bis, z.obergrenze,
           e.datum as tag, count(e.datum) as neu
    from ziele z
    cross join start
    left join ereignisse e
      on e.kennzahl = z.kennzahl
     and (z.quartier is null or e.quartier = z.quartier)
     and (z.zielgruppe is null or list_contains(e.zielgruppen, z.zielgruppe))
     and e.datum between start.d and z.obergrenze
    group by all
    order by all
)
select * from final

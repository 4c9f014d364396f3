-- ESF Plus participant indicators: characteristics at entry and results upon leaving.
-- Parameters: $quartier, $traeger, $zielgruppe (NULL = all), $von, $bis (period, inclusive);
--   $geschlecht ('w', 'm', 'd'; NULL = all) for the funder's split by sex.
-- Grain: one row per indicator (schluessel, in display order pos) with wert and basis (the
--   count it is a share of). A person counts once (one row per tn_id).
--   Characteristics: persons with Eintritt in the period (basis: all of them).
--   Results: persons with Austritt in the period (basis: all of them). "Upon leaving" = a
--   placement starting between Eintritt and 28 days after Austritt: employment = any type but
--   Ausbildung (self-employment included); education/training = type Ausbildung, or exit
--   reason Ausbildung or Weiterbildung. Six months after leaving: among leavers whose exit lies
--   at least six months before the data stand (basis), those in employment upon leaving with
--   such a placement still in work after six months (verbleib_6m = 'ja').
with tn as (
    select *
    from tn_verlauf_gefiltert($quartier, $traeger, $zielgruppe)
    where ($geschlecht is null or geschlecht = $geschlecht)
),
eintritte as (
    select * from tn where eintritt between $von and $bis
),
austritte as (
    select * from tn where austritt between $von and $bis
),
bei_austritt as (
    select a.tn_id,
           bool_or(v.art <> 'Ausbildung') as beschaeftigt,
           bool_or(v.art = 'Ausbildung') as ausbildung,
           bool_or(v.art <> 'Ausbildung' and v.verbleib_6m = 'ja') as beschaeftigt_6m
    from austritte a
    join stg_vermittlungen v using (tn_id)
    where v.beginn between a.eintritt and a.austritt + 28
    group by a.tn_id
),
ergebnis as (
    select a.*,
           coalesce(b.beschaeftigt, false) as beschaeftigt,
           coalesce(b.ausbildung, false)
               or coalesce(a.austrittsgrund in ('Ausbildung', 'Weiterbildung'), false)
               as in_bildung,
           coalesce(b.beschaeftigt_6m, false) as beschaeftigt_6m,
           a.austritt <= a.datenstand - interval 6 month as sechs_monate_beobachtet
    from austritte a
    left join bei_austritt b using (tn_id)
),
werte as (
    select 1 as pos, 'teilnehmende' as schluessel, count(*) as wert, count(*) as basis
    from eintritte
    union all
    select 2, 'frauen', count(*) filter (where geschlecht = 'w'), count(*) from eintritte
    union all
    select 3, 'maenner', count(*) filter (where geschlecht = 'm'), count(*) from eintritte
    union all
    select 4, 'nicht_binaer', count(*) filter (where geschlecht = 'd'), count(*) from eintritte
    union all
    select 5, 'langzeitarbeitslos', count(*) filter (where langzeitarbeitslos), count(*)
    from eintritte
    union all
    select 6, 'alter_18_29', count(*) filter (where alter_18_29), count(*) from eintritte
    union all
    select 7, 'ab55', count(*) filter (where ab55), count(*) from eintritte
    union all
    select 8, 'isced_0_2', count(*) filter (where bildungsniveau = 'ISCED 0-2'), count(*)
    from eintritte
    union all
    select 9, 'isced_3_4', count(*) filter (where bildungsniveau = 'ISCED 3-4'), count(*)
    from eintritte
    union all
    select 10, 'isced_5_8', count(*) filter (where bildungsniveau = 'ISCED 5-8'), count(*)
    from eintritte
    union all
    select 11, 'isced_unbekannt', count(*) filter (where bildungsniveau is null), count(*)
    from eintritte
    union all
    select 12, 'migrationshintergrund', count(*) filter (where migrationshintergrund), count(*)
    from eintritte
    union all
    select 13, 'austritte', count(*), count(*) from ergebnis
    union all
    select 14, 'beschaeftigt_bei_austritt', count(*) filter (where beschaeftigt), count(*)
    from ergebnis
    union all
    select 15, 'bildung_bei_austritt', count(*) filter (where in_bildung), count(*)
    from ergebnis
    union all
    select 16, 'beschaeftigt_6m', count(*) filter (where sechs_monate_beobachtet
                                                         and beschaeftigt_6m),
           count(*) filter (where sechs_monate_beobachtet)
    from ergebnis
),
final as (
    select * from werte order by pos
)
select * from final

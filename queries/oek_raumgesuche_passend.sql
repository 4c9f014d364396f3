-- Open premises requests with the number of fitting available units and the first of them,
-- for the Leerstand page ("Gesuche treffen Angebote").
-- Parameters: $quartier (NULL = both; else requests wanting that area or either area, and
--   units in that area), $k (how many fitting units to name per request).
-- Grain: one row per open request with at least one fitting unit; passende_objekte = all
--   fitting units; objekte = the first $k of them as {adresse, flaeche_m2}, largest first
--   (ties by objekt_id) – the order of oek_raumgesuche_paare. "Passend": the requests and
--   units of the macros raumgesuche_offen / raum_verfuegbar, the condition of raum_passt
--   (makros.sql) worked as runs of sorted lists (tests compare it with every pair).
-- Method (issue 14: at scale 1000, 44,000 requests fit tens of millions of units, 29 s as a
--   pair join): the units of one art (and one Quartier, or either) stand in a list sorted
--   largest first (area NULL last, ties by objekt_id). The units fitting a request form one
--   run of that list: they start after the units larger than flaeche_max_m2 and end with the
--   last unit at least flaeche_min_m2 (a unit without area fits only when both bounds are
--   empty). Both positions come from an ASOF join with the list's distinct areas; the count
--   is their difference, the first $k names are the run's first $k positions.
with gesuche as (
    select gesuch_id, art, coalesce(quartier, '') as liste,
           flaeche_min_m2 as von, flaeche_max_m2 as bis
    from raumgesuche_offen($quartier)
),
objekte as (
    select objekt_id, adresse, quartier, art, flaeche_m2
    from raum_verfuegbar($quartier)
),
-- each unit in the list of its art for either Quartier ('') and in that of its Quartier
liste as (
    select art, '' as liste, objekt_id, adresse, flaeche_m2 from objekte
    union all
    select art, quartier, objekt_id, adresse, flaeche_m2 from objekte where quartier is not null
),
rang as (
    select *, row_number() over (partition by art, liste
                                 order by flaeche_m2 desc nulls last, objekt_id) as pos
    from liste
),
laenge as (
    select art, liste, count(*) as alle, count(flaeche_m2) as mit_flaeche
    from rang group by all
),
-- per distinct area: n_ab = units with at least that area (positions 1 .. n_ab)
stufen as (
    select art, liste, flaeche_m2, max(pos) as n_ab
    from rang where flaeche_m2 is not null group by all
),
-- units larger than the upper bound: those with at least the next area above it
zu_gross as (
    select g.gesuch_id, coalesce(s.n_ab, 0) as n
    from gesuche g asof left join stufen s
      on g.art = s.art and g.liste = s.liste and g.bis < s.flaeche_m2
    where g.bis is not null
),
-- units at least as large as the lower bound
gross_genug as (
    select g.gesuch_id, coalesce(s.n_ab, 0) as n
    from gesuche g asof left join stufen s
      on g.art = s.art and g.liste = s.liste and g.von <= s.flaeche_m2
    where g.von is not null
),
lauf as (
    select g.gesuch_id, g.art, g.liste, coalesce(zg.n, 0) as erste_vor,
           case when g.von is not null then gg.n
                when g.bis is not null then l.mit_flaeche
                else l.alle end as letzte
    from gesuche g
    join laenge l on l.art = g.art and l.liste = g.liste
    left join zu_gross zg on zg.gesuch_id = g.gesuch_id
    left join gross_genug gg on gg.gesuch_id = g.gesuch_id
),
-- the run's first $k positions
erste as (
    select gesuch_id, art, liste, letzte - erste_vor as passende_objekte,
           unnest(range(erste_vor + 1, least(letzte, erste_vor + $k) + 1)) as pos
    from lauf
    where letzte > erste_vor
),
final as (
    select e.gesuch_id, any_value(e.passende_objekte) as passende_objekte,
           list({'adresse': r.adresse, 'flaeche_m2': r.flaeche_m2} order by r.pos) as objekte
    from erste e
    join rang r on r.art = e.art and r.liste = e.liste and r.pos = e.pos
    group by e.gesuch_id
    order by e.gesuch_id
)
select * from final

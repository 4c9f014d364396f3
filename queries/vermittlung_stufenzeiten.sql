-- Median days between the stages of the placement funnel, per group.
-- Parameters: $quartier, $traeger, $zielgruppe (NULL = all), $von, $bis (period, inclusive);
--   $dim: 'zielgruppe', 'quartier', 'traeger', 'geschlecht' or 'altersgruppe' (allow-list
--   in Python).
-- Grain: one row per gruppe ('alle' or a value of $dim) and schritt (1..5), over the persons
--   with Erstkontakt in the period who reached both stages of the step, in any order – the
--   same persons the funnel counts in <stage>_v (issue 10.2: one definition for table,
--   funnel and text). personen = how many, umgekehrt = of them reached the later stage first
--   (e.g. a practice before the first coaching; their time counts as 0 days),
--   median_tage = median of the days, reversed ones as 0.
--   1 Erstkontakt → Eintritt, 2 Eintritt → aktiv begleitet, 3 aktiv begleitet →
--   Praxiserfahrung, 4 Praxiserfahrung → Vermittlung, 5 Eintritt → Vermittlung.
with tn as (
    select *
    from tn_verlauf_gefiltert($quartier, $traeger, $zielgruppe)
    where erstkontakt between $von and $bis
),
gruppen as (   -- the person's groups for the chosen breakdown (view mart_tn_gruppen)
    select g.tn_id, g.gruppe
    from mart_tn_gruppen g
    where g.dim = $dim
      and g.tn_id in (select tn_id from tn)
),
schritte as (
    select tn_id, 1 as schritt, eintritt - erstkontakt as tage from tn
    union all
    select tn_id, 2, begleitet_am - eintritt from tn
    union all
    select tn_id, 3, praxis_am - begleitet_am from tn
    union all
    select tn_id, 4, vermittelt_am - praxis_am from tn
    union all
    select tn_id, 5, vermittelt_am - eintritt from tn
),
final as (
    select g.gruppe, s.schritt, count(*) as personen,
           count(*) filter (where s.tage < 0) as umgekehrt,
           median(greatest(s.tage, 0)) as median_tage
    from schritte s
    join gruppen g using (tn_id)
    where s.tage is not null
    group by all
    order by all
)
select * from final

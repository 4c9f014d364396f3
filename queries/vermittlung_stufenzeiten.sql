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
-- Computed from counts (issue 14): persons per list of groups (macro tn_gruppen), step and
--   day count, spread over the groups; the median is then read off the cumulative counts –
--   the mean of the values at positions floor((n−1)/2) and ceil((n−1)/2) of the sorted days,
--   which is DuckDB's median (quantile_cont 0.5).
with tn as (
    select *, tn_gruppen($dim, zielgruppen, quartier, traeger, geschlecht, altersgruppe)
                  as gruppen
    from tn_verlauf_gefiltert($quartier, $traeger, $zielgruppe)
    where erstkontakt between $von and $bis
),
schritte as (
    select gruppen, 1 as schritt, eintritt - erstkontakt as tage from tn
    union all
    select gruppen, 2, begleitet_am - eintritt from tn
    union all
    select gruppen, 3, praxis_am - begleitet_am from tn
    union all
    select gruppen, 4, vermittelt_am - praxis_am from tn
    union all
    select gruppen, 5, vermittelt_am - eintritt from tn
),
je_liste as (
    select gruppen, schritt, greatest(tage, 0) as tage, count(*) as n,
           count(*) filter (where tage < 0) as umgekehrt
    from schritte
    where tage is not null
    group by all
),
je_tag as (
    select gruppe, schritt, tage, sum(n) as n, sum(umgekehrt) as umgekehrt
    from (select unnest(gruppen) as gruppe, schritt, tage, n, umgekehrt from je_liste)
    group by all
),
kumuliert as (
    select *,
           sum(n) over (partition by gruppe, schritt order by tage
                        rows between unbounded preceding and current row) as bis_hier,
           sum(n) over (partition by gruppe, schritt) as gesamt
    from je_tag
),
final as (
    select gruppe, schritt, cast(gesamt as bigint) as personen,
           cast(sum(umgekehrt) as bigint) as umgekehrt,
           (min(tage) filter (where bis_hier > floor((gesamt - 1) / 2))
            + min(tage) filter (where bis_hier > ceil((gesamt - 1) / 2))) / 2.0 as median_tage
    from kumuliert
    group by gruppe, schritt, gesamt
    order by gruppe, schritt
)
select * from final

-- Placement funnel: persons reached in the period and how many of them reached each stage.
-- Parameters: $quartier, $traeger, $zielgruppe (NULL = all), $von, $bis (period, inclusive);
--   $dim: 'zielgruppe', 'quartier', 'traeger', 'geschlecht' or 'altersgruppe' (allow-list
--   in Python).
-- Grain: one row per gruppe ('alle' or a value of $dim; for 'zielgruppe' every group of the
--   person, so groups overlap). The cohort is everyone with Erstkontakt in the period; a stage
--   counts the persons of the cohort who reached it by the data stand (also after the period):
--   eintritt, begleitet (Coaching/Case Management), praxis (Schnuppertag/Betriebsbesichtigung/
--   Praktikum), vermittelt (a placement or training), verbleib (a placement still in work
--   after 6 months). A person who skips a stage still counts in the later ones. The columns
--   <stage>_v count the persons who reached the stage and the one before it (numerator of
--   the conversion rate, so a rate never exceeds 100 %).
-- The persons are counted per distinct list of groups (macro tn_gruppen) and the few counted
--   rows are then spread over the groups (issue 14: no join of every person with her groups).
with tn as (
    select *
    from tn_verlauf_gefiltert($quartier, $traeger, $zielgruppe)
    where erstkontakt between $von and $bis
),
je_liste as (
    select
        tn_gruppen($dim, zielgruppen, quartier, traeger, geschlecht, altersgruppe) as gruppen,
        count(*) as erstkontakt,
        count(eintritt) as eintritt,
        count(begleitet_am) as begleitet,
        count(praxis_am) as praxis,
        count(vermittelt_am) as vermittelt,
        count(*) filter (where verbleib_6m_ja) as verbleib,
        count(eintritt) as eintritt_v,
        count(*) filter (where begleitet_am is not null and eintritt is not null)
            as begleitet_v,
        count(*) filter (where praxis_am is not null and begleitet_am is not null)
            as praxis_v,
        count(*) filter (where vermittelt_am is not null and praxis_am is not null)
            as vermittelt_v,
        count(*) filter (where verbleib_6m_ja and vermittelt_am is not null) as verbleib_v
    from tn
    group by gruppen
),
je_gruppe as (
    select unnest(gruppen) as gruppe, * exclude (gruppen) from je_liste
),
final as (
    select
        gruppe,
        cast(sum(erstkontakt) as bigint) as erstkontakt,
        cast(sum(eintritt) as bigint) as eintritt,
        cast(sum(begleitet) as bigint) as begleitet,
        cast(sum(praxis) as bigint) as praxis,
        cast(sum(vermittelt) as bigint) as vermittelt,
        cast(sum(verbleib) as bigint) as verbleib,
        cast(sum(eintritt_v) as bigint) as eintritt_v,
        cast(sum(begleitet_v) as bigint) as begleitet_v,
        cast(sum(praxis_v) as bigint) as praxis_v,
        cast(sum(vermittelt_v) as bigint) as vermittelt_v,
        cast(sum(verbleib_v) as bigint) as verbleib_v
    from je_gruppe
    group by gruppe
    order by gruppe
)
select * from final

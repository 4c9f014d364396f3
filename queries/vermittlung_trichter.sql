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
final as (
    select
        g.gruppe,
        count(*) as erstkontakt,
        count(t.eintritt) as eintritt,
        count(t.begleitet_am) as begleitet,
        count(t.praxis_am) as praxis,
        count(t.vermittelt_am) as vermittelt,
        count(*) filter (where t.verbleib_6m_ja) as verbleib,
        count(t.eintritt) as eintritt_v,
        count(*) filter (where t.begleitet_am is not null and t.eintritt is not null)
            as begleitet_v,
        count(*) filter (where t.praxis_am is not null and t.begleitet_am is not null)
            as praxis_v,
        count(*) filter (where t.vermittelt_am is not null and t.praxis_am is not null)
            as vermittelt_v,
        count(*) filter (where t.verbleib_6m_ja and t.vermittelt_am is not null) as verbleib_v
    from gruppen g
    join tn t using (tn_id)
    group by g.gruppe
    order by g.gruppe
)
select * from final

-- Access routes (zugangsweg) of the persons reached, per group of a breakdown dimension.
-- Parameters: $quartier, $traeger, $zielgruppe (NULL = all), $von, $bis (period, inclusive);
--   $dim: 'zielgruppe', 'quartier', 'traeger', 'geschlecht' or 'altersgruppe' (allow-list
--   in Python).
-- Grain: one row per gruppe ('alle' or a value of $dim; for 'zielgruppe' every group of the
--   person, so groups overlap) and zugangsweg with at least one person. Persons: Erstkontakt
--   in the period.
with tn as (
    select *
    from teilnehmende_gefiltert($quartier, $traeger, $zielgruppe)
    where erstkontakt between $von and $bis
),
gruppen as (   -- the person's groups for the chosen breakdown (view mart_tn_gruppen)
    select g.tn_id, g.gruppe
    from mart_tn_gruppen g
    where g.dim = $dim
      and g.tn_id in (select tn_id from tn)
),
final as (
    select g.gruppe, t.zugangsweg, count(*) as personen
    from gruppen g
    join tn t using (tn_id)
    group by all
    order by all
)
select * from final

-- How the target groups combine: persons reached who belong to both groups of a pair.
-- Parameters: $quartier, $traeger, $zielgruppe (NULL = all), $von, $bis (period, inclusive).
-- Grain: one row per ordered pair (zeile, spalte) of target-group keys with at least one
--   person in both; the diagonal (zeile = spalte) is the size of the group. Persons:
--   Erstkontakt in the period.
with tn as (
    select *
    from teilnehmende_gefiltert($quartier, $traeger, $zielgruppe)
    where erstkontakt between $von and $bis
),
g as (
    select tn_id, unnest(zielgruppen) as gruppe from tn
),
final as (
    select a.gruppe as zeile, b.gruppe as spalte, count(*) as personen
    from g a
    join g b using (tn_id)
    group by all
    order by all
)
select * from final

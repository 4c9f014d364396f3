-- Exits by reason, per group.
-- Parameters: $quartier, $traeger, $zielgruppe (NULL = all), $von, $bis (period, inclusive);
--   $dim: 'zielgruppe', 'quartier', 'traeger', 'geschlecht' or 'altersgruppe' (allow-list
--   in Python).
-- Grain: one row per gruppe ('alle' or a value of $dim; for 'zielgruppe' every group of the
--   person) and austrittsgrund ('ohne Angabe' if empty), over persons with Austritt in the
--   period. Counted per distinct list of groups (macro tn_gruppen), then spread.
with tn as (
    select *
    from teilnehmende_gefiltert($quartier, $traeger, $zielgruppe)
    where austritt between $von and $bis
),
je_liste as (
    select tn_gruppen($dim, zielgruppen, quartier, traeger, geschlecht, altersgruppe)
               as gruppen,
           coalesce(austrittsgrund, 'ohne Angabe') as austrittsgrund, count(*) as personen
    from tn
    group by all
),
final as (
    select gruppe, austrittsgrund, cast(sum(personen) as bigint) as personen
    from (select unnest(gruppen) as gruppe, austrittsgrund, personen from je_liste)
    group by all
    order by all
)
select * from final

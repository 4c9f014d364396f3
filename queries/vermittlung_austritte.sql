-- Exits by reason, per group.
-- Parameters: $quartier, $traeger, $zielgruppe (NULL = all), $von, $bis (period, inclusive);
--   $dim: 'zielgruppe', 'quartier', 'traeger', 'geschlecht' or 'altersgruppe' (allow-list
--   in Python).
-- Grain: one row per gruppe ('alle' or a value of $dim; for 'zielgruppe' every group of the
--   person) and austrittsgrund ('ohne Angabe' if empty), over persons with Austritt in the
--   period.
with tn as (
    select *
    from mart_teilnehmende
    where ($quartier is null or quartier = $quartier)
      and ($traeger is null or traeger = $traeger)
      and ($zielgruppe is null or list_contains(zielgruppen, $zielgruppe))
      and austritt between $von and $bis
),
gruppen as (
    select tn_id, 'alle' as gruppe from tn
    union all
    select tn_id, unnest(zielgruppen) from tn where $dim = 'zielgruppe'
    union all
    select tn_id, case $dim
                      when 'quartier' then quartier
                      when 'traeger' then traeger
                      when 'geschlecht' then geschlecht
                      when 'altersgruppe' then altersgruppe
                  end
    from tn
    where $dim in ('quartier', 'traeger', 'geschlecht', 'altersgruppe')
),
final as (
    select g.gruppe, coalesce(t.austrittsgrund, 'ohne Angabe') as austrittsgrund,
           count(*) as personen
    from gruppen g
    join tn t using (tn_id)
    group by all
    order by all
)
select * from final

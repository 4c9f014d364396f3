-- Quality rule Q12: the last placement during participation (up to $karenz_tage days after
-- the exit) does not match the exit reason (Ausbildung -> Ausbildung, else Arbeitsaufnahme).
-- Parameters: $karenz_tage (days after the exit that still count, 28).
-- Grain: one row per offending participant (id = tn_id).
with letzte as (
    select v.tn_id, arg_max(v.art, v.beginn) as art, max(v.beginn) as beginn
    from stg_vermittlungen v
    join stg_teilnehmende t using (tn_id)
    where t.austritt is not null
      and v.beginn between t.eintritt and t.austritt + to_days(cast($karenz_tage as integer))
    group by v.tn_id
)
select t.tn_id as id,
       'Vermittlung ' || l.art || ' ab ' || strftime(l.beginn, '%d.%m.%Y')
           || ', Austrittsgrund ' || coalesce(t.austrittsgrund, 'fehlt') as details,
       t.quartier, t.traeger
from letzte l
join stg_teilnehmende t using (tn_id)
where t.austrittsgrund is distinct from
      (case when l.art = 'Ausbildung' then 'Ausbildung' else 'Arbeitsaufnahme' end)
order by id

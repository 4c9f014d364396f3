-- Quality rule Q13: exit reason Arbeitsaufnahme or Ausbildung without any placement during
-- participation (up to $karenz_tage days after the exit).
-- Parameters: $karenz_tage (days after the exit that still count, 28).
-- Grain: one row per offending participant (id = tn_id).
select t.tn_id as id,
       'Austrittsgrund ' || t.austrittsgrund || ' am ' || strftime(t.austritt, '%d.%m.%Y')
           || ', keine Vermittlung' as details,
       t.quartier, t.traeger
from stg_teilnehmende t
where t.austrittsgrund in ('Arbeitsaufnahme', 'Ausbildung')
  and not exists (
      select 1 from stg_vermittlungen v
      where v.tn_id = t.tn_id
        and v.beginn between coalesce(t.eintritt, t.erstkontakt)
                         and t.austritt + to_days(cast($karenz_tage as integer)))
order by id

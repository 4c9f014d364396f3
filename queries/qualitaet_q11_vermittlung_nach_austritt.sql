-- Quality rule Q11: a placement that starts more than $karenz_tage days after the exit
-- (ESF counts employment within four weeks of leaving).
-- Parameters: $karenz_tage (days after the exit that still count, 28).
-- Grain: one row per offending placement (id = tn_id).
select v.tn_id as id,
       v.art || ' ab ' || strftime(v.beginn, '%d.%m.%Y') || ', Austritt '
           || strftime(t.austritt, '%d.%m.%Y') as details,
       t.quartier, t.traeger
from stg_vermittlungen v
join stg_teilnehmende t using (tn_id)
where v.beginn > t.austritt + to_days(cast($karenz_tage as integer))
order by id, v.beginn

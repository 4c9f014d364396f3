-- Quality rule Q10: a placement before the formal entry, or of a person never enrolled.
-- Parameters: none.
-- Grain: one row per offending placement (id = tn_id).
select v.tn_id as id,
       v.art || ' ab ' || strftime(v.beginn, '%d.%m.%Y') || ', Eintritt '
           || coalesce(strftime(t.eintritt, '%d.%m.%Y'), 'fehlt') as details,
       t.quartier, t.traeger
from stg_vermittlungen v
join stg_teilnehmende t using (tn_id)
where t.eintritt is null or v.beginn < t.eintritt
order by id, v.beginn

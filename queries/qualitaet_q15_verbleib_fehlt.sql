-- Quality rule Q15: no six-month outcome for a placement older than six months at the data
-- stand (_meta.datenstand; today when unknown). 'unbekannt' counts as stated.
-- Parameters: none.
-- Grain: one row per offending placement (id = tn_id).
with stand as (
    select (select coalesce(max(try_cast(wert as date)), current_date)
     from _meta where schluessel = 'datenstand') as datenstand
)
select v.tn_id as id,
       v.art || ' ab ' || strftime(v.beginn, '%d.%m.%Y') || ', Verbleib fehlt' as details,
       t.quartier, t.traeger
from stg_vermittlungen v
join stg_teilnehmende t using (tn_id)
cross join stand s
where v.verbleib_6m is null
  and v.beginn + interval 6 month <= s.datenstand
order by id, v.beginn

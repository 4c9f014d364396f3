-- Quality rule Q14: six-month outcome stated (ja/nein) for a placement that was younger
-- than six months at the data stand (_meta.datenstand; today when unknown).
-- Parameters: none.
-- Grain: one row per offending placement (id = tn_id).
with stand as (
    select (select coalesce(max(try_cast(wert as date)), current_date)
     from _meta where schluessel = 'datenstand') as datenstand
)
select v.tn_id as id,
       v.art || ' ab ' || strftime(v.beginn, '%d.%m.%Y') || ', Verbleib „' || v.verbleib_6m
           || '“, Datenstand ' || strftime(s.datenstand, '%d.%m.%Y') as details,
       t.quartier, t.traeger
from stg_vermittlungen v
join stg_teilnehmende t using (tn_id)
cross join stand s
where v.verbleib_6m in ('ja', 'nein')
  and v.beginn + interval 6 month > s.datenstand
order by id, v.beginn

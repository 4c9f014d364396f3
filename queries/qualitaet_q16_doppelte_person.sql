-- Quality rule Q16: possibly the same person twice – all recorded attributes equal and
-- first contacts at most 30 days apart (both ids are listed).
-- Parameters: none.
-- Grain: one row per participant in such a pair (id = tn_id).
with paare as (
    select a.tn_id as id, b.tn_id as anderer, a.quartier, a.traeger
    from stg_teilnehmende a
    join stg_teilnehmende b
      on a.tn_id <> b.tn_id
     and a.geburtsjahr = b.geburtsjahr and a.geschlecht = b.geschlecht
     and a.quartier = b.quartier and a.stadtteil is not distinct from b.stadtteil
     and a.alleinerziehend = b.alleinerziehend
     and a.migrationshintergrund = b.migrationshintergrund
     and a.schutzsuchend = b.schutzsuchend and a.langzeitarbeitslos = b.langzeitarbeitslos
     and a.bildungsniveau is not distinct from b.bildungsniveau
     and a.zugangsweg = b.zugangsweg
     and abs(datediff('day', a.erstkontakt, b.erstkontakt)) <= 30
)
select id, 'gleiche Angaben wie ' || string_agg(anderer, ', ' order by anderer) as details,
       any_value(quartier) as quartier, any_value(traeger) as traeger
from paare
group by id
order by id

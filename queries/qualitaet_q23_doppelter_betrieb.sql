-- Quality rule Q23: possibly the same business twice – same name (ignoring case) in the same
-- programme area, and the same founding date or positions less than 100 m apart.
-- Parameters: none.
-- Grain: one row per business in such a pair (id = betrieb_id).
with paare as (
    select a.betrieb_id as id, b.betrieb_id as anderer, a.quartier
    from stg_betriebe a
    join stg_betriebe b
      on a.betrieb_id <> b.betrieb_id
     and lower(trim(a.name)) = lower(trim(b.name))
     and a.quartier = b.quartier
    where a.gruendung = b.gruendung
       or a.lat is null or b.lat is null
       or sqrt(pow((a.lat - b.lat) * 111320, 2)
               + pow((a.lon - b.lon) * 111320 * cos(radians(a.lat)), 2)) < 100
)
select id, 'gleicher Name wie ' || string_agg(anderer, ', ' order by anderer) as details,
       any_value(quartier) as quartier, null::varchar as traeger
from paare
group by id
order by id

-- Quality rule Q32: a premises request whose minimum area exceeds its maximum area.
-- Parameters: none.
-- Grain: one row per offending request (id = gesuch_id).
select gesuch_id as id,
       'Fläche von '
           || regexp_replace(replace(cast(round(flaeche_min_m2, 1) as varchar), '.', ','),
                             ',0$', '')
           || ' m² bis '
           || regexp_replace(replace(cast(round(flaeche_max_m2, 1) as varchar), '.', ','),
                             ',0$', '')
           || ' m²' as details,
       quartier, null::varchar as traeger
from stg_raumgesuche
where flaeche_min_m2 > flaeche_max_m2
order by id

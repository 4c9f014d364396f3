-- Key figures of "Gesuche und Angebote" on the Leerstand page, counted in DuckDB (issue 14).
-- Parameters: $quartier (NULL = both; else requests wanting that area or either area, and
--   units in that area), $von, $bis (period, inclusive).
-- Grain: one row. gesuche = requests recorded (any status) under $quartier; offen = open at
--   the data stand; mit_passendem = open ones with at least one fitting available unit
--   ("passend": macros raum_passt / raum_passend); vermittelt = requests met (status
--   'vermittelt') with erledigt_am in [$von, stichtag] (stichtag = $bis, at most the data
--   stand) – the definitions of oekonomie.gesuche_kennzahlen.
with gesuche as (
    select status, erledigt_am from stg_raumgesuche
    where $quartier is null or quartier is null or quartier = $quartier
),
offen as (
    select passende_objekte from raumgesuche_gezaehlt($quartier)
),
final as (
    select (select count(*) from gesuche) as gesuche,
           (select count(*) from offen) as offen,
           (select count(*) from offen where passende_objekte > 0) as mit_passendem,
           (select count(*) from gesuche
            where status = 'vermittelt'
              and erledigt_am between cast($von as date) and stichtag($bis)) as vermittelt
)
select * from final

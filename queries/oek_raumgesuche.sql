-- Premises requests (optional table raumgesuche) for the Leerstand page. Which available
-- units fit an open request is defined once, in oek_raumgesuche_paare.
-- Parameters: $quartier (NULL = both; else requests wanting that area or either area).
-- Grain: one row per request, oldest first.
with final as (
    select gesuch_id, betrieb_id, datum, art, flaeche_min_m2, flaeche_max_m2, quartier,
           branche, status, objekt_id, erledigt_am
    from stg_raumgesuche
    where $quartier is null or quartier is null or quartier = $quartier
    order by datum, gesuch_id
)
select * from final

-- Time from entry to placement, as input for a cumulative-incidence estimate per entry cohort.
-- Parameters: $quartier, $traeger, $zielgruppe (NULL = all), $von, $bis (period, inclusive).
-- Grain: one row per entry quarter (kohorte, first day of the quarter), tage and ereignis,
--   over the persons with Eintritt in the period; anzahl = how many persons.
--   ereignis 1 = placement (first placement, if it starts by 28 days after the exit or the
--   person has not left): tage = its start − Eintritt (0 if before);
--   ereignis 2 = exit without such a placement (competing event): tage = Austritt − Eintritt;
--   ereignis 0 = still in the project at the data stand (censored): tage = data stand − Eintritt.
--   letzter_eintritt = latest entry of the quarter (for "observed long enough"), datenstand.
with tn as (
    select *
    from tn_verlauf_gefiltert($quartier, $traeger, $zielgruppe)
    where eintritt between $von and $bis
),
ereignisse as (
    select
        tn_id,
        cast(date_trunc('quarter', eintritt) as date) as kohorte,
        eintritt,
        datenstand,
        case
            when vermittelt_am is not null
                 and (austritt is null or vermittelt_am <= austritt + 28) then 1
            when austritt is not null then 2
            else 0
        end as ereignis,
        vermittelt_am, austritt
    from tn
),
final as (
    select
        kohorte,
        greatest(0, case ereignis
                        when 1 then vermittelt_am - eintritt
                        when 2 then austritt - eintritt
                        else coalesce(datenstand, eintritt) - eintritt
                    end) as tage,
        ereignis,
        count(*) as anzahl,
        any_value(datenstand) as datenstand,
        max(max(eintritt)) over (partition by kohorte) as letzter_eintritt
    from ereignisse
    group by kohorte, tage, ereignis
    order by kohorte, tage, ereignis
)
select * from final

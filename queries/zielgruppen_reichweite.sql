-- Persons reached (Erstkontakt in the period) and enrolled (Eintritt in the period) per target
-- group, broken down by a second dimension.
-- Parameters: $quartier, $traeger, $zielgruppe (NULL = all), $von, $bis (period, inclusive);
--   $dim: 'gesamt', 'quartier', 'traeger', 'quartal', 'geschlecht' or 'altersgruppe' (checked
--   against an allow-list in Python; 'quartal' is the quarter of the counted event itself).
-- Grain: one row per gruppe ('alle' or a target-group key) and auspraegung (value of $dim)
--   with at least one event. Groups overlap: a person counts once in each of their groups and
--   once in 'alle'. The Zielgruppe filter restricts the persons first.
with tn as (
    select *
    from teilnehmende_gefiltert($quartier, $traeger, $zielgruppe)
),
ereignisse as (
    select tn_id, 'erreicht' as mass, erstkontakt as datum
    from tn
    where erstkontakt between $von and $bis
    union all
    select tn_id, 'eingetreten', eintritt
    from tn
    where eintritt between $von and $bis
),
gruppen as (
    select tn_id, 'alle' as gruppe from tn
    union all
    select tn_id, unnest(zielgruppen) from tn
),
final as (
    select
        g.gruppe,
        case $dim
            when 'gesamt' then 'Gesamt'
            when 'quartier' then t.quartier
            when 'traeger' then t.traeger
            when 'geschlecht' then t.geschlecht
            when 'altersgruppe' then t.altersgruppe
            when 'quartal' then year(e.datum) || ' Q' || quarter(e.datum)
        end as auspraegung,
        count(distinct e.tn_id) filter (where e.mass = 'erreicht') as erreicht,
        count(distinct e.tn_id) filter (where e.mass = 'eingetreten') as eingetreten
    from ereignisse e
    join tn t using (tn_id)
    join gruppen g using (tn_id)
    group by all
    order by all
)
select * from final

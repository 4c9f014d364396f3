-- Persons reached (Erstkontakt in the period) and enrolled (Eintritt in the period) per target
-- group, broken down by a second dimension.
-- Parameters: $quartier, $traeger, $zielgruppe (NULL = all), $von, $bis (period, inclusive);
--   $dim: 'gesamt', 'quartier', 'traeger', 'quartal', 'geschlecht' or 'altersgruppe' (checked
--   against an allow-list in Python; 'quartal' is the quarter of the counted event itself).
-- Grain: one row per gruppe ('alle' or a target-group key) and auspraegung (value of $dim)
--   with at least one event. Groups overlap: a person counts once in each of their groups and
--   once in 'alle'. The Zielgruppe filter restricts the persons first.
-- Counted per list of groups and value of $dim, then spread over the groups (issue 14); a
--   person has one Erstkontakt and at most one Eintritt and no group twice, so each count is
--   a count of distinct persons.
with tn as (
    select *
    from teilnehmende_gefiltert($quartier, $traeger, $zielgruppe)
),
ereignisse as (
    select 'erreicht' as mass, erstkontakt as datum, *
    from tn
    where erstkontakt between $von and $bis
    union all
    select 'eingetreten', eintritt, *
    from tn
    where eintritt between $von and $bis
),
je_liste as (
    select
        list_prepend('alle', zielgruppen) as gruppen,
        case $dim
            when 'gesamt' then 'Gesamt'
            when 'quartier' then quartier
            when 'traeger' then traeger
            when 'geschlecht' then geschlecht
            when 'altersgruppe' then altersgruppe
            when 'quartal' then year(datum) || ' Q' || quarter(datum)
        end as auspraegung,
        count(*) filter (where mass = 'erreicht') as erreicht,
        count(*) filter (where mass = 'eingetreten') as eingetreten
    from ereignisse
    group by all
),
final as (
    select gruppe, auspraegung, cast(sum(erreicht) as bigint) as erreicht,
           cast(sum(eingetreten) as bigint) as eingetreten
    from (select unnest(gruppen) as gruppe, auspraegung, erreicht, eingetreten from je_liste)
    group by all
    order by all
)
select * from final

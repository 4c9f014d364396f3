-- Quarterly trend of entries and placements for the overview chart.
-- Parameters: $quartier, $traeger, $zielgruppe (NULL = all), $von, $bis (period, inclusive).
-- Grain: one row per calendar quarter that overlaps the period (quarters without events
-- give 0); quartal is the first day of the quarter. Entries count persons by eintritt,
-- placements count persons by the start of their placement (a person once per quarter).
with tn as (
    select *
    from teilnehmende_gefiltert($quartier, $traeger, $zielgruppe)
),
quartale as (
    select cast(q as date) as quartal
    from generate_series(date_trunc('quarter', cast($von as date)),
                         date_trunc('quarter', cast($bis as date)),
                         interval 3 month) as s(q)
),
eintritte as (
    select cast(date_trunc('quarter', eintritt) as date) as quartal, count(*) as eintritte
    from tn
    where eintritt between $von and $bis
    group by all
),
vermittlungen as (
    select cast(date_trunc('quarter', v.beginn) as date) as quartal,
           count(distinct v.tn_id) as vermittlungen
    from stg_vermittlungen v
    join tn using (tn_id)
    where v.beginn between $von and $bis
    group by all
),
final as (
    select q.quartal,
           year(q.quartal) || ' Q' || quarter(q.quartal) as quartal_label,
           coalesce(e.eintritte, 0) as eintritte,
           coalesce(v.vermittlungen, 0) as vermittlungen
    from quartale q
    left join eintritte e using (quartal)
    left join vermittlungen v using (quartal)
    order by q.quartal
)
select * from final

-- Placements by type, sector and whether the employer is a known local business.
-- Parameters: $quartier, $traeger, $zielgruppe (NULL = all), $von, $bis (period, inclusive).
-- Grain: one row per art, branche ('ohne Angabe' if empty) and lokal (betrieb_id given, i.e.
--   a local business of the programme areas), over placements starting in the period of the
--   filtered persons; vermittlungen counts placements (a person with two counts twice),
--   personen counts persons.
with tn as (
    select *
    from teilnehmende_gefiltert($quartier, $traeger, $zielgruppe)
),
final as (
    select v.art, coalesce(v.branche, 'ohne Angabe') as branche,
           v.betrieb_id is not null as lokal,
           count(*) as vermittlungen, count(distinct v.tn_id) as personen
    from stg_vermittlungen v
    join tn using (tn_id)
    where v.beginn between $von and $bis
    group by all
    order by all
)
select * from final

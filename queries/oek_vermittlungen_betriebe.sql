-- Placements of participants into local businesses (vermittlungen.betrieb_id): which
-- businesses hire from the project.
-- Parameters: $quartier (seat of the business, NULL = both), $traeger, $zielgruppe (of the
--   participant, NULL = all), $von, $bis (start of the placement, inclusive), $branchen
--   (list of business sectors, NULL = all).
-- Grain: one row per business with at least one such placement; vermittlungen counts
--   placements, personen distinct participants; beraten = the project also advised it.
with tn as (
    select tn_id     -- Quartier applies to the firm's seat below, not to the person
    from teilnehmende_gefiltert(null, $traeger, $zielgruppe)
),
platz as (
    select v.*
    from stg_vermittlungen v
    join tn using (tn_id)
    where v.beginn between $von and $bis
      and v.betrieb_id is not null
),
beraten as (select distinct betrieb_id from stg_beratungen),
final as (
    select b.betrieb_id, b.name, b.quartier, b.stadtteil, b.branche, b.migrantenoekonomie,
           count(*) as vermittlungen,
           count(distinct p.tn_id) as personen,
           count(*) filter (where p.art in ('SV-pflichtig Vollzeit', 'SV-pflichtig Teilzeit'))
               as sv_pflichtig,
           count(*) filter (where p.art = 'Ausbildung') as ausbildung,
           count(*) filter (where p.verbleib_6m = 'ja') as verbleib_6m_ja,
           max(r.betrieb_id is not null) as beraten
    from platz p
    join stg_betriebe b using (betrieb_id)
    left join beraten r using (betrieb_id)
    where ($quartier is null or b.quartier = $quartier)
      and ($branchen is null or list_contains($branchen, b.branche))
    group by all
    order by vermittlungen desc, b.name
)
select * from final

-- Business consultations per quarter by format and topic, for the Betriebe page.
-- Parameters: $quartier (seat of the business, NULL = both), $von, $bis (date of the
--   consultation, inclusive), $branchen (list of sectors, NULL = all).
-- Grain: one row per (quarter, format, thema) with at least one consultation; thema
--   'ohne Angabe' where none was recorded; quartal is the first day of the quarter.
with final as (
    select cast(date_trunc('quarter', r.datum) as date) as quartal,
           r.format, coalesce(r.thema, 'ohne Angabe') as thema,
           count(*) as beratungen,
           count(distinct r.betrieb_id) as betriebe
    from stg_beratungen r
    join stg_betriebe b using (betrieb_id)
    where r.datum between $von and $bis
      and ($quartier is null or b.quartier = $quartier)
      and ($branchen is null or list_contains($branchen, b.branche))
    group by all
    order by quartal, format, thema
)
select * from final

-- Share with migration background among persons reached, per district of residence, beside
-- the population-weighted migration share of the district (stadtteile).
-- Parameters: $quartier, $traeger, $zielgruppe (NULL = all), $von, $bis (period, inclusive).
-- Grain: one row per district of the chosen programme area(s), plus one row 'ohne Angabe'
--   (stadtteil NULL) for persons without a known district of the area. Population figures
--   are summed over the reference years that overlap the period (if none does, the latest
--   year up to the period's end, else the earliest year): bev_gewicht = sum of inhabitants
--   with a known migrationsanteil, bev_mig_summe = sum of inhabitants × migrationsanteil (%),
--   so share = bev_mig_summe / bev_gewicht. Persons: Erstkontakt in the period.
with tn as (
    select *
    from teilnehmende_gefiltert($quartier, $traeger, $zielgruppe)
    where erstkontakt between $von and $bis
),
im_zeitraum as (
    select distinct jahr from stg_stadtteile where jahr between year($von) and year($bis)
),
jahre as (
    select distinct jahr
    from stg_stadtteile
    where jahr in (select jahr from im_zeitraum)
       or (not exists (select 1 from im_zeitraum)
           and jahr = coalesce((select max(jahr) from stg_stadtteile where jahr <= year($bis)),
                               (select min(jahr) from stg_stadtteile)))
),
bev as (
    select stadtteil, any_value(quartier) as quartier,
           sum(einwohner) filter (where migrationsanteil is not null) as bev_gewicht,
           sum(einwohner * migrationsanteil) as bev_mig_summe,
           min(jahr) as jahr_von, max(jahr) as jahr_bis
    from stg_stadtteile
    where jahr in (select jahr from jahre)
      and quartier is not null
      and ($quartier is null or quartier = $quartier)
    group by stadtteil
),
tn_bezirk as (
    select case when stadtteil in (select stadtteil from bev) then stadtteil end as stadtteil,
           count(*) as teilnehmende,
           count(*) filter (where migrationshintergrund) as mit_migration
    from tn
    group by 1
),
final as (
    select coalesce(b.stadtteil, t.stadtteil) as stadtteil, b.quartier,
           coalesce(t.teilnehmende, 0) as teilnehmende,
           coalesce(t.mit_migration, 0) as mit_migration,
           b.bev_gewicht, b.bev_mig_summe, b.jahr_von, b.jahr_bis
    from bev b
    full join tn_bezirk t on t.stadtteil = b.stadtteil
    order by b.quartier nulls last, stadtteil
)
select * from final

-- Current headcount of the advised businesses still active (status 'aktiv'), per sector
-- and migrantenoekonomie, for the Betriebe page (issue 14: instead of one row per business).
-- Businesses of the macro betriebe_beraten; rule of the catalogue figures aktive_betriebe,
-- mit_angabe, beschaeftigte, beschaeftigte_median (no number is not 0: it is counted apart).
-- Parameters: $quartier, $von, $bis, $branchen (those of the macro betriebe_beraten:
--   $quartier = seat of the business, NULL = both; $von/$bis = at least one consultation
--   in the period, inclusive; $branchen = list of sectors, NULL = all).
-- Grain: one row per branche and migrantenoekonomie, plus one per branche with
--   migrantenoekonomie NULL (both groups; the only rows with the median).
--   aktive: active businesses; mit_angabe: of them with a number; beschaeftigte: sum of the
--   numbers; median: median of the numbers (both groups, NULL without any).
with final as (
    select b.branche, b.migrantenoekonomie,
           grouping(b.migrantenoekonomie) = 1 as beide,
           count(*) as aktive,
           count(b.beschaeftigte) as mit_angabe,
           sum(b.beschaeftigte)::bigint as beschaeftigte,
           case when grouping(b.migrantenoekonomie) = 1
                then quantile_cont(b.beschaeftigte, 0.5) end as median
    from betriebe_beraten($quartier, $von, $bis, $branchen) b   -- biwaq/speicher/sql/makros.sql
    where b.status = 'aktiv'
    group by grouping sets ((b.branche, b.migrantenoekonomie), (b.branche))
)
select * from final
order by branche, beide, migrantenoekonomie

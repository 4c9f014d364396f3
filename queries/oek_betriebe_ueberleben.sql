-- Counts per time point for the Kaplan–Meier curves of advised businesses (Betriebe page,
-- issue 14: a few thousand rows instead of one per business). Businesses of the macro
-- betriebe_beraten. Closure (event) = status 'geschlossen' with status_datum on or before
-- the stichtag, everyone else censored at the stichtag; ursprung 'gruendung': days since
-- founding, entry at the first consultation (delayed entry, at least 0); ursprung
-- 'beratung': days since the later of first consultation and founding, entry 0. Usable: a
-- closure date where closed, and time under observation (dauer > eintritt, or = for a
-- closure on the entry day).
-- Parameters: $quartier, $von, $bis, $branchen (those of the macro betriebe_beraten:
--   $quartier = seat of the business, NULL = both; $von/$bis = at least one consultation
--   in the period, inclusive; $branchen = list of sectors, NULL = all).
-- Grain: one row per ursprung, migrantenoekonomie and day (tage) with ereignisse, zensiert,
--   eintritte; plus per ursprung and migrantenoekonomie one row with tage NULL holding the
--   excluded businesses (ohne_schliessungsdatum, ohne_beobachtungszeit).
with beraten as (     -- macro in biwaq/speicher/sql/makros.sql
    select b.migrantenoekonomie, b.gruendung, b.erste_beratung, b.stichtag,
           coalesce(b.status = 'geschlossen' and b.status_datum <= b.stichtag, false) as zu,
           coalesce(b.status = 'geschlossen' and b.status_datum is null, false)
               as ohne_datum,
           case when coalesce(b.status = 'geschlossen' and b.status_datum <= b.stichtag,
                              false)
                then b.status_datum else b.stichtag end as ende
    from betriebe_beraten($quartier, $von, $bis, $branchen) b
),
dauern as (
    select 'gruendung' as ursprung, migrantenoekonomie, zu, ohne_datum,
           datediff('day', gruendung, ende) as dauer,
           greatest(datediff('day', gruendung, erste_beratung), 0) as eintritt
    from beraten
    union all
    select 'beratung', migrantenoekonomie, zu, ohne_datum,
           datediff('day', greatest(erste_beratung, gruendung), ende), 0
    from beraten
),
bewertet as (
    select *, not ohne_datum
              and coalesce(dauer > eintritt or (zu and dauer >= eintritt), false) as gueltig
    from dauern
),
punkte as (
    select ursprung, migrantenoekonomie, dauer as tage, zu::int as ereignisse,
           (not zu)::int as zensiert, 0 as eintritte
    from bewertet where gueltig
    union all
    select ursprung, migrantenoekonomie, eintritt, 0, 0, 1
    from bewertet where gueltig
),
final as (
    select ursprung, migrantenoekonomie, tage, sum(ereignisse)::bigint as ereignisse,
           sum(zensiert)::bigint as zensiert, sum(eintritte)::bigint as eintritte,
           0::bigint as ohne_schliessungsdatum, 0::bigint as ohne_beobachtungszeit
    from punkte
    group by all
    union all
    select ursprung, migrantenoekonomie, null, 0, 0, 0,
           count(*) filter (where ohne_datum), count(*) filter (where not ohne_datum)
    from bewertet
    where not gueltig
    group by all
)
select * from final
order by ursprung, migrantenoekonomie, tage nulls first

-- How the target groups combine: persons reached who belong to both groups of a pair.
-- Parameters: $quartier, $traeger, $zielgruppe (NULL = all), $von, $bis (period, inclusive).
-- Grain: one row per ordered pair (zeile, spalte) of target-group keys with at least one
--   person in both; the diagonal (zeile = spalte) is the size of the group. Persons:
--   Erstkontakt in the period.
-- Counted per distinct list of groups first (at most 32 lists), then every pair of groups
--   within a list gets the list's count (issue 14: no self-join of 0.9 M persons).
with tn as (
    select *
    from teilnehmende_gefiltert($quartier, $traeger, $zielgruppe)
    where erstkontakt between $von and $bis
),
je_liste as (
    select zielgruppen, count(*) as personen
    from tn
    where len(zielgruppen) > 0
    group by zielgruppen
),
zeilen as (
    select unnest(zielgruppen) as zeile, zielgruppen, personen from je_liste
),
final as (
    select zeile, spalte, cast(sum(personen) as bigint) as personen
    from (select zeile, unnest(zielgruppen) as spalte, personen from zeilen)
    group by all
    order by all
)
select * from final

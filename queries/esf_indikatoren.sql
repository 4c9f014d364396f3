-- ESF Plus participant indicators: characteristics at entry and results upon leaving.
-- Parameters: $quartier, $traeger, $zielgruppe (NULL = all), $von, $bis (period, inclusive);
--   $geschlecht ('w', 'm', 'd'; NULL = all) for the funder's split by sex.
-- Grain: one row per indicator (schluessel, in display order pos) with wert and basis (the
--   count it is a share of). A person counts once (one row per tn_id).
--   Characteristics: persons with Eintritt in the period (basis: all of them).
--   Results: persons with Austritt in the period (basis: all of them). "Upon leaving" = a
--   placement starting between Eintritt and 28 days after Austritt: employment = any type but
--   Ausbildung (self-employment included); education/training = type Ausbildung, or exit
--   reason Ausbildung or Weiterbildung. Six months after leaving: among leavers whose exit lies
--   at least six months before the data stand (basis), those in employment upon leaving with
--   such a placement still in work after six months (verbleib_6m = 'ja').
-- The persons and counts are the macros esf_personen / esf_werte (makros.sql), shared with
-- esf_gliederung.sql: this query is the cell of all Quartiere and Träger under the filters.
with zellen as (
    select *
    from esf_werte($quartier, $traeger, $zielgruppe, $von, $bis)
    where alle_quartier and alle_traeger
),
indikatoren as (   -- the total cell always has all 16 rows
    select pos, schluessel from zellen where alle_geschlecht
),
zelle as (
    select pos, wert, basis
    from zellen
    where ($geschlecht is null and alle_geschlecht)
       or (not alle_geschlecht and geschlecht = $geschlecht)
),
final as (
    select i.pos, i.schluessel, coalesce(z.wert, 0) as wert, coalesce(z.basis, 0) as basis
    from indikatoren i
    left join zelle z using (pos)
    order by i.pos
)
select * from final

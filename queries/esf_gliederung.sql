-- ESF Plus indicators as the funder tables them: every cell of Quartier × Träger × Geschlecht
-- with the totals, counted in one grouped query (GROUP BY CUBE) instead of one query per cell.
-- Parameters: $quartier, $traeger, $zielgruppe (NULL = all), $von, $bis (period, inclusive).
-- Grain: one row per cell and indicator: quartier, traeger, geschlecht (NULL = the total over
--   that dimension, 'Insgesamt'), pos, schluessel, wert, basis – the same definitions as
--   esf_indikatoren.sql (macros esf_personen / esf_werte); a cell absent here counts 0.
--   A person without Quartier, Träger or Geschlecht counts only in the totals.
with final as (
    select case when alle_quartier then null else quartier end as quartier,
           case when alle_traeger then null else traeger end as traeger,
           case when alle_geschlecht then null else geschlecht end as geschlecht,
           pos, schluessel, wert, basis
    from esf_werte($quartier, $traeger, $zielgruppe, $von, $bis)
    order by all
)
select * from final

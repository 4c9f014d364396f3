-- Earliest and latest event date in the data, to bound the period filter.
-- Parameters: none.
-- Grain: one row.
select
    least(min(erstkontakt), (select min(beginn) from stg_vermittlungen),
          (select min(datum) from stg_beratungen)) as erstes_datum,
    greatest(max(coalesce(austritt, eintritt, erstkontakt)),
             (select max(beginn) from stg_vermittlungen),
             (select max(datum) from stg_beratungen),
             (select max(coalesce(wiederbelegt_am, leer_seit)) from stg_leerstaende)) as letztes_datum
from stg_teilnehmende

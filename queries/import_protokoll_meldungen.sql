-- Errors and notes of one import attempt, in the order they were shown after it.
-- Parameters: $import_nr (number of the import attempt).
-- Grain: one row per error or note.
select
    nr,
    art,
    datei,
    zeile,
    spalte,
    wert,
    meldung
from importprotokoll_meldung
where import_nr = $import_nr
order by nr

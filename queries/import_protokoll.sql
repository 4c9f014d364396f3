-- Import log: every import attempt, newest first (who, when, result, rows inserted/changed;
-- probelauf: a dry run with errors on the page "Daten", which stores nothing).
-- Parameters: none.
-- Grain: one row per import attempt.
select
    import_nr,
    zeitpunkt,
    wer,
    ergebnis,
    fehler,
    warnungen,
    demo_entfernt,
    eingefuegt,
    aktualisiert,
    probelauf
from importprotokoll
order by import_nr desc

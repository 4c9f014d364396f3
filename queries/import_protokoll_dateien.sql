-- Files of every import attempt: name, SHA-256, table, rows read, inserted and changed.
-- Parameters: none.
-- Grain: one row per table read from a file of an import attempt.
select
    d.import_nr,
    p.zeitpunkt,
    p.ergebnis,
    d.datei,
    d.tabelle,
    d.zeilen,
    d.eingefuegt,
    d.aktualisiert,
    d.groesse_bytes,
    d.sha256
from importprotokoll_datei d
join importprotokoll p using (import_nr)
order by d.import_nr desc, d.nr

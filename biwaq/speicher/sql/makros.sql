-- Shared blocks of the named queries (issue 10: one definition of "participants under the
-- current filters"). Created in every database file (store.create_schema) and in every
-- read-only connection the dashboard opens (store.connect_readonly), so queries/*.sql use
-- them by name. Arguments are the queries' bound parameters ($quartier, $traeger,
-- $zielgruppe); NULL means all.

-- The filter itself, once: a participant row passes Quartier, Träger and Zielgruppe (a
-- person belongs to every target group in her list `zielgruppen`).
create or replace macro tn_filter(quartier, traeger, zielgruppen, f_quartier, f_traeger,
                                  f_zielgruppe) as
    (f_quartier is null or quartier = f_quartier)
    and (f_traeger is null or traeger = f_traeger)
    and (f_zielgruppe is null or list_contains(zielgruppen, f_zielgruppe));

-- Participants (mart_teilnehmende) under the current filters.
create or replace macro teilnehmende_gefiltert(f_quartier, f_traeger, f_zielgruppe) as table
    select * from mart_teilnehmende
    where tn_filter(quartier, traeger, zielgruppen, f_quartier, f_traeger, f_zielgruppe);

-- The same with the dates of the placement funnel (mart_tn_verlauf).
create or replace macro tn_verlauf_gefiltert(f_quartier, f_traeger, f_zielgruppe) as table
    select * from mart_tn_verlauf
    where tn_filter(quartier, traeger, zielgruppen, f_quartier, f_traeger, f_zielgruppe);

-- The data stand recorded at import (the latest event date), NULL before any import.
create or replace macro datenstand() as
    (select max(try_cast(wert as date)) from _meta where schluessel = 'datenstand');

-- Reference date of figures "as of the end of the period": the period end, at most the data
-- stand (later closures, re-lettings … are not yet known).
create or replace macro stichtag(bis) as
    least(cast(bis as date), coalesce(datenstand(), cast(bis as date)));

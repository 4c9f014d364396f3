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

-- The groups of one participant for a breakdown dimension: 'alle' and, for 'zielgruppe',
-- every target group of the person (groups overlap), else the person's value of the dimension
-- (NULL when unknown). The same groups as the view mart_tn_gruppen, as a list per person row,
-- so a query counts per distinct list first and unnests only the few counted rows (issue 14).
create or replace macro tn_gruppen(dim, zielgruppen, quartier, traeger, geschlecht,
                                   altersgruppe) as
    case dim
        when 'zielgruppe' then list_prepend('alle', zielgruppen)
        when 'quartier' then ['alle', quartier]
        when 'traeger' then ['alle', traeger]
        when 'geschlecht' then ['alle', geschlecht]
        when 'altersgruppe' then ['alle', altersgruppe]
    end;

-- The data stand recorded at import (the latest event date), NULL before any import.
create or replace macro datenstand() as
    (select max(try_cast(wert as date)) from _meta where schluessel = 'datenstand');

-- Reference date of figures "as of the end of the period": the period end, at most the data
-- stand (later closures, re-lettings … are not yet known).
create or replace macro stichtag(bis) as
    least(cast(bis as date), coalesce(datenstand(), cast(bis as date)));

-- ESF+ indicators (issue 14: one definition for the main table and the funder's split).
-- Per person with Eintritt or Austritt in the period, under the filters: Quartier, Träger,
-- Geschlecht, whether the Eintritt / the Austritt lies in the period, and the result flags
-- upon leaving (see queries/esf_indikatoren.sql for the definitions).
create or replace macro esf_personen(f_quartier, f_traeger, f_zielgruppe, f_von, f_bis) as table
    with tn as (
        select *
        from tn_verlauf_gefiltert(f_quartier, f_traeger, f_zielgruppe)
        where eintritt between f_von and f_bis or austritt between f_von and f_bis
    ),
    bei_austritt as (
        select a.tn_id,
               bool_or(v.art <> 'Ausbildung') as beschaeftigt,
               bool_or(v.art = 'Ausbildung') as ausbildung,
               bool_or(v.art <> 'Ausbildung' and v.verbleib_6m = 'ja') as beschaeftigt_6m
        from tn a
        join stg_vermittlungen v using (tn_id)
        where a.austritt between f_von and f_bis
          and v.beginn between a.eintritt and a.austritt + 28
        group by a.tn_id
    )
    select t.tn_id, t.quartier, t.traeger, t.geschlecht,
           coalesce(t.eintritt between f_von and f_bis, false) as eingetreten,
           coalesce(t.austritt between f_von and f_bis, false) as ausgetreten,
           t.langzeitarbeitslos, t.alter_18_29, t.ab55, t.bildungsniveau,
           t.migrationshintergrund,
           coalesce(b.beschaeftigt, false) as beschaeftigt,
           coalesce(b.ausbildung, false)
               or coalesce(t.austrittsgrund in ('Ausbildung', 'Weiterbildung'), false)
               as in_bildung,
           coalesce(b.beschaeftigt_6m, false) as beschaeftigt_6m,
           coalesce(t.austritt <= t.datenstand - interval 6 month, false)
               as sechs_monate_beobachtet
    from tn t
    left join bei_austritt b using (tn_id);

-- The ESF+ indicator counts of esf_personen per Quartier × Träger × Geschlecht with every
-- total (GROUP BY CUBE): one row per cell and indicator (pos, schluessel, wert, basis).
-- alle_quartier / alle_traeger / alle_geschlecht: the cell is the total over that dimension
-- (then its value column is NULL); a person whose value is NULL counts only in the totals.
create or replace macro esf_werte(f_quartier, f_traeger, f_zielgruppe, f_von, f_bis) as table
    with zellen as (
        select
            grouping(quartier) = 1 as alle_quartier,
            grouping(traeger) = 1 as alle_traeger,
            grouping(geschlecht) = 1 as alle_geschlecht,
            quartier, traeger, geschlecht,
            count(*) filter (where eingetreten) as e,
            count(*) filter (where eingetreten and geschlecht = 'w') as e_w,
            count(*) filter (where eingetreten and geschlecht = 'm') as e_m,
            count(*) filter (where eingetreten and geschlecht = 'd') as e_d,
            count(*) filter (where eingetreten and langzeitarbeitslos) as e_lza,
            count(*) filter (where eingetreten and alter_18_29) as e_18_29,
            count(*) filter (where eingetreten and ab55) as e_55,
            count(*) filter (where eingetreten and bildungsniveau = 'ISCED 0-2') as e_i02,
            count(*) filter (where eingetreten and bildungsniveau = 'ISCED 3-4') as e_i34,
            count(*) filter (where eingetreten and bildungsniveau = 'ISCED 5-8') as e_i58,
            count(*) filter (where eingetreten and bildungsniveau is null) as e_iu,
            count(*) filter (where eingetreten and migrationshintergrund) as e_mig,
            count(*) filter (where ausgetreten) as a,
            count(*) filter (where ausgetreten and beschaeftigt) as a_besch,
            count(*) filter (where ausgetreten and in_bildung) as a_bild,
            count(*) filter (where ausgetreten and sechs_monate_beobachtet
                                               and beschaeftigt_6m) as a_6m,
            count(*) filter (where ausgetreten and sechs_monate_beobachtet) as a_6m_basis
        from esf_personen(f_quartier, f_traeger, f_zielgruppe, f_von, f_bis)
        group by cube (quartier, traeger, geschlecht)
    )
    select alle_quartier, alle_traeger, alle_geschlecht, quartier, traeger, geschlecht,
           unnest([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]) as pos,
           unnest(['teilnehmende', 'frauen', 'maenner', 'nicht_binaer', 'langzeitarbeitslos',
                   'alter_18_29', 'ab55', 'isced_0_2', 'isced_3_4', 'isced_5_8',
                   'isced_unbekannt', 'migrationshintergrund', 'austritte',
                   'beschaeftigt_bei_austritt', 'bildung_bei_austritt',
                   'beschaeftigt_6m']) as schluessel,
           unnest([e, e_w, e_m, e_d, e_lza, e_18_29, e_55, e_i02, e_i34, e_i58, e_iu, e_mig,
                   a, a_besch, a_bild, a_6m]) as wert,
           unnest([e, e, e, e, e, e, e, e, e, e, e, e, a, a, a, a_6m_basis]) as basis
    from zellen
    where (alle_quartier or quartier is not null)
      and (alle_traeger or traeger is not null)
      and (alle_geschlecht or geschlecht is not null);

-- Advised businesses (Betriebe page, issue 14): stg_betriebe rows with at least one
-- consultation in [f_von, f_bis], under Quartier (seat) and sectors (list, NULL = all), with
-- the first consultation ever, the consultations in the period, whether any was
-- pre-founding advice, and the stichtag. One definition for oek_betriebe_beraten,
-- oek_betriebe_gruppen, oek_betriebe_ueberleben and oek_betriebe_beschaeftigte.
create or replace macro betriebe_beraten(f_quartier, f_von, f_bis, f_branchen) as table
    with beratung as (
        select betrieb_id,
               min(datum) as erste_beratung,
               count(*) filter (where datum between f_von and f_bis) as beratungen_zeitraum,
               bool_or(format = 'Vorgründungsberatung') as vorgruendungsberatung
        from stg_beratungen
        group by betrieb_id
    )
    select b.*, r.erste_beratung, r.beratungen_zeitraum, r.vorgruendungsberatung,
           stichtag(f_bis) as stichtag
    from stg_betriebe b
    join beratung r using (betrieb_id)
    where r.beratungen_zeitraum > 0
      and (f_quartier is null or b.quartier = f_quartier)
      and (f_branchen is null or list_contains(f_branchen, b.branche));

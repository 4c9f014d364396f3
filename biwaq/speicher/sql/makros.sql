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

-- Vacancies (Leerstand page, issue 14: one definition for the map rows, the key figures and
-- the download). Every object that stood vacant on at least one day of [f_von, stichtag]
-- (stichtag = the earlier of f_bis and the data stand) under Quartier and the page filters
-- (lists NULL = all, bounds NULL = open; 'ohne Angabe' matches a missing district), with its
-- status at the reference date. See queries/oek_leerstand_objekte.sql for the columns.
create or replace macro leerstand_objekte(f_quartier, f_von, f_bis, f_arten, f_status,
                                          f_stadtteile, f_flaeche_min, f_flaeche_max,
                                          f_leer_von, f_leer_bis) as table
    with basis as (
        select l.*, stichtag(f_bis) as stichtag,
               case when l.status = 'wiederbelegt' then l.wiederbelegt_am end as wieder_am,
               case when l.status = 'wiederbelegt' and l.wiederbelegt_am <= stichtag(f_bis)
                        then 'wiederbelegt'
                    when l.status = 'wiederbelegt' then 'leer'
                    else l.status end as status_stichtag
        from mart_leerstaende l
        where (f_quartier is null or l.quartier = f_quartier)
          and (f_arten is null or list_contains(f_arten, l.art))
          and (f_stadtteile is null
               or list_contains(f_stadtteile, coalesce(l.stadtteil, 'ohne Angabe')))
          and (f_flaeche_min is null or l.flaeche_m2 >= f_flaeche_min)
          and (f_flaeche_max is null or l.flaeche_m2 <= f_flaeche_max)
          and (f_leer_von is null or l.leer_seit >= f_leer_von)
          and (f_leer_bis is null or l.leer_seit <= f_leer_bis)
    )
    select objekt_id, adresse, quartier, stadtteil, stadtteil_herkunft, art, flaeche_m2,
           leer_seit, status, status_stichtag, wiederbelegt_am, nachnutzung, eigentuemer_typ,
           oeffentlich, lat, lon, stichtag,
           wieder_am is null or wieder_am > stichtag as leer_am_stichtag,
           case when wieder_am is null or wieder_am > stichtag
                then (stichtag - leer_seit) / 30.4375 end as monate_leer,   -- rounded at display
           coalesce(wieder_am between cast(f_von as date) and stichtag, false)
               as wiederbelegt_im_zeitraum
    from basis
    where leer_seit <= stichtag
      and (wieder_am is null or wieder_am >= cast(f_von as date))
      and (f_status is null or list_contains(f_status, status_stichtag));

-- "Räume finden" (issue 12): units not re-let at the data stand with a status in f_status
-- (NULL = leer and in Vermarktung, "verfügbar"), of the arts f_arten, area in
-- [f_min, f_max], in programme area f_quartier and the districts f_stadtteile (NULL = all /
-- open); monate_leer = months from leer_seit to the data stand. One definition for
-- oek_leerstand_raeume (every hit, downloads) and oek_leerstand_raeume_erste (the page).
create or replace macro raeume_suche(f_status, f_arten, f_min, f_max, f_quartier,
                                     f_stadtteile) as table
    select l.objekt_id, l.adresse, l.quartier, l.stadtteil, l.art, l.flaeche_m2, l.leer_seit,
           l.status, l.eigentuemer_typ, l.nachnutzung, l.lat, l.lon,
           round((coalesce(datenstand(), current_date) - l.leer_seit) / 30.4375, 1)
               as monate_leer
    from mart_leerstaende l
    where l.status <> 'wiederbelegt'
      and list_contains(coalesce(f_status, ['leer', 'in Vermarktung']), l.status)
      and (f_quartier is null or l.quartier = f_quartier)
      and (f_arten is null or list_contains(f_arten, l.art))
      and (f_stadtteile is null
           or list_contains(f_stadtteile, coalesce(l.stadtteil, 'ohne Angabe')))
      and (f_min is null or l.flaeche_m2 >= f_min)
      and (f_max is null or l.flaeche_m2 <= f_max);

-- Requests meet offers: the one definition of "passend" (issue 14). A unit fits a request
-- when it is of the wanted art, its floor area lies within the wanted range (an empty bound
-- is open; a unit without area fits only a request without bounds) and it lies in the
-- wanted programme area (empty = either).
create or replace macro raum_passt(g_art, g_flaeche_min, g_flaeche_max, g_quartier,
                                   o_art, o_flaeche, o_quartier) as
    o_art = g_art
    and (g_flaeche_min is null or o_flaeche >= g_flaeche_min)
    and (g_flaeche_max is null or o_flaeche <= g_flaeche_max)
    and (g_quartier is null or o_quartier = g_quartier);

-- Requests open at the data stand under the sidebar's Quartier (requests for it or for
-- either area).
create or replace macro raumgesuche_offen(f_quartier) as table
    select * from stg_raumgesuche
    where status = 'offen' and (f_quartier is null or quartier is null or quartier = f_quartier);

-- Units available at the data stand ("verfügbar": leer or in Vermarktung, as in "Räume
-- finden") under the sidebar's Quartier.
create or replace macro raum_verfuegbar(f_quartier) as table
    select * from mart_leerstaende
    where status in ('leer', 'in Vermarktung')
      and (f_quartier is null or quartier = f_quartier);

-- Which requests fit which units, as pairs of request forms (art, Quartier, bounds) and
-- unit positions (art, Quartier, area): every request of a form fits every unit of a
-- position it is paired with. Forms and positions are far fewer than requests and units
-- (scale 1000: 2,073 forms × 5,245 positions give 615,264 pairs instead of tens of
-- millions of request–unit pairs). anzahl_gesuche / anzahl_objekte: requests of the form,
-- units at the position. Join back with IS NOT DISTINCT FROM (bounds, Quartier and area
-- may be NULL).
create or replace macro raum_passend(f_quartier) as table
    with formen as (
        select art, quartier as gesuch_quartier, flaeche_min_m2, flaeche_max_m2,
               count(*) as anzahl_gesuche
        from raumgesuche_offen(f_quartier) group by all
    ),
    lagen as (
        select art, quartier, flaeche_m2, count(*) as anzahl_objekte
        from raum_verfuegbar(f_quartier) group by all
    )
    select f.art, f.gesuch_quartier, f.flaeche_min_m2, f.flaeche_max_m2, f.anzahl_gesuche,
           l.quartier, l.flaeche_m2, l.anzahl_objekte
    from formen f
    join lagen l
      on raum_passt(f.art, f.flaeche_min_m2, f.flaeche_max_m2, f.gesuch_quartier,
                    l.art, l.flaeche_m2, l.quartier);

-- Open requests under the sidebar's Quartier with passende_objekte, the number of available
-- units that fit each (0 for none), counted per request form from raum_passend.
create or replace macro raumgesuche_gezaehlt(f_quartier) as table
    with je_form as (
        select art, gesuch_quartier, flaeche_min_m2, flaeche_max_m2,
               sum(anzahl_objekte)::bigint as passende_objekte
        from raum_passend(f_quartier) group by all
    )
    select g.*, coalesce(j.passende_objekte, 0)::bigint as passende_objekte
    from raumgesuche_offen(f_quartier) g
    left join je_form j
      on j.art = g.art and j.gesuch_quartier is not distinct from g.quartier
     and j.flaeche_min_m2 is not distinct from g.flaeche_min_m2
     and j.flaeche_max_m2 is not distinct from g.flaeche_max_m2;

-- Available units that fit at least one open request, with passende_gesuche (how many), nr
-- (order: most requests first, then largest, then objekt_id), alle (the number of such
-- units) and gesuche: the first f_k of the fitting requests' ids in order – for the rows
-- nr <= f_zeilen only (NULL = every row; the other rows get an empty list). Counts and names
-- come from raum_passend (per unit position the requests of its paired forms).
create or replace macro raum_angebote_gezaehlt(f_quartier, f_k, f_zeilen) as table
    with paare as (
        select * from raum_passend(f_quartier)
    ),
    je_lage as (
        select art, quartier, flaeche_m2, sum(anzahl_gesuche)::bigint as passende_gesuche
        from paare group by all
    ),
    reihe as (
        select o.objekt_id, o.adresse, o.stadtteil, o.art, o.flaeche_m2, o.status, o.quartier,
               j.passende_gesuche,
               row_number() over (order by j.passende_gesuche desc, o.flaeche_m2 desc,
                                  o.objekt_id) as nr,
               count(*) over () as alle
        from raum_verfuegbar(f_quartier) o
        join je_lage j
          on j.art = o.art and j.quartier is not distinct from o.quartier
         and j.flaeche_m2 is not distinct from o.flaeche_m2
    ),
    -- the positions of the rows that get names
    benannt as (
        select distinct art, quartier, flaeche_m2 from reihe
        where f_zeilen is null or nr <= f_zeilen
    ),
    -- per request form its first f_k ids (the first f_k of a position are among them)
    form_namen as (
        select art, quartier as gesuch_quartier, flaeche_min_m2, flaeche_max_m2,
               min_by(gesuch_id, gesuch_id, f_k) as ids
        from raumgesuche_offen(f_quartier) group by all
    ),
    form_ids as (
        select art, gesuch_quartier, flaeche_min_m2, flaeche_max_m2, unnest(ids) as gesuch_id
        from form_namen
    ),
    namen as (
        select p.art, p.quartier, p.flaeche_m2,
               min_by(f.gesuch_id, f.gesuch_id, f_k) as gesuche
        from paare p
        join benannt b
          on b.art = p.art and b.quartier is not distinct from p.quartier
         and b.flaeche_m2 is not distinct from p.flaeche_m2
        join form_ids f
          on f.art = p.art and f.gesuch_quartier is not distinct from p.gesuch_quartier
         and f.flaeche_min_m2 is not distinct from p.flaeche_min_m2
         and f.flaeche_max_m2 is not distinct from p.flaeche_max_m2
        group by all
    )
    select r.objekt_id, r.adresse, r.stadtteil, r.art, r.flaeche_m2, r.status, r.quartier,
           r.passende_gesuche, r.nr, r.alle, coalesce(n.gesuche, []::varchar[]) as gesuche
    from reihe r
    left join namen n
      on (f_zeilen is null or r.nr <= f_zeilen)
     and n.art = r.art and n.quartier is not distinct from r.quartier
     and n.flaeche_m2 is not distinct from r.flaeche_m2;

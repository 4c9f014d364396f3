-- Schema of the internal store: the contract's tables with types, keys and constraints,
-- then staging views (rename and cast only) and marts (derived fields) that queries read.
-- References between tables are checked by the importer and the quality rules, not by
-- foreign keys (DuckDB cannot upsert rows that a foreign key points at).

create table if not exists teilnehmende (
    tn_id varchar primary key,
    quartier varchar not null check (quartier in ('Magdeburger Allee', 'Süd-Ost')),
    stadtteil varchar,
    traeger varchar not null check (traeger in ('KIK', 'Euratibor')),
    geschlecht varchar not null check (geschlecht in ('w', 'm', 'd')),
    geburtsjahr integer not null check (geburtsjahr >= 1940),
    alleinerziehend boolean not null,
    migrationshintergrund boolean not null,
    schutzsuchend boolean not null,
    langzeitarbeitslos boolean not null,
    sgb2_bezug boolean,
    bildungsniveau varchar check (bildungsniveau in ('ISCED 0-2', 'ISCED 3-4', 'ISCED 5-8')),
    zugangsweg varchar not null check (zugangsweg in ('Jobcenter', 'Aufsuchende Arbeit',
        'KONTAKT-Laden', 'Bürgerpate', 'Eigeninitiative', 'Sonstiges')),
    erstkontakt date not null,
    eintritt date,
    austritt date,
    austrittsgrund varchar check (austrittsgrund in ('Arbeitsaufnahme', 'Ausbildung',
        'Weiterbildung', 'Abbruch', 'Maßnahmeende', 'Umzug', 'Sonstiges')),
    check (eintritt is null or eintritt >= erstkontakt),
    check (austritt is null or (eintritt is not null and austritt >= eintritt))
);

create table if not exists aktivitaeten (
    tn_id varchar not null,
    datum date not null,
    art varchar not null check (art in ('Erstgespräch', 'Coaching', 'Case Management',
        'Kompetenzfeststellung', 'Schnuppertag', 'Betriebsbesichtigung', 'Praktikum',
        'Teilqualifizierung', 'Bewerbung', 'Vorstellungsgespräch', 'Mediation',
        'Übergangsbegleitung')),
    dauer_min integer check (dauer_min between 1 and 600),
    betrieb_id varchar,
    primary key (tn_id, datum, art)
);

create table if not exists vermittlungen (
    tn_id varchar not null,
    beginn date not null,
    art varchar not null check (art in ('SV-pflichtig Vollzeit', 'SV-pflichtig Teilzeit',
        'Ausbildung', 'Geringfügig', 'Selbstständig')),
    betrieb_id varchar,
    branche varchar,
    verbleib_6m varchar check (verbleib_6m in ('ja', 'nein', 'unbekannt')),
    primary key (tn_id, beginn)
);

create table if not exists betriebe (
    betrieb_id varchar primary key,
    name varchar not null,
    quartier varchar not null check (quartier in ('Magdeburger Allee', 'Süd-Ost')),
    stadtteil varchar,
    branche varchar not null,
    gruendung date not null,
    migrantenoekonomie boolean not null,
    beschaeftigte integer check (beschaeftigte >= 0),
    status varchar not null check (status in ('aktiv', 'geschlossen')),
    status_datum date,
    lat double check (lat between -90 and 90),
    lon double check (lon between -180 and 180)
);

create table if not exists beratungen (
    betrieb_id varchar not null,
    datum date not null,
    format varchar not null check (format in ('Vorgründungsberatung', 'Nachgründungsberatung',
        'Branchenpate', 'Seniorexperte', 'Bildungsstammtisch', 'Fachkräftesicherung')),
    thema varchar,
    dauer_min integer check (dauer_min >= 0),
    primary key (betrieb_id, datum, format)
);

create table if not exists leerstaende (
    objekt_id varchar primary key,
    adresse varchar not null,
    quartier varchar not null check (quartier in ('Magdeburger Allee', 'Süd-Ost')),
    stadtteil varchar,
    art varchar not null check (art in ('Ladenlokal', 'Gewerbeeinheit', 'Büro', 'Brachfläche')),
    flaeche_m2 double not null check (flaeche_m2 > 0),
    leer_seit date not null,
    status varchar not null check (status in ('leer', 'in Vermarktung', 'Zwischennutzung',
        'wiederbelegt')),
    wiederbelegt_am date,
    nachnutzung varchar,
    eigentuemer_typ varchar check (eigentuemer_typ in ('privat', 'Wohnungsunternehmen',
        'kommunal', 'sonstige')),
    oeffentlich boolean,
    lat double not null check (lat between -90 and 90),
    lon double not null check (lon between -180 and 180),
    check (status <> 'wiederbelegt' or wiederbelegt_am is not null)
);

create table if not exists stadtteile (
    stadtteil varchar not null,
    quartier varchar check (quartier in ('Magdeburger Allee', 'Süd-Ost')),
    jahr integer not null,
    einwohner integer not null check (einwohner >= 0),
    sgb2_quote double check (sgb2_quote between 0 and 100),
    alo_quote double check (alo_quote between 0 and 100),
    migrationsanteil double check (migrationsanteil between 0 and 100),
    flaeche_ha double check (flaeche_ha >= 0),
    primary key (stadtteil, jahr)
);

-- "All areas" / "all groups" are stored as '' so that the key can hold them.
create table if not exists ziele (
    kennzahl varchar not null check (kennzahl in ('teilnehmende', 'eintritte', 'vermittlungen',
        'verbleib_6m', 'betriebe_beraten', 'leerstaende_wiederbelegt')),
    quartier varchar not null default '' check (quartier in ('', 'Magdeburger Allee', 'Süd-Ost')),
    zielgruppe varchar not null default '' check (zielgruppe in ('', 'alleinerziehend', '55plus',
        'migrationshintergrund', 'schutzsuchend', 'langzeitarbeitslos')),
    zielwert integer not null check (zielwert >= 0),
    bis date not null,
    primary key (kennzahl, quartier, zielgruppe)
);

-- Premises requests (optional table, issue 12): what a founder or business looks for.
create table if not exists raumgesuche (
    gesuch_id varchar primary key,
    betrieb_id varchar,
    datum date not null,
    art varchar not null check (art in ('Ladenlokal', 'Gewerbeeinheit', 'Büro', 'Brachfläche')),
    flaeche_min_m2 double check (flaeche_min_m2 >= 0),
    flaeche_max_m2 double check (flaeche_max_m2 >= 0),
    quartier varchar check (quartier in ('Magdeburger Allee', 'Süd-Ost')),
    branche varchar,
    status varchar not null check (status in ('offen', 'vermittelt', 'zurückgezogen')),
    objekt_id varchar,
    erledigt_am date
);

-- District outlines, WGS84 as WKT; area computed in ETRS89/UTM 32N.
create table if not exists stadtteil_geo (
    stadtteil varchar primary key,
    quartier varchar,
    schematisch boolean not null,
    wkt varchar not null,
    flaeche_ha_utm double
);

create table if not exists _meta (
    schluessel varchar primary key,
    wert varchar
);

-- Staging: rename and cast only ------------------------------------------------------------

create or replace view stg_teilnehmende as select * from teilnehmende;
create or replace view stg_aktivitaeten as select * from aktivitaeten;
create or replace view stg_vermittlungen as select * from vermittlungen;
create or replace view stg_betriebe as select * from betriebe;
create or replace view stg_beratungen as select * from beratungen;
create or replace view stg_leerstaende as
    select * exclude (oeffentlich), coalesce(oeffentlich, false) as oeffentlich from leerstaende;
create or replace view stg_stadtteile as select * from stadtteile;
create or replace view stg_raumgesuche as select * from raumgesuche;
create or replace view stg_ziele as
    select kennzahl, nullif(quartier, '') as quartier, nullif(zielgruppe, '') as zielgruppe,
           zielwert, bis
    from ziele;

-- Marts ------------------------------------------------------------------------------------

-- One row per person: age at entry (from birth year only, so approximate), age band,
-- target groups as a list (a person belongs to every group that applies).
create or replace view mart_teilnehmende as
with base as (
    select *, year(coalesce(eintritt, erstkontakt)) - geburtsjahr as alter_eintritt
    from stg_teilnehmende
),
final as (
    select
        *,
        case
            when alter_eintritt < 30 then 'unter 30'
            when alter_eintritt < 45 then '30 bis 44'
            when alter_eintritt < 55 then '45 bis 54'
            else '55 und älter'
        end as altersgruppe,
        alter_eintritt >= 55 as ab55,
        alter_eintritt between 18 and 29 as alter_18_29,
        list_concat(
            case when alleinerziehend then ['alleinerziehend'] else [] end,
            case when alter_eintritt >= 55 then ['55plus'] else [] end,
            case when migrationshintergrund then ['migrationshintergrund'] else [] end,
            case when schutzsuchend then ['schutzsuchend'] else [] end,
            case when langzeitarbeitslos then ['langzeitarbeitslos'] else [] end
        ) as zielgruppen
    from base
)
select * from final;

-- One row per person: mart_teilnehmende's columns plus the dates at which the person reached
-- each stage of the placement funnel (issue 3), and the data stand from _meta.
-- aktiv begleitet = first Coaching or Case Management (contract.BEGLEITUNG);
-- Praxiserfahrung = first Schnuppertag, Betriebsbesichtigung or Praktikum (contract.PRAXIS);
-- vermittelt_am = start of the first placement (any type, training included);
-- verbleib_6m_ja = some placement of the person was still in work after six months.
create or replace view mart_tn_verlauf as
with akt as (
    select tn_id,
           min(datum) filter (where art in ('Coaching', 'Case Management')) as begleitet_am,
           min(datum) filter (where art in ('Schnuppertag', 'Betriebsbesichtigung',
                                            'Praktikum')) as praxis_am
    from stg_aktivitaeten
    group by tn_id
),
verm as (
    select tn_id, min(beginn) as vermittelt_am,
           bool_or(coalesce(verbleib_6m = 'ja', false)) as verbleib_6m_ja
    from stg_vermittlungen
    group by tn_id
),
stand as (
    select max(try_cast(wert as date)) as datenstand from _meta where schluessel = 'datenstand'
),
final as (
    select t.*, a.begleitet_am, a.praxis_am, v.vermittelt_am,
           coalesce(v.verbleib_6m_ja, false) as verbleib_6m_ja, s.datenstand
    from mart_teilnehmende t
    left join akt a using (tn_id)
    left join verm v using (tn_id)
    cross join stand s
)
select * from final;
-- One row per person, breakdown dimension and group of that dimension the person is in:
-- 'alle' for every dimension, each target group of the person for 'zielgruppe' (groups
-- overlap), the person's value for the other dimensions. Queries pick one dimension ($dim).
create or replace view mart_tn_gruppen as
with dims as (
    select unnest(['zielgruppe', 'quartier', 'traeger', 'geschlecht', 'altersgruppe']) as dim
),
final as (
    select t.tn_id, d.dim, 'alle' as gruppe from mart_teilnehmende t cross join dims d
    union all
    select tn_id, 'zielgruppe', unnest(zielgruppen) from mart_teilnehmende
    union all
    select tn_id, 'quartier', quartier from mart_teilnehmende
    union all
    select tn_id, 'traeger', traeger from mart_teilnehmende
    union all
    select tn_id, 'geschlecht', geschlecht from mart_teilnehmende
    union all
    select tn_id, 'altersgruppe', altersgruppe from mart_teilnehmende
)
select * from final;

-- Lokale Ökonomie (vacancy map) ------------------------------------------------------------

-- District of each vacancy from its position: spatial join in geopandas (biwaq.einlesen.geo), redone
-- whenever district outlines are stored. stadtteil_lage NULL = outside every district; then
-- the nearest district and the distance in metres (UTM 32N) say how far outside.
create table if not exists leerstand_lage (
    objekt_id varchar primary key,
    stadtteil_lage varchar,
    naechster_stadtteil varchar,
    abstand_m double
);

-- Vacancies with their district: the recorded one, else the one from the position.
-- lage_geprueft = the position was checked against the stored outlines.
create or replace view mart_leerstaende as
select
    l.* exclude (stadtteil),
    coalesce(l.stadtteil, g.stadtteil_lage) as stadtteil,
    case when l.stadtteil is not null then 'Angabe'
         when g.stadtteil_lage is not null then 'Lage' end as stadtteil_herkunft,
    g.objekt_id is not null as lage_geprueft,
    g.stadtteil_lage,
    g.naechster_stadtteil,
    g.abstand_m
from stg_leerstaende l
left join leerstand_lage g using (objekt_id);

-- Import log (biwaq.speicher.importer): one row per import attempt, one row per file of it.
-- Rejected attempts are logged too; their data never reaches the tables above.
create table if not exists importprotokoll (
    import_nr integer primary key,
    zeitpunkt timestamp not null,
    wer varchar not null,
    ergebnis varchar not null check (ergebnis in ('ok', 'abgelehnt')),
    fehler integer not null default 0,
    warnungen integer not null default 0,
    demo_entfernt boolean not null default false,
    eingefuegt integer not null default 0,
    aktualisiert integer not null default 0
);
-- A dry run (Probelauf) with errors on the page "Daten" is logged too, marked here (the
-- column came after the table: older files get it on their next write, as false).
alter table importprotokoll add column if not exists probelauf boolean default false;

create table if not exists importprotokoll_datei (
    import_nr integer not null,
    nr integer not null,                 -- position of the file in the batch
    datei varchar not null,
    sha256 varchar not null,
    groesse_bytes bigint not null,
    tabelle varchar,                     -- NULL when the file names no table
    zeilen integer not null default 0,
    eingefuegt integer not null default 0,
    aktualisiert integer not null default 0,
    primary key (import_nr, nr)
);

-- Every error and note of an import attempt, as the person saw it (added with schema
-- version of the import-log notes; older files get the table on migration, empty).
create table if not exists importprotokoll_meldung (
    import_nr integer not null,
    nr integer not null,                 -- order as shown after the attempt
    art varchar not null check (art in ('Fehler', 'Hinweis')),
    datei varchar not null,
    zeile integer,                       -- row as Excel numbers it; NULL = whole file
    spalte varchar,
    wert varchar,                        -- the value as it looks
    meldung varchar not null,
    primary key (import_nr, nr)
);

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

-- Import log (biwaq.importer): one row per import attempt, one row per file of it.
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

"""The data contract (shared/data-contract.md) as code: tables, columns, value lists, keys."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# --- Project facts used across the package -------------------------------------------------

LAUFZEIT_START = dt.date(2015, 10, 1)
LAUFZEIT_ENDE = dt.date(2018, 12, 31)

QUARTIERE = ("Magdeburger Allee", "Süd-Ost")
STADTTEILE = {  # district -> programme area
    "Andreasvorstadt": "Magdeburger Allee",
    "Johannesvorstadt": "Magdeburger Allee",
    "Ilversgehofen": "Magdeburger Allee",
    "Herrenberg": "Süd-Ost",
    "Wiesenhügel": "Süd-Ost",
    "Melchendorf": "Süd-Ost",
}
TRAEGER = ("KIK", "Euratibor")
TRAEGER_NAMEN = {"KIK": "Kontakt in Krisen e.V.", "Euratibor": "Euratibor e.V."}
GESCHLECHT = ("w", "m", "d")
GESCHLECHT_NAMEN = {"w": "weiblich", "m": "männlich", "d": "divers"}
BILDUNG = ("ISCED 0-2", "ISCED 3-4", "ISCED 5-8")
ZUGANGSWEGE = ("Jobcenter", "Aufsuchende Arbeit", "KONTAKT-Laden", "Bürgerpate",
               "Eigeninitiative", "Sonstiges")
AUSTRITTSGRUENDE = ("Arbeitsaufnahme", "Ausbildung", "Weiterbildung", "Abbruch",
                    "Maßnahmeende", "Umzug", "Sonstiges")
AKTIVITAETEN = ("Erstgespräch", "Coaching", "Case Management", "Kompetenzfeststellung",
                "Schnuppertag", "Betriebsbesichtigung", "Praktikum", "Teilqualifizierung",
                "Bewerbung", "Vorstellungsgespräch", "Mediation", "Übergangsbegleitung")
BEGLEITUNG = ("Coaching", "Case Management")            # funnel stage "aktiv begleitet"
PRAXIS = ("Schnuppertag", "Betriebsbesichtigung", "Praktikum")  # stage "Praxiserfahrung"
VERMITTLUNGSARTEN = ("SV-pflichtig Vollzeit", "SV-pflichtig Teilzeit", "Ausbildung",
                     "Geringfügig", "Selbstständig")
VERBLEIB = ("ja", "nein", "unbekannt")
BETRIEB_STATUS = ("aktiv", "geschlossen")
BERATUNGSFORMATE = ("Vorgründungsberatung", "Nachgründungsberatung", "Branchenpate",
                    "Seniorexperte", "Bildungsstammtisch", "Fachkräftesicherung")
LEERSTAND_ARTEN = ("Ladenlokal", "Gewerbeeinheit", "Büro", "Brachfläche")
LEERSTAND_STATUS = ("leer", "in Vermarktung", "Zwischennutzung", "wiederbelegt")
RAUMGESUCH_STATUS = ("offen", "vermittelt", "zurückgezogen")
EIGENTUEMER = ("privat", "Wohnungsunternehmen", "kommunal", "sonstige")
KENNZAHLEN = ("teilnehmende", "eintritte", "vermittlungen", "verbleib_6m",
              "betriebe_beraten", "leerstaende_wiederbelegt")
ZIELGRUPPEN = ("alleinerziehend", "55plus", "migrationshintergrund", "schutzsuchend",
               "langzeitarbeitslos")
ZIELGRUPPEN_NAMEN = {
    "alleinerziehend": "Alleinerziehende",
    "55plus": "Ältere (55+)",
    "migrationshintergrund": "Mit Migrationshintergrund",
    "schutzsuchend": "Geflüchtete",
    "langzeitarbeitslos": "Langzeitarbeitslose",
}
# The names of the contract's key figures are the catalogue's labels (biwaq.zahlen.kennzahlen via
# zielstand.TITEL): „vermittlungen“ counts persons and is named „Vermittelte Personen“.
# Plausible dates. Project events (contact, entry, activity, placement, consultation) cannot
# be older than the BIWAQ programme (first funding round 2008); foundings and vacancies may be
# much older than the project. Placeholders for "unknown" (01.01.1900, 31.12.9999) are refused
# by fileio whatever the window.
PROJEKT_FRUEH = dt.date(2008, 1, 1)
GRUENDUNG_FRUEH = dt.date(1800, 1, 1)
LEERSTAND_FRUEH = dt.date(1950, 1, 1)
SPAETESTENS = dt.date(2100, 12, 31)

# Rough bounding box of the city of Erfurt (WGS84); positions outside are implausible.
ERFURT_BBOX = {"lat_min": 50.85, "lat_max": 51.08, "lon_min": 10.86, "lon_max": 11.18}


# --- Table specifications -------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    name: str
    type: str                      # text | int | float | date | bool
    required: bool = False
    values: tuple[str, ...] | None = None   # allowed values (text columns)
    min: float | None = None
    max: float | None = None
    references: tuple[str, str] | None = None  # (table, column) that must hold the value
    label: str = ""                # German label for messages
    # Date columns: plausible window (issue 13.12). Earliest date; latest = day of import +
    # `spaet_tage` days (None: 31.12.2100). Dates outside are refused at import.
    frueh: dt.date | None = None
    spaet_tage: int | None = 366


@dataclass(frozen=True)
class Table:
    name: str
    title: str                     # German title
    key: tuple[str, ...]
    columns: tuple[Column, ...] = field(default_factory=tuple)
    optional: bool = False         # a delivery (and a demo folder) may leave it out

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


TABLES: dict[str, Table] = {}


def _table(name: str, title: str, key: tuple[str, ...], *columns: Column,
           optional: bool = False) -> Table:
    t = Table(name, title, key, tuple(columns), optional)
    TABLES[name] = t
    return t


_table(
    "teilnehmende", "Teilnehmende", ("tn_id",),
    Column("tn_id", "text", True, label="Teilnehmenden-Nr."),
    Column("quartier", "text", True, QUARTIERE),
    Column("stadtteil", "text", False),
    Column("traeger", "text", True, TRAEGER),
    Column("geschlecht", "text", True, GESCHLECHT),
    Column("geburtsjahr", "int", True, min=1940),
    Column("alleinerziehend", "bool", True),
    Column("migrationshintergrund", "bool", True),
    Column("schutzsuchend", "bool", True),
    Column("langzeitarbeitslos", "bool", True),
    Column("sgb2_bezug", "bool", False),
    Column("bildungsniveau", "text", False, BILDUNG),
    Column("zugangsweg", "text", True, ZUGANGSWEGE),
    Column("erstkontakt", "date", True, frueh=PROJEKT_FRUEH),
    Column("eintritt", "date", False, frueh=PROJEKT_FRUEH),
    Column("austritt", "date", False, frueh=PROJEKT_FRUEH),
    Column("austrittsgrund", "text", False, AUSTRITTSGRUENDE),
)
_table(
    "aktivitaeten", "Aktivitäten", ("tn_id", "datum", "art"),
    Column("tn_id", "text", True, references=("teilnehmende", "tn_id")),
    Column("datum", "date", True, frueh=PROJEKT_FRUEH),
    Column("art", "text", True, AKTIVITAETEN),
    Column("dauer_min", "int", False, min=1, max=600),
    Column("betrieb_id", "text", False, references=("betriebe", "betrieb_id")),
)
_table(
    "vermittlungen", "Vermittlungen", ("tn_id", "beginn"),
    Column("tn_id", "text", True, references=("teilnehmende", "tn_id")),
    Column("beginn", "date", True, frueh=PROJEKT_FRUEH),
    Column("art", "text", True, VERMITTLUNGSARTEN),
    Column("betrieb_id", "text", False, references=("betriebe", "betrieb_id")),
    Column("branche", "text", False),
    Column("verbleib_6m", "text", False, VERBLEIB),
)
_table(
    "betriebe", "Betriebe", ("betrieb_id",),
    Column("betrieb_id", "text", True),
    Column("name", "text", True),
    Column("quartier", "text", True, QUARTIERE),
    Column("stadtteil", "text", False),
    Column("branche", "text", True),
    Column("gruendung", "date", True, frueh=GRUENDUNG_FRUEH),
    Column("migrantenoekonomie", "bool", True),
    Column("beschaeftigte", "int", False, min=0),
    Column("status", "text", True, BETRIEB_STATUS),
    Column("status_datum", "date", False, frueh=PROJEKT_FRUEH),
    Column("lat", "float", False, min=-90, max=90),
    Column("lon", "float", False, min=-180, max=180),
)
_table(
    "beratungen", "Beratungen", ("betrieb_id", "datum", "format"),
    Column("betrieb_id", "text", True, references=("betriebe", "betrieb_id")),
    Column("datum", "date", True, frueh=PROJEKT_FRUEH),
    Column("format", "text", True, BERATUNGSFORMATE),
    Column("thema", "text", False),
    Column("dauer_min", "int", False, min=0),
)
_table(
    "leerstaende", "Leerstände", ("objekt_id",),
    Column("objekt_id", "text", True),
    Column("adresse", "text", True),
    Column("quartier", "text", True, QUARTIERE),
    Column("stadtteil", "text", False),
    Column("art", "text", True, LEERSTAND_ARTEN),
    Column("flaeche_m2", "float", True, min=0.01, max=1_000_000),
    Column("leer_seit", "date", True, frueh=LEERSTAND_FRUEH),
    Column("status", "text", True, LEERSTAND_STATUS),
    Column("wiederbelegt_am", "date", False, frueh=PROJEKT_FRUEH),
    Column("nachnutzung", "text", False),
    Column("eigentuemer_typ", "text", False, EIGENTUEMER),
    Column("oeffentlich", "bool", False),
    Column("lat", "float", True, min=-90, max=90),
    Column("lon", "float", True, min=-180, max=180),
)
_table(
    "stadtteile", "Stadtteile", ("stadtteil", "jahr"),
    Column("stadtteil", "text", True),
    Column("quartier", "text", False, QUARTIERE),
    Column("jahr", "int", True, min=1990, max=2100),
    Column("einwohner", "int", True, min=0),
    Column("sgb2_quote", "float", False, min=0, max=100),
    Column("alo_quote", "float", False, min=0, max=100),
    Column("migrationsanteil", "float", False, min=0, max=100),
    Column("flaeche_ha", "float", False, min=0),
)
_table(
    "ziele", "Ziele", ("kennzahl", "quartier", "zielgruppe"),
    Column("kennzahl", "text", True, KENNZAHLEN),
    Column("quartier", "text", False, QUARTIERE),
    Column("zielgruppe", "text", False, ZIELGRUPPEN),
    Column("zielwert", "int", True, min=0),
    Column("bis", "date", True, frueh=PROJEKT_FRUEH, spaet_tage=None),
)
# Premises requests (issue 12; LeAn's "Gesuche"): what a founder or business looks for.
_table(
    "raumgesuche", "Raumgesuche", ("gesuch_id",),
    Column("gesuch_id", "text", True, label="Gesuch-Nr."),
    Column("betrieb_id", "text", False, references=("betriebe", "betrieb_id")),
    Column("datum", "date", True),
    Column("art", "text", True, LEERSTAND_ARTEN),
    Column("flaeche_min_m2", "float", False, min=0),
    Column("flaeche_max_m2", "float", False, min=0),
    Column("quartier", "text", False, QUARTIERE),
    Column("branche", "text", False),
    Column("status", "text", True, RAUMGESUCH_STATUS),
    Column("objekt_id", "text", False, references=("leerstaende", "objekt_id")),
    Column("erledigt_am", "date", False),
    optional=True,
)

# Load order: referenced tables first.
LOAD_ORDER = ("stadtteile", "ziele", "betriebe", "teilnehmende", "aktivitaeten",
              "vermittlungen", "beratungen", "leerstaende", "raumgesuche")
PFLICHT_TABELLEN = tuple(t for t in LOAD_ORDER if not TABLES[t].optional)
assert set(LOAD_ORDER) == set(TABLES)

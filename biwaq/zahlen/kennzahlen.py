"""The catalogue of figures: every figure the dashboard shows or publishes, defined once.

Modelled on indicator metadata of health-information systems (DHIS2: name, short name,
description, numerator, denominator, decimals) and on a metrics layer (dbt semantic layer),
small and in this project's style. Each figure has

- ``id``: stable key used in code (``get("vermittelte_personen")``);
- ``label``: the German label on pages, table headers, downloads, public figures, handout;
- ``einheit``: unit of the value ("Personen", "Vermittlungen", "Betriebe", "%", "Tage",
  "Monate", "m²", …);
- ``definition``: plain German, rendered into the "Wie wird gezählt?" texts;
- ``quelle``: where it comes from – ``"<query>.<column>"`` (a file ``queries/<query>.sql``)
  or ``"<zähler> / <nenner>"`` for a rate, or a Python function for derived figures;
- ``nachkommastellen``: decimals at display; values are rounded **once, at display, half away
  from zero** (as German official statistics round; Python's ``round`` and ``format`` round
  half to even on the binary value, which shows 22.5 as 22 and can cut 41.05 to 41.0);
- ``mindestbasis``: for rates, the smallest base (denominator) shown as a rate; below it the
  rate shows "–" with the reason. ``None`` for counts.
- ``basis_zeigen_unter``: rates on a base below this also show their count ("2 von 3").

Public API: ``get(id)``, ``alle()``, ``label(id)``, ``runde(x, stellen)``, ``zahl(x, stellen)``,
``fmt(id, wert, basis=None, zaehler=None, schwellen=())``, ``prozent_dezimal(anteil, stellen,
schwellen)`` (the on-track rule: never rounded up onto a threshold), ``quote_text(id, zaehler,
basis)``, ``wie_gezaehlt(ids)``, ``MERKMALE`` (column headers that are attributes or values of a
dimension, not figures: Träger, the sex columns of the ESF+ split, a status).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction

STRICH = "–"
ZU_WENIGE = "zu wenige"


@dataclass(frozen=True)
class Kennzahl:
    """One figure. See the module docstring for the fields."""
    id: str
    label: str
    einheit: str
    definition: str
    quelle: str
    nachkommastellen: int = 0
    mindestbasis: int | None = None
    basis_zeigen_unter: int | None = None
    basis_einheit: str = ""            # what the base counts, for "– (zu wenige Betriebe)"

    @property
    def ist_quote(self) -> bool:
        return self.einheit == "%"


# Survival rates on fewer than this many businesses show "–" (issue 10.5): a share of one or
# two units says nothing. Shares of people on the internal pages are shown on any base, with
# the count beside them on small bases (issue 10.7).
MINDESTBASIS_UEBERLEBEN = 5
BASIS_ZEIGEN_UNTER = 20        # rates on fewer than 20 also show "k von n" (issue 10.7)

_K = Kennzahl
UNTER_BEOBACHTUNG = "Betriebe unter Beobachtung"


def _anteil_personen(id: str, label: str, definition: str, quelle: str) -> Kennzahl:
    """A share of people in % (one decimal), shown on any base; below BASIS_ZEIGEN_UNTER
    with its count ('66,7 % (2 von 3)', issue 10.7)."""
    return Kennzahl(id, label, "%", definition, quelle, 1, None, BASIS_ZEIGEN_UNTER, "Personen")


def _anteil_betriebe(id: str, label: str, definition: str, quelle: str, stellen: int = 0,
                     basis_einheit: str = UNTER_BEOBACHTUNG) -> Kennzahl:
    """A share of advised businesses in %, '–' with the reason below MINDESTBASIS_UEBERLEBEN
    businesses (issue 10.5); `basis_einheit` names what the base counts."""
    return Kennzahl(id, label, "%", definition, quelle, stellen, MINDESTBASIS_UEBERLEBEN, None,
                    basis_einheit)


KATALOG: tuple[Kennzahl, ...] = (
    # --- Participants: events in the period (Übersicht, Zielgruppen, ESF+) ----------------
    _K("erreichte_personen", "Erreichte Personen", "Personen",
       "Personen mit **Erstkontakt im Zeitraum**; jede Person einmal.",
       "uebersicht_kennzahlen.wert (kennzahl = 'teilnehmende'), "
       "zielgruppen_reichweite.erreicht (gruppe = 'alle')"),
    _K("eintritte", "Eintritte", "Personen",
       "Personen mit **formalem Eintritt ins Projekt im Zeitraum** (der Erstkontakt kann davor "
       "liegen); jede Person einmal.",
       "uebersicht_kennzahlen.wert (kennzahl = 'eintritte'), "
       "zielgruppen_reichweite.eingetreten (gruppe = 'alle'), "
       "vermittlung_verweildauer.anzahl (Summe der Eintrittskohorten)"),
    _K("vermittelte_personen", "Vermittelte Personen", "Personen",
       "Personen mit **Beginn einer Vermittlung** (Arbeit oder Ausbildung, jede Art) **im "
       "Zeitraum**; jede Person einmal, auch bei mehreren Vermittlungen.",
       "uebersicht_kennzahlen.wert"),
    _K("vermittelte_personen_quartal", "Vermittelte Personen im Quartal", "Personen",
       "Personen mit Beginn einer Vermittlung im Quartal; wer in zwei Quartalen vermittelt "
       "wurde, zählt in beiden.", "uebersicht_trend.vermittlungen"),
    _K("eintritte_quartal", "Eintritte im Quartal", "Personen",
       "Personen mit formalem Eintritt im Quartal.", "uebersicht_trend.eintritte"),
    _K("verbleib_personen", "Verbleib nach 6 Monaten", "Personen",
       "Von den vermittelten Personen die, deren Vermittlung im Zeitraum sechs Monate später "
       "noch bestand (Verbleib = ja); jüngere Vermittlungen sind noch offen.",
       "uebersicht_kennzahlen.wert"),
    _K("summe_gruppen", "Summe der fünf Gruppen", "Personen",
       "Erreichte Personen je Zielgruppe zusammengezählt: größer als die Zahl der Personen, "
       "weil viele zu mehreren Gruppen gehören.", "zielgruppen_reichweite.erreicht"),
    _K("mit_migration", "davon mit Migrationshintergrund", "Personen",
       "Erreichte Personen mit Migrationshintergrund (Geflüchtete eingeschlossen).",
       "zielgruppen_repraesentation.mit_migration"),
    _anteil_personen("anteil_migration_tn", "Anteil Teilnehmende (%)",
       "Anteil mit Migrationshintergrund unter den erreichten Personen.",
       "zielgruppen_repraesentation.mit_migration / zielgruppen_repraesentation.teilnehmende"),
    _K("anteil_migration_bev", "Anteil Bevölkerung (%)", "%",
       "Anteil mit Migrationshintergrund in der Bevölkerung der Stadtteile "
       "(Stadtteilstatistik, nach Einwohnerzahl gewichtet).",
       "zielgruppen_repraesentation.bev_mig_summe / zielgruppen_repraesentation.bev_gewicht",
       1),
    _K("personen", "Personen", "Personen",
       "Verschiedene Personen in dieser Zeile; jede Person einmal je Zeile.",
       "vermittlung_trichter, vermittlung_stufenzeiten.personen, vermittlung_arten.personen, "
       "vermittlung_austritte.personen, zielgruppen_zugangswege.personen, "
       "zielgruppen_kombinationen.personen"),
    _anteil_personen("anteil_in_gruppe", "Anteil in der Gruppe (%)",
       "Personen der Zeile geteilt durch alle Personen ihrer Gruppe; auf kleiner Basis steht "
       "die Zahl dabei („2 von 3“).", "personen / Summe der Personen der Gruppe"),
    _K("personen_gruppe", "Personen in der Gruppe", "Personen",
       "Alle Personen der Gruppe: die Basis des Anteils in der Gruppe.",
       "Summe von personen je Gruppe"),
    _anteil_personen("anteil_an_gruppe", "Anteil an der Gruppe (%)",
       "Personen in beiden Gruppen geteilt durch die Größe der Zeilengruppe.",
       "zielgruppen_kombinationen.personen / Größe der Gruppe"),
    _K("austritte", "Austritte im Zeitraum", "Personen",
       "Personen mit Austritt im Zeitraum; jede Person einmal.", "esf_gliederung.wert"),
    _K("esf_teilnehmende", "Teilnehmende (Eintritte im Zeitraum)", "Personen",
       "Wie **Eintritte**: Personen mit formalem Eintritt im Zeitraum (ESF+: Teilnehmende "
       "insgesamt).", "esf_gliederung.wert"),
    _K("esf_anzahl", "Anzahl", "Personen", "Personen, die den Indikator erfüllen.",
       "esf_gliederung.wert"),
    _K("esf_bezugsgroesse", "Bezugsgröße", "Personen",
       "Eintritte im Zeitraum (Merkmale) bzw. Austritte im Zeitraum (Ergebnisse).",
       "esf_gliederung.basis"),
    _K("esf_anteil", "Anteil (%)", "%", "Anzahl geteilt durch Bezugsgröße.",
       "esf_gliederung.wert / esf_gliederung.basis", 1),

    # --- Participants: the cohort of the Vermittlung page ---------------------------------
    _K("kohorte_erstkontakte", "Erstkontakte (Kohorte)", "Personen",
       "Die **Kohorte** des Vermittlungstrichters: alle Personen mit **Erstkontakt im "
       "Zeitraum**.", "vermittlung_trichter.erstkontakt"),
    _K("kohorte_eingetreten", "davon eingetreten", "Personen",
       "Personen der Kohorte, die bis zum Datenstand eingetreten sind – auch nach dem Ende "
       "des Zeitraums (anders als **Eintritte**, die im Zeitraum liegen).",
       "vermittlung_trichter.eintritt"),
    _K("kohorte_vermittelt", "davon vermittelt", "Personen",
       "Personen der Kohorte mit einer Vermittlung (Arbeit oder Ausbildung, jede Art) bis zum "
       "Datenstand; jede Person einmal (anders als **Vermittelte Personen**: Beginn im "
       "Zeitraum).", "vermittlung_trichter.vermittelt"),
    _K("kohorte_verbleib", "davon Verbleib 6 Monate", "Personen",
       "Personen der Kohorte, von denen eine Vermittlung nach sechs Monaten noch bestand.",
       "vermittlung_trichter.verbleib"),
    _K("uebergangsquote", "Übergangsquote (%)", "%",
       "Anteil der Personen der Vorstufe, die auch diese Stufe erreicht haben (in beliebiger "
       "Reihenfolge); wer die Vorstufe übersprungen hat, zählt nicht mit (nie über 100 %).",
       "vermittlung_trichter.<stufe>_v / vermittlung_trichter.<vorstufe>", 1),
    _K("anteil_erstkontakte", "Anteil der Erstkontakte (%)", "%",
       "Personen der Stufe geteilt durch die Erstkontakte der Kohorte.",
       "vermittlung_trichter.<stufe> / vermittlung_trichter.erstkontakt", 1),
    _K("stufen_personen", "Personen mit beiden Stufen", "Personen",
       "Personen der Kohorte, die beide Stufen erreicht haben, in beliebiger Reihenfolge – "
       "dieselben, die der Trichter beim Übergang zählt.",
       "vermittlung_stufenzeiten.personen"),
    _K("stufen_umgekehrt", "davon in anderer Reihenfolge", "Personen",
       "Personen, die die spätere Stufe zuerst erreicht haben (z. B. Praktikum vor dem ersten "
       "Coaching); ihre Zeit zählt als 0 Tage.", "vermittlung_stufenzeiten.umgekehrt"),
    _K("stufen_median_tage", "Median (Tage)", "Tage",
       "Median der Tage zwischen den beiden Stufen über die Personen mit beiden Stufen; wer "
       "die spätere Stufe zuerst erreicht hat, zählt mit 0 Tagen.",
       "vermittlung_stufenzeiten.median_tage", 1),
    _K("inzidenz_kumulativ", "Vermittelt bis dahin (%)", "%",
       "Anteil der **Eintrittskohorte (Eintritt im Zeitraum)**, der bis zu diesem Tag nach "
       "dem Eintritt vermittelt war; wer noch in Betreuung ist, zählt bis zu seinem letzten "
       "Stand mit, wer ohne Vermittlung austrat, nie als vermittelt (Verfahren: „Methodik“).",
       "vermittlung_verweildauer → analytics.kohorten", 1),
    _K("noch_unter_beobachtung", "Noch unter Beobachtung", "Personen",
       "Personen der Eintrittskohorte, die zu diesem Zeitpunkt noch weder vermittelt noch "
       "ausgetreten und noch beobachtet sind.", "vermittlung_verweildauer → analytics.kohorten"),
    _K("beobachtet_mindestens", "Beobachtet mindestens (Tage)", "Tage",
       "Tage vom letzten Eintritt der Kohorte bis zum Datenstand.",
       "vermittlung_verweildauer.letzter_eintritt"),
    *[_K(f"inzidenz_{h}", f"{h} Tage (%)", "%",
         f"Anteil der Eintrittskohorte, der innerhalb von {h} Tagen nach Eintritt vermittelt "
         "wurde; nur wenn alle Mitglieder so lange beobachtet sind.",
         "vermittlung_verweildauer → analytics.kohorten", 1) for h in (90, 180, 365)],
    _K("vermittlungen", "Vermittlungen", "Vermittlungen",
       "**Vermittlungen** (Fälle) mit Beginn im Zeitraum: jede Vermittlung zählt; wer zweimal "
       "vermittelt wurde, zweimal (anders als **Vermittelte Personen**).",
       "vermittlung_arten.vermittlungen, oek_vermittlungen_betriebe.vermittlungen (je Betrieb)"),
    _K("vermittlungen_lokal", "bei lokalen Betrieben", "Vermittlungen",
       "Vermittlungen zu einem bekannten Betrieb der Programmgebiete.",
       "vermittlung_arten.vermittlungen"),
    _K("vermittlungen_logistik", "in der Logistik", "Vermittlungen",
       "Vermittlungen in die Branche Logistik.", "vermittlung_arten.vermittlungen"),

    # --- Businesses (Betriebe) ------------------------------------------------------------
    _K("beratene_betriebe", "Beratene Betriebe", "Betriebe",
       "Betriebe mit **mindestens einer Beratung im Zeitraum** (Quartier = Sitz des "
       "Betriebs); jeder Betrieb einmal.", "oek_betriebe_gruppen.betriebe"),
    _K("beratene_migrantenoekonomie", "davon Migrantenökonomie", "Betriebe",
       "Beratene Betriebe der Migrantenökonomie.",
       "oek_betriebe_gruppen.betriebe (migrantenoekonomie)"),
    _K("betriebe_migrantenoekonomie", "Migrantenökonomie", "Betriebe",
       "Beratene Betriebe der Migrantenökonomie in dieser Zeile.",
       "oek_betriebe_gruppen.betriebe (migrantenoekonomie)"),
    _K("betriebe_andere", "Andere Betriebe", "Betriebe",
       "Beratene Betriebe, die nicht zur Migrantenökonomie gehören, in dieser Zeile.",
       "oek_betriebe_gruppen.betriebe (nicht migrantenoekonomie)"),
    _K("betriebe_gesamt", "Gesamt", "Betriebe", "Beratene Betriebe in dieser Zeile.",
       "oek_betriebe_gruppen.betriebe"),
    _K("beratungen_zeitraum", "Beratungen im Zeitraum", "Beratungen",
       "Beratungen der beratenen Betriebe im Zeitraum; jede Beratung zählt.",
       "oek_betriebe_gruppen.beratungen"),
    _K("aktiv_am_stichtag", "Am Stichtag aktiv", "Betriebe",
       "Beratene Betriebe, die am Stichtag (Ende des Zeitraums, höchstens Datenstand) gegründet "
       "und nicht geschlossen sind.", "oek_betriebe_gruppen.aktiv_am_stichtag"),
    # "Geschätzt": the Kaplan–Meier estimate, as the survival table below it (same rounding as
    # its column "aktiv (95-%-KI)"); not the simple share "nach 24 Monaten noch aktiv" of the
    # fully observed (attacker test 29.11.2026: three "24 months" figures read as one).
    _anteil_betriebe("aktiv_24_gruendung", "Geschätzt aktiv 24 Monate nach Gründung",
       "Geschätzter Anteil aller beratenen Betriebe, der 24 Monate nach der Gründung noch "
       "aktiv ist – geschätzt auch aus Betrieben, die erst kürzer beobachtet werden; ein "
       "Betrieb zählt ab seiner ersten Beratung, eine Schließung am Tag der ersten Beratung "
       "zählt mit.",
       "oek_betriebe_ueberleben → survival.kaplan_meier_gezaehlt"),
    _anteil_betriebe("stabil_12", "nach 12 Monaten noch aktiv",
       "Von den beratenen Betrieben, die das Projekt **schon vor oder bei der Gründung** "
       "beraten hat und deren **Gründung am Stichtag mindestens 12 Monate zurückliegt**, der "
       "Anteil, der 12 Monate nach der Gründung noch nicht geschlossen war. Diese Betriebe "
       "wurden die ganze Zeit beobachtet – ein einfacher Anteil, keine Schätzung. Betriebe, "
       "die erst später beraten wurden, zählen nicht: wer vor der ersten Beratung schloss, "
       "war nie zu sehen.", "oek_betriebe_gruppen.stabil_12 / oek_betriebe_gruppen.bekannt_12",
       basis_einheit="Betriebe"),
    _anteil_betriebe("stabil_24", "nach 24 Monaten noch aktiv",
       "Wie **nach 12 Monaten noch aktiv**, für 24 Monate nach der Gründung.",
       "oek_betriebe_gruppen.stabil_24 / oek_betriebe_gruppen.bekannt_24",
       basis_einheit="Betriebe"),
    _anteil_betriebe("km_anteil_aktiv", "Anteil aktiv",
       "Geschätzter Anteil noch aktiver Betriebe nach so vielen Monaten; Betriebe, die am "
       "Stichtag noch aktiv sind, zählen bis dahin mit (Schließung am Eintrittstag zählt).",
       "oek_betriebe_ueberleben → survival.kaplan_meier_gezaehlt", 1),
    _K("km_ki_unten", "KI unten", "%", "Untere Grenze des 95-%-Vertrauensbereichs.",
       "oek_betriebe_ueberleben → survival.kaplan_meier_gezaehlt.ci_unten", 1),
    _K("km_ki_oben", "KI oben", "%", "Obere Grenze des 95-%-Vertrauensbereichs.",
       "oek_betriebe_ueberleben → survival.kaplan_meier_gezaehlt.ci_oben", 1),
    _anteil_betriebe("km_aktiv_ki", "aktiv (95-%-KI)",
       "Geschätzter Anteil noch aktiver Betriebe mit 95-%-Vertrauensbereich; „–“ unter der "
       "Mindestzahl beobachteter Betriebe.",
       "oek_betriebe_ueberleben → survival.kaplan_meier_gezaehlt"),
    _K("unter_beobachtung", "unter Beobachtung", "Betriebe",
       "Betriebe, die zu diesem Zeitpunkt noch beobachtet werden: die Basis der Schätzung.",
       "oek_betriebe_ueberleben → survival.n_risiko_gezaehlt"),
    _K("km_betriebe", "Betriebe", "Betriebe",
       "Beratene Betriebe, die in die Schätzung eingehen.",
       "oek_betriebe_ueberleben.eintritte"),
    _K("km_schliessungen", "Schließungen", "Betriebe",
       "Davon bis zum Stichtag geschlossen (mit Schließungsdatum).",
       "oek_betriebe_ueberleben.ereignisse"),
    _K("aktive_betriebe", "aktive Betriebe", "Betriebe",
       "Beratene Betriebe mit Status aktiv (heutiger Stand).",
       "oek_betriebe_beschaeftigte.aktive"),
    _K("mit_angabe", "mit Angabe", "Betriebe",
       "Aktive Betriebe mit einer Zahl der Beschäftigten.",
       "oek_betriebe_beschaeftigte.mit_angabe"),
    _K("beschaeftigte", "Beschäftigte", "Personen",
       "Heutige Zahl der Beschäftigten der aktiven beratenen Betriebe mit Angabe (fehlende "
       "Angaben nicht als 0).", "oek_betriebe_beschaeftigte.beschaeftigte"),
    _K("beschaeftigte_migrant", "Beschäftigte in Migrantenökonomie", "Personen",
       "Beschäftigte der aktiven Betriebe der Migrantenökonomie.",
       "oek_betriebe_beschaeftigte.beschaeftigte (migrantenoekonomie)"),
    _K("beschaeftigte_andere", "Beschäftigte in anderen Betrieben", "Personen",
       "Beschäftigte der übrigen aktiven Betriebe.",
       "oek_betriebe_beschaeftigte.beschaeftigte (nicht migrantenoekonomie)"),
    _K("beschaeftigte_median", "Median Beschäftigte je Betrieb", "Personen",
       "Median der Beschäftigtenzahl über die aktiven Betriebe mit Angabe.",
       "oek_betriebe_beschaeftigte.median", 1),
    _K("vermittlungen_lokale_betriebe", "Vermittlungen in lokale Betriebe", "Vermittlungen",
       "Vermittlungen mit Beginn im Zeitraum zu Betrieben der Programmgebiete (alle Filter "
       "gelten); jede Vermittlung zählt.", "oek_vermittlungen_betriebe.vermittlungen"),
    _K("vermittlungen_lokale_betriebe_geschuetzt", "Vermittlungen in lokale Betriebe "
       "(geschützt)", "Vermittlungen",
       "Für Rollen außer der Steuerungsrunde (Betriebe, Wirtschaftsförderung): Vermittlungen "
       "mit Beginn im Zeitraum zu Betrieben der Programmgebiete, jede Vermittlung zählt; "
       "**Träger, Zielgruppe und Branche gelten nicht**, Betriebe mit weniger als 3 "
       "Vermittlungen stehen zusammengefasst als „weitere Betriebe“, Zahlen unter 3 und Zahlen, "
       "aus denen sie sich ausrechnen ließen, stehen als `*` (primäre und sekundäre Sperrung "
       "wie bei den öffentlichen Zahlen).",
       "oek_vermittlungen_betriebe.vermittlungen → rollenschutz.vermittlungen_geschuetzt"),
    _K("einstellende_betriebe", "Einstellende Betriebe", "Betriebe",
       "Betriebe mit mindestens einer solchen Vermittlung.",
       "oek_vermittlungen_betriebe.betrieb_id"),
    _K("einstellende_beraten", "davon vom Projekt beraten", "Betriebe",
       "Einstellende Betriebe, die das Projekt beraten hat.",
       "oek_vermittlungen_betriebe.beraten"),
    _K("vermittlungen_sv", "davon SV-pflichtig", "Vermittlungen",
       "Vermittlungen in sozialversicherungspflichtige Beschäftigung.",
       "oek_vermittlungen_betriebe.sv_pflichtig"),
    _K("vermittlungen_ausbildung", "davon Ausbildung", "Vermittlungen",
       "Vermittlungen in Ausbildung.", "oek_vermittlungen_betriebe.ausbildung"),
    _K("vermittlungen_verbleib_ja", "Verbleib nach 6 Monaten: ja", "Vermittlungen",
       "Vermittlungen, die sechs Monate nach Beginn noch bestanden.",
       "oek_vermittlungen_betriebe.verbleib_6m_ja"),

    # --- Vacancies (Leerstand) -------------------------------------------------------------
    _K("leerstehend_stichtag", "Leerstehend am Stichtag", "Objekte",
       "Objekte, die am Stichtag (Ende des Zeitraums, höchstens Datenstand) leer stehen.",
       "oek_leerstand_objekte.leer_am_stichtag"),
    _K("leerstehende_flaeche", "Leerstehende Fläche", "m²",
       "Summe der Flächen der am Stichtag leerstehenden Objekte.",
       "oek_leerstand_objekte.flaeche_m2"),
    _K("median_leerstandsdauer", "Median Leerstandsdauer", "Monate",
       "Median der Monate seit „leer seit“ bis zum Stichtag über die leerstehenden Objekte; "
       "erst der Median wird gerundet.", "oek_leerstand_objekte.monate_leer", 1),
    _K("wiederbelegt_zeitraum", "Wiederbelegt im Zeitraum", "Objekte",
       "Objekte mit Wiederbelegung zwischen Zeitraumbeginn und Stichtag.",
       "oek_leerstand_objekte.wiederbelegt_im_zeitraum"),
    _K("wiederbelegte_leerstaende", "Wiederbelegte Leerstände", "Objekte",
       "Leerstände mit Wiederbelegung im Zeitraum (Quartier gilt).",
       "uebersicht_kennzahlen.wert"),
    _K("flaeche_m2", "Fläche (m²)", "m²", "Fläche des Objekts.",
       "oek_leerstand_objekte.flaeche_m2"),
    _K("monate_leer", "Monate leer (Stichtag)", "Monate",
       "Monate von „leer seit“ bis zum Stichtag (30,4375 Tage je Monat).",
       "oek_leerstand_objekte.monate_leer", 1),

    _K("monate_leer_datenstand", "Monate leer (Datenstand)", "Monate",
       "Monate von „leer seit“ bis zum Datenstand (30,4375 Tage je Monat): in „Räume finden“, "
       "wo der heutige Bestand gilt.", "oek_leerstand_raeume.monate_leer", 1),

    # --- Premises requests meet offers (Leerstand, „Gesuche und Angebote“; issue 12) -------
    _K("gesuche_offen", "Offene Gesuche", "Gesuche",
       "Raumgesuche mit Status „offen“ am Datenstand.", "oek_raumgesuche.status"),
    _K("gesuche_mit_passendem", "davon mit passendem Objekt", "Gesuche",
       "Offene Gesuche, zu denen mindestens ein verfügbares Objekt (leer oder in Vermarktung) "
       "passt: gleiche Art, Fläche in der gesuchten Spanne, im gesuchten Quartier.",
       "oek_raumgesuche_passend.passende_objekte → oekonomie.mit_passenden_anzahl"),
    _K("gesuche_vermittelt", "Vermittelt im Zeitraum", "Gesuche",
       "Gesuche mit Status „vermittelt“, erledigt zwischen Zeitraumbeginn und Stichtag.",
       "oek_raumgesuche.erledigt_am"),
    _K("passende_objekte", "passende Objekte", "Objekte",
       "Verfügbare Objekte (leer oder in Vermarktung, Stand: Datenstand), die zu diesem "
       "offenen Gesuch passen.", "oek_raumgesuche_passend.passende_objekte"),
    _K("raeume_treffer", "Treffer aus „Räume finden“", "Objekte",
       "Objekte, die zur Suche in „Räume finden“ passen (Status, Art, Fläche, Programmgebiet, "
       "Stadtteil), am Datenstand nicht wiederbelegt.", "oek_leerstand_raeume.objekt_id"),
    _K("passende_gesuche", "passende Gesuche", "Gesuche",
       "Offene Gesuche, zu denen dieses verfügbare Objekt passt.",
       "oek_raumgesuche_angebote.passende_gesuche"),

    # --- On track against the targets (Übersicht, Zielgruppen, report; biwaq.zahlen.zielstand) ----
    # The six contract figures of table `ziele`, counted from the project start to the
    # Stichtag (not in the period): one entry each, the definitions zielstand prints.
    *[_K(f"ziel_{k}", f"{name} seit Laufzeitbeginn", einheit, definition,
         "zielstand_verlauf.neu (kennzahl = '" + k + "') → zielstand.zielstand")
      for k, name, einheit, definition in (
          ("teilnehmende", "Erreichte Personen", "Personen",
           "Personen mit Erstkontakt ab Laufzeitbeginn bis zum Stichtag."),
          ("eintritte", "Eintritte", "Personen",
           "Personen mit formalem Eintritt ab Laufzeitbeginn bis zum Stichtag."),
          ("vermittlungen", "Vermittelte Personen", "Personen",
           "Personen mit einer ersten Vermittlung (Beginn einer Arbeit oder Ausbildung) ab "
           "Laufzeitbeginn bis zum Stichtag; jede Person einmal, gezählt am Beginn ihrer "
           "ersten Vermittlung."),
          ("verbleib_6m", "Verbleib nach 6 Monaten", "Personen",
           "Vermittelte Personen, die sechs Monate nach Beginn einer Vermittlung noch in "
           "Arbeit waren (Verbleib = ja); jede Person einmal, gezählt am Beginn dieser "
           "Vermittlung."),
          ("betriebe_beraten", "Beratene Betriebe", "Betriebe",
           "Betriebe mit mindestens einer Beratung ab Laufzeitbeginn bis zum Stichtag; jeder "
           "Betrieb einmal, gezählt bei seiner ersten Beratung."),
          ("leerstaende_wiederbelegt", "Wiederbelegte Leerstände", "Objekte",
           "Leerstände, die ab Laufzeitbeginn bis zum Stichtag wiederbelegt wurden (Datum der "
           "Wiederbelegung)."))],
    *[_K(f"ziel_zielwert_{k}", f"Ziel: {name}", "Personen",
         f"Mit dem Fördermittelgeber vereinbarter Zielwert für **{name} seit "
         "Laufzeitbeginn** (Tabelle „ziele“, Quartier und Zielgruppe der Zeile).",
         f"zielstand_verlauf.zielwert (kennzahl = '{k}'; Tabelle ziele)")
      for k, name in (("teilnehmende", "Erreichte Personen"), ("eintritte", "Eintritte"))],
    _K("ziel_erreicht", "Erreicht", "Personen",
       "Wert des Ziels am Stichtag: die Kennzahl des Ziels ab Laufzeitbeginn bis zum Stichtag "
       "(Personen, Betriebe oder Objekte; Definition je Kennzahl „… seit Laufzeitbeginn“).",
       "zielstand_verlauf → zielstand.zielstand → tabelle.wert"),
    _K("ziel_erwartet", "Erwartet zum Stichtag", "Personen",
       "Zielwert × verstrichener Anteil der Zielperiode (Laufzeitbeginn bis Zieldatum, "
       "gleichmäßig); erst die Anzeige rundet.",
       "zielstand_verlauf → zielstand.zielstand → tabelle.erwartet"),
    _K("ziel_zielwert", "Ziel (Wert)", "Personen",
       "Mit dem Fördermittelgeber vereinbarter Zielwert dieses Ziels (Tabelle „ziele“; die "
       "Spalte „Ziel“ nennt Kennzahl, Zielgruppe und Gebiet).",
       "zielstand_verlauf.zielwert (Tabelle ziele)"),
    _K("ziel_quote", "Erreicht in % des Erwarteten", "%",
       "Erreicht geteilt durch Erwartet zum Stichtag; entscheidet den Status (ab 100 % im "
       "Plan, ab 90 % knapp). Nie auf eine Schwelle aufgerundet, die der Wert nicht erreicht "
       "(99,96 % zeigt 99,9 %).",
       "zielstand_verlauf → zielstand.zielstand → tabelle.wert / tabelle.erwartet", 1),
    _K("ziel_fortschritt", "Erreicht in % des Ziels", "%",
       "Erreicht geteilt durch den Zielwert; nie auf 100 % aufgerundet, solange das Ziel "
       "nicht erreicht ist.",
       "zielstand_verlauf → zielstand.zielstand → tabelle.wert / tabelle.zielwert", 1),
    _K("ziel_hochrechnung", "Hochrechnung zum Zieldatum", "Personen",
       "Schätzung: Erreicht plus das Tempo der letzten vier Quartale bis zum Zieldatum "
       "fortgeschrieben – kein Messwert.",
       "zielstand_verlauf → zielstand.zielstand → tabelle.hochrechnung"),
    _K("ziel_hochrechnung_anteil", "Hochrechnung in % des Ziels", "%",
       "Hochrechnung zum Zieldatum geteilt durch den Zielwert.",
       "zielstand_verlauf → zielstand.zielstand → tabelle.hochrechnung / tabelle.zielwert", 1),
    _K("ziel_kumuliert", "Erreicht (kumuliert)", "Personen",
       "Die Kennzahl des Ziels ab Laufzeitbeginn bis zum Quartalsende (zuletzt bis zum "
       "Stichtag).", "zielstand_verlauf → zielstand.zielstand → verlauf.kumuliert"),
    _K("ziel_linie", "Ziellinie", "Personen",
       "Erwartet zum Quartalsende: Zielwert × verstrichener Anteil der Zielperiode.",
       "zielstand_verlauf → zielstand.zielstand → verlauf.erwartet"),

    # --- Public figures (published, disclosure-controlled) ---------------------------------
    _K("oeffentlich_menschen", "Menschen im Projekt", "Personen",
       "Personen, die ins Projekt eingetreten sind.", "oeffentlich_teilnehmende.anzahl"),
    _K("oeffentlich_arbeit", "Arbeit gefunden", "Personen",
       "Teilnehmende, die eine Arbeit oder Ausbildung begonnen haben – jede Person einmal, im "
       "Jahr ihrer ersten Vermittlung (gezählt werden Personen, nicht Vermittlungen).",
       "oeffentlich_vermittlungen.anzahl (nur Personen mit Eintritt)"),
    _K("oeffentlich_betriebe", "Betriebe beraten", "Betriebe",
       "Jeder Betrieb einmal, gleich wie oft er beraten wurde (ganze Laufzeit).",
       "oeffentlich_beratungen.betrieb_id"),
    _K("oeffentlich_leerstaende", "Leerstände wieder genutzt", "Objekte",
       "Leere Läden, Büros und Flächen, die wieder genutzt werden.",
       "oeffentlich_leerstaende.wiederbelegt_am"),
    _K("vermittlungsquote", "Vermittlungsquote", "%",
       "Personen mit Arbeit oder Ausbildung geteilt durch die Eintritte (veröffentlichte "
       "Zahlen; gesperrt, wenn eine der beiden gesperrt ist).",
       "eintritte_vermittlungen[Arbeit gefunden] / eintritte_vermittlungen[Eintritte]", 1),

    *[_K(f"oeffentlich_{g}", name, "%",
         f"Eingetretene Personen der Gruppe geteilt durch alle Eintritte (veröffentlichte "
         f"Zahlen; gesperrt, wenn eine der beiden gesperrt ist).",
         "teilnehmende[Gruppe] / teilnehmende[Insgesamt]", 1)
      for g, name in (("anteil_alleinerziehend", "Anteil Alleinerziehende"),
                      ("anteil_55plus", "Anteil Ältere (55+)"),
                      ("anteil_migration", "Anteil mit Migrationshintergrund"),
                      ("anteil_schutzsuchend", "Anteil Geflüchtete"),
                      ("anteil_langzeitarbeitslos", "Anteil Langzeitarbeitslose"))],

    # --- Data (Daten, Datenqualität) -------------------------------------------------------
    _K("datensaetze", "Datensätze", "Zeilen", "Gespeicherte Zeilen je Tabelle.",
       "daten_bestand.zeilen"),
    _K("regeln_geprueft", "Regeln geprüft", "Regeln", "Zahl der Datenqualitätsregeln.",
       "quality.REGELN"),
    _K("verstoesse_fehler", "Verstöße gegen Fehler-Regeln", "Fälle",
       "Betroffene Datensätze aller Regeln mit Schweregrad Fehler.", "quality.pruefen"),
    _K("warnungen", "Warnungen", "Fälle",
       "Betroffene Datensätze aller Regeln mit Schweregrad Warnung.", "quality.pruefen"),
    _K("verstoesse", "Verstöße", "Fälle", "Betroffene Datensätze dieser Regel.",
       "quality.pruefen"),
)


# --- ESF+ common participant indicators (page ESF+-Indikatoren) -----------------------------
# In the funder's order: (figure id, key of the query esf_indikatoren or None when the contract
# does not record it, area, label, definition). They are figures of the catalogue like all
# others; analytics.ESF_INDIKATOREN is built from this list.
ESF_BEI_EINTRITT = "Teilnehmende (bei Eintritt)"
ESF_BEI_AUSTRITT = "Ergebnisse (bei Austritt)"
ESF_NICHT_ERFASST = "Nicht ermittelbar: "
ESF_INDIKATOREN: tuple[tuple[str, str | None, str, str, str], ...] = (
    ('esf_teilnehmende_insgesamt', 'teilnehmende', ESF_BEI_EINTRITT,
     'Teilnehmende insgesamt',
     'Personen mit Eintritt im Zeitraum; jede Person zählt einmal (eine Teilnehmenden-Nr.).'),
    ('esf_frauen', 'frauen', ESF_BEI_EINTRITT,
     'Frauen',
     'Eintritte im Zeitraum mit Geschlecht „w“.'),
    ('esf_maenner', 'maenner', ESF_BEI_EINTRITT,
     'Männer',
     'Eintritte im Zeitraum mit Geschlecht „m“.'),
    ('esf_nicht_binaer', 'nicht_binaer', ESF_BEI_EINTRITT,
     'Nicht-binäre Personen',
     'Eintritte im Zeitraum mit Geschlecht „d“.'),
    ('esf_arbeitslose_einschliesslich_langzeitarbe', None, ESF_BEI_EINTRITT,
     'Arbeitslose, einschließlich Langzeitarbeitsloser',
     ESF_NICHT_ERFASST
     + 'Der Datenvertrag erfasst nur „langzeitarbeitslos“ (mindestens 12 Monate arbeitslos bei '
       'Eintritt), keinen allgemeinen Arbeitslosenstatus. Die Zahl der Langzeitarbeitslosen '
       '(nächste Zeile) ist eine Untergrenze.'),
    ('esf_langzeitarbeitslos', 'langzeitarbeitslos', ESF_BEI_EINTRITT,
     'Langzeitarbeitslose',
     'Eintritte im Zeitraum mit „langzeitarbeitslos“ = ja (mindestens 12 Monate arbeitslos bei '
     'Eintritt).'),
    ('esf_nichterwerbstaetige', None, ESF_BEI_EINTRITT,
     'Nichterwerbstätige',
     ESF_NICHT_ERFASST
     + 'Der Erwerbsstatus bei Eintritt ist nicht Teil des Datenvertrags.'),
    ('esf_erwerbstaetige_einschliesslich_selbststa', None, ESF_BEI_EINTRITT,
     'Erwerbstätige, einschließlich Selbstständiger',
     ESF_NICHT_ERFASST
     + 'Der Erwerbsstatus bei Eintritt ist nicht Teil des Datenvertrags.'),
    ('esf_alter_18_29', 'alter_18_29', ESF_BEI_EINTRITT,
     '18 bis 29 Jahre',
     'Eintritte im Zeitraum im Alter von 18 bis 29 Jahren bei Eintritt (Alter = Eintrittsjahr '
     'minus Geburtsjahr, also auf ein Jahr genau).'),
    ('esf_ab55', 'ab55', ESF_BEI_EINTRITT,
     '55 Jahre und älter',
     'Eintritte im Zeitraum im Alter von mindestens 55 Jahren bei Eintritt (Eintrittsjahr minus '
     'Geburtsjahr).'),
    ('esf_isced_0_2', 'isced_0_2', ESF_BEI_EINTRITT,
     'Bildungsniveau ISCED 0–2',
     'Eintritte im Zeitraum mit Bildungsniveau „ISCED 0-2“ (höchstens Sekundarstufe I).'),
    ('esf_isced_3_4', 'isced_3_4', ESF_BEI_EINTRITT,
     'Bildungsniveau ISCED 3–4',
     'Eintritte im Zeitraum mit Bildungsniveau „ISCED 3-4“ (Sekundarstufe II, postsekundär).'),
    ('esf_isced_5_8', 'isced_5_8', ESF_BEI_EINTRITT,
     'Bildungsniveau ISCED 5–8',
     'Eintritte im Zeitraum mit Bildungsniveau „ISCED 5-8“ (tertiär).'),
    ('esf_isced_unbekannt', 'isced_unbekannt', ESF_BEI_EINTRITT,
     'Bildungsniveau ohne Angabe',
     'Eintritte im Zeitraum ohne Angabe zum Bildungsniveau (zur Kontrolle der drei Zeilen davor).'),
    ('esf_migrationshintergrund', 'migrationshintergrund', ESF_BEI_EINTRITT,
     'Mit Migrationshintergrund',
     'Eintritte im Zeitraum mit „migrationshintergrund“ = ja (Geflüchtete eingeschlossen).'),
    ('esf_drittstaatsangehoerige', None, ESF_BEI_EINTRITT,
     'Drittstaatsangehörige',
     ESF_NICHT_ERFASST
     + 'Die Staatsangehörigkeit ist nicht Teil des Datenvertrags.'),
    ('esf_obdachlose_oder_von_wohnungsausgrenzung', None, ESF_BEI_EINTRITT,
     'Obdachlose oder von Wohnungsausgrenzung Betroffene',
     ESF_NICHT_ERFASST
     + 'Die Wohnsituation ist nicht Teil des Datenvertrags.'),
    ('esf_austritte', 'austritte', ESF_BEI_AUSTRITT,
     'Austritte insgesamt',
     'Personen mit Austritt im Zeitraum; Bezugsgröße der folgenden Ergebnisse.'),
    ('esf_beschaeftigt_bei_austritt', 'beschaeftigt_bei_austritt', ESF_BEI_AUSTRITT,
     'In Beschäftigung (einschließlich Selbstständiger) bei Austritt',
     'Austritte im Zeitraum mit einer Vermittlung außer Ausbildung (SV-pflichtig, geringfügig, '
     'selbstständig), die zwischen Eintritt und 28 Tagen (4 Wochen) nach dem Austritt beginnt. '
     'Eine während der Teilnahme begonnene Beschäftigung gilt als bei Austritt bestehend '
     '(ihr Ende'
     ' wird nicht erfasst).'),
    ('esf_bildung_bei_austritt', 'bildung_bei_austritt', ESF_BEI_AUSTRITT,
     'In schulischer/beruflicher Bildung bei Austritt',
     'Austritte im Zeitraum mit einer Vermittlung in Ausbildung, die zwischen Eintritt und 28 '
     'Tagen nach dem Austritt beginnt, oder mit Austrittsgrund „Ausbildung“ oder '
     '„Weiterbildung“.'),
    ('esf_qualifizierung_erlangt_bei_austritt', None, ESF_BEI_AUSTRITT,
     'Qualifizierung erlangt bei Austritt',
     ESF_NICHT_ERFASST
     + 'Abschlüsse werden nicht erfasst (Teilqualifizierungen stehen nur als Aktivität ohne '
       'Ergebnis in den Daten).'),
    ('esf_arbeitsuchend_bei_austritt', None, ESF_BEI_AUSTRITT,
     'Arbeitsuchend bei Austritt',
     ESF_NICHT_ERFASST
     + 'Der Status nach Austritt wird nur über Vermittlungen erfasst.'),
    ('esf_beschaeftigt_6m', 'beschaeftigt_6m', ESF_BEI_AUSTRITT,
     'In Beschäftigung sechs Monate nach Austritt',
     'Bezugsgröße: Austritte im Zeitraum, die mindestens sechs Monate vor dem Datenstand liegen '
     '(jüngere sind noch nicht beobachtbar). Gezählt: davon in Beschäftigung bei Austritt mit '
     'einer solchen Beschäftigung, die sechs Monate nach ihrem Beginn noch bestand (Verbleib = '
     'ja). Spätere Arbeitsaufnahmen erfasst der Datenvertrag nicht.'),
)
KATALOG += tuple(_K(kid, name, "Personen", definition, "esf_gliederung.wert"
                    + (f" (schluessel = '{schl}')" if schl else " (nicht erfasst)"))
                 for kid, schl, _, name, definition in ESF_INDIKATOREN)

_NACH_ID = {k.id: k for k in KATALOG}
if len(_NACH_ID) != len(KATALOG):                      # pragma: no cover - import-time guard
    raise RuntimeError("doppelte Kennzahl-Id im Katalog")

# Column headers that are attributes or dimensions, not figures (a table's row labels).
MERKMALE = frozenset({
    "Gruppe", "und Gruppe", "Stufe", "Schritt", "Quartal", "Stand am", "Kohorte (Eintritt)",
    "Tage seit Eintritt", "Art", "Branche", "Lokaler Betrieb", "Austrittsgrund", "Zugangsweg",
    "Kennzahl", "Zielgruppe · Gebiet", "Zieldatum", "Stichtag", "Status", "Stadtteil",
    "Quartier", "Bereich", "Indikator", "Definition", "Anteil", "Beginn", "Monate",
    "nach Monaten", "Betrieb", "Betrieb der Migrantenökonomie", "vom Projekt beraten",
    "Objekt", "Adresse", "leer seit", "am Stichtag", "wiederbelegt am", "Nachnutzung",
    "Eigentümer", "Breite", "Länge", "Zwischennutzung", "Gründungsjahr", "Tabelle", "Regel",
    "Schweregrad", "Beschreibung", "Betroffene Nummern", "Hinweis", "Zielgruppe",
    "Art der Vermittlung", "Format", "Insgesamt", "Wer", "Zeitspanne", "Gründung", "Stand",
    # on-track course (Bis = quarter end), requests meet offers (issue 12)
    "Bis", "Gesuch", "Gesuche", "seit", "Fläche gesucht", "Quartier gesucht", "Objekte",
    "frei seit", "Status (aktuell erfasst)", "Status am Stichtag",
    # ESF+ split by sex × Quartier × Träger: Träger is a dimension like Quartier; the sex
    # columns are values of the dimension Geschlecht (cells: the row's indicator by sex)
    "Träger", "davon Frauen", "davon Männer", "davon nicht-binär",
    # committee report: status of a target (biwaq.app.bericht), comments (biwaq.app.kommentare)
    "Status Erreichte", "Status Eintritte", "Zahl / Diagramm",
    # on-track table: the target's name (Kennzahl, Zielgruppe, Gebiet), not a figure
    "Ziel", "Filter", "Verfasst von",
    "Zeit (UTC)", "Geändert (UTC)", "Datenstand", "Kommentar",
})


def get(id: str) -> Kennzahl:
    """The figure with this id; KeyError (German message) for an unknown id."""
    try:
        return _NACH_ID[id]
    except KeyError:
        raise KeyError(f"Kennzahl {id!r} steht nicht im Katalog") from None


def alle() -> tuple[Kennzahl, ...]:
    """Every figure of the catalogue, in catalogue order."""
    return KATALOG


def label(id: str) -> str:
    """The German label of a figure (KeyError for an unknown id)."""
    return get(id).label


def nach_label(label_: str) -> list[Kennzahl]:
    """All figures with this label (the tests require they share one definition)."""
    return [k for k in KATALOG if k.label == label_]


# --- Rounding and German number text -------------------------------------------------------

def _fehlt(x) -> bool:
    if x is None:
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def runde(x: float, stellen: int = 0) -> float:
    """Round half away from zero to `stellen` decimals, on the decimal value as shown
    (shortest repr), not on the binary float: runde(22.5) = 23, runde(41.05, 1) = 41.1,
    runde(-2.5) = -3. NaN/None stay NaN. Rule: DIN 1333 / German official statistics."""
    if _fehlt(x):
        return float("nan")
    q = Decimal(1).scaleb(-stellen)
    return float(Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP))


def _dezimal(x) -> Decimal:
    """Exact for a Fraction or Decimal (to 28 digits), the shortest repr for a float."""
    if isinstance(x, Decimal):
        return x
    if isinstance(x, Fraction):
        return Decimal(x.numerator) / Decimal(x.denominator)
    return Decimal(repr(float(x)))


def _deutsch(r: Decimal, stellen: int) -> str:
    text = f"{r:,.{stellen}f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def zahl(x, stellen: int = 0, leer: str = STRICH) -> str:
    """German number text rounded once (half away from zero): 76074.5 -> '76.075',
    0.5 with stellen=1 -> '0,5'; `leer` for a missing value. Floats, Fractions, Decimals."""
    if _fehlt(x):
        return leer
    r = _dezimal(x).quantize(Decimal(1).scaleb(-stellen), rounding=ROUND_HALF_UP)
    return _deutsch(r, stellen)


def prozent_dezimal(anteil, stellen: int = 1, schwellen=()) -> Decimal:
    """A share (0.996, or an exact Fraction) in percent, rounded once for display
    (Decimal('99.6')): half away from zero on the decimal value, except that a value below
    one of `schwellen` (shares, e.g. (1, Fraction(9, 10))) is cut, never rounded up onto it:
    0.99996 → 99.9, not 100.0 – so a shown percentage never contradicts a status decided on
    the exact value (rule of biwaq.zahlen.zielstand, issue 11)."""
    p = _dezimal(anteil) * 100
    q = Decimal(1).scaleb(-stellen)
    r = p.quantize(q, rounding=ROUND_HALF_UP)
    for s in schwellen:
        grenze = _dezimal(Fraction(s) if isinstance(s, int) else s) * 100
        if p < grenze <= r:
            r = p.quantize(q, rounding=ROUND_DOWN)
    return r


def _einheit_text(k: Kennzahl) -> str:
    return {"%": " %", "m²": " m²", "Monate": " Monate", "Tage": " Tage"}.get(k.einheit, "")


def unter_mindestbasis(id: str, basis) -> bool:
    """True when a rate's base is below the catalogue's minimum (then it shows '–')."""
    k = get(id)
    return k.mindestbasis is not None and (basis is None or _fehlt(basis)
                                           or basis < k.mindestbasis)


def grund(id: str, basis) -> str:
    """Why a rate is not shown: 'zu wenige Betriebe: 3, mindestens 5'."""
    k = get(id)
    n = 0 if _fehlt(basis) else int(basis)
    was = k.basis_einheit or k.einheit
    return f"{ZU_WENIGE} {was}: {n}, mindestens {k.mindestbasis}"


def fmt(id: str, wert, basis=None, zaehler=None, einheit: bool = True,
        schwellen=()) -> str:
    """Display text of a figure's value, rounded once to the catalogue's decimals, German.

    Counts: '1.234'. Rates (einheit '%'): `wert` is a share 0..1 (or None: then
    zaehler / basis); below the minimum base '– (zu wenige Betriebe: 3, mindestens 5)';
    on a base below `basis_zeigen_unter` the count follows: '66,7 % (2 von 3)'.
    Other units carry their unit ('41,1 Monate', '76.075 m²') unless einheit=False.
    A missing value is '–'. `schwellen` (shares) for rates: never rounded up onto a threshold
    the value does not reach (`prozent_dezimal`); `wert` may be an exact Fraction.
    """
    k = get(id)
    if k.ist_quote:
        if wert is None and zaehler is not None and not _fehlt(basis) and basis:
            wert = zaehler / basis
        if basis is not None and unter_mindestbasis(id, basis):
            return f"{STRICH} ({grund(id, basis)})"
        if _fehlt(wert):
            return STRICH
        text = _deutsch(prozent_dezimal(wert, k.nachkommastellen, schwellen),
                        k.nachkommastellen) + (_einheit_text(k) if einheit else "")
        if (basis is not None and zaehler is not None and k.basis_zeigen_unter is not None
                and basis < k.basis_zeigen_unter):
            text += f" ({zahl(zaehler)} von {zahl(basis)})"
        return text
    if _fehlt(wert):
        return STRICH
    return zahl(wert, k.nachkommastellen) + (_einheit_text(k) if einheit else "")


def quote_text(id: str, zaehler, basis) -> str:
    """A rate from its counts, always with its base: '50 % (2 von 4)' – or '– (zu wenige …)'.
    For sentences and table cells where the base must be seen (issue 10.5)."""
    k = get(id)
    if unter_mindestbasis(id, basis):
        return f"{STRICH} ({grund(id, basis)})"
    wert = zaehler / basis if basis else None
    if _fehlt(wert):
        return STRICH
    return f"{zahl(wert * 100, k.nachkommastellen)}{_einheit_text(k)} " \
           f"({zahl(zaehler)} von {zahl(basis)})"


def prozentwert(id: str, zaehler, basis) -> float:
    """A rate in percent for a table column, rounded once to the catalogue's decimals
    (half away from zero); NaN below the minimum base or for a base of 0."""
    k = get(id)
    if unter_mindestbasis(id, basis) or _fehlt(zaehler) or _fehlt(basis) or not basis:
        return float("nan")
    return runde(100 * zaehler / basis, k.nachkommastellen)


# --- "Wie wird gezählt?" ---------------------------------------------------------------------

def wie_gezaehlt(ids, zusatz: tuple[str, ...] | list[str] = ()) -> str:
    """Markdown list '- **Label**: definition' for the given figures, then the extra lines."""
    zeilen = [f"- **{get(i).label}**: {get(i).definition}" for i in ids]
    zeilen += [f"- {z}" for z in zusatz]
    return "\n".join(zeilen)

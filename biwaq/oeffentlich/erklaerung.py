"""Erklärung zur Barrierefreiheit (accessibility statement) of the public app.

Content as required by BITV 2.0 § 7 and the EU model statement (Durchführungsbeschluss
(EU) 2018/1523): Stand, Vereinbarkeitsstatus, nicht barrierefreie Inhalte (what is known not to
conform, with the reason), Erstellung der Erklärung (how it was checked), Feedback-Kontakt and
Durchsetzungsverfahren / Schlichtungsstelle. The contact comes from
$BIWAQ_BARRIEREFREIHEIT_KONTAKT (set by the operator, README "Barrierefreiheit"); without it the
project office is named.

No database access: the public app imports this (tests/test_public_app.py).
"""
from __future__ import annotations

import datetime as dt
import os

import streamlit as st

TITEL = "Erklärung zur Barrierefreiheit"
STAND = dt.date(2026, 11, 29)          # date of the last review; change with every review
ENV_KONTAKT = "BIWAQ_BARRIEREFREIHEIT_KONTAKT"
KONTAKT_STANDARD = ("das BIWAQ-Projektbüro im KONTAKT-Laden (Kontakt in Krisen e.V.), "
                    "persönlich in der Magdeburger Allee oder in Süd-Ost")

# What is known not to conform (checked with axe-core in Chromium and by keyboard;
# README "Barrierefreiheit" lists the same points with the upstream issues).
NICHT_BARRIEREFREI = (
    ("Handzettel (PDF)",
     "Der Handzettel hat eine Textebene, die Dokumentsprache Deutsch und einen Titel, aber "
     "keine Tags (keine Auszeichnung von Überschriften und Tabellen). Die Programmbibliothek, "
     "die ihn erzeugt, kann das noch nicht. Alle Zahlen des Handzettels stehen auch auf dieser "
     "Seite als Tabelle."),
    ("Diagramme",
     "Diagramme sind Grafiken. Zu jedem Diagramm gibt es den Reiter „Tabelle“ mit denselben "
     "Zahlen; ein Bildschirmleser kann die Grafik selbst nicht vorlesen."),
    ("Bedienelemente der Software",
     "Die Seite beruht auf der Software Streamlit. Einzelne Bedienelemente, die Streamlit "
     "selbst erzeugt, haben englische Beschriftungen für Bildschirmleser (zum Beispiel im "
     "Menü oben rechts). Wir verfolgen die Fehlermeldungen beim Hersteller und übernehmen "
     "Verbesserungen mit jeder neuen Version."),
)


def kontakt() -> str:
    """The feedback contact: $BIWAQ_BARRIEREFREIHEIT_KONTAKT, else the project office."""
    return (os.environ.get(ENV_KONTAKT) or "").strip() or KONTAKT_STANDARD


def text() -> str:
    """The statement as Markdown (German, plain language)."""
    stand = STAND.strftime("%d.%m.%Y")
    punkte = "\n".join(f"- **{k}:** {t}" for k, t in NICHT_BARRIEREFREI)
    return f"""
Das Projekt BIWAQ Erfurt möchte, dass alle Menschen diese Seite nutzen können. Diese
Erklärung gilt für die Seite „Zahlen für die Stadtteile“ und den Handzettel zum
Herunterladen.

### Wie barrierefrei ist diese Seite?

Diese Seite ist **teilweise barrierefrei**. Sie erfüllt die Anforderungen der
Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) und der europäischen Norm
EN 301 549 (WCAG 2.1, Stufe AA) zum Teil. Was noch nicht barrierefrei ist, steht unten.

### Was ist nicht barrierefrei?

{punkte}

### Wie wurde das geprüft?

Diese Erklärung wurde am **{stand}** erstellt (Stand). Grundlage ist eine Selbstbewertung:
Jede Seite wird bei jeder Änderung automatisch mit dem Prüfprogramm axe-core in einem
Browser geprüft, und die Bedienung nur mit der Tastatur wird getestet. Eine Prüfung durch
eine externe Prüfstelle gab es noch nicht.

### Barrieren melden: Feedback und Kontakt

Sie stoßen auf eine Barriere oder brauchen Informationen in einer anderen Form? Bitte melden
Sie sich bei: {kontakt()}. Wir antworten Ihnen so schnell wie möglich, spätestens innerhalb
eines Monats.

### Durchsetzungsverfahren und Schlichtungsstelle

Wenn Sie auf Ihre Meldung keine oder keine zufriedenstellende Antwort bekommen, können Sie
sich an die Schlichtungsstelle wenden. Das Verfahren ist kostenlos, und Sie brauchen keinen
Anwalt.

- **Schlichtungsstelle nach § 16 Behindertengleichstellungsgesetz (BGG)** bei dem
  Beauftragten der Bundesregierung für die Belange von Menschen mit Behinderungen,
  Mauerstraße 53, 10117 Berlin, Internet: www.schlichtungsstelle-bgg.de
- Für Angebote der Stadt Erfurt und des Freistaats Thüringen: der **Beauftragte für
  Menschen mit Behinderungen des Freistaats Thüringen** (Durchsetzungsverfahren nach dem
  Thüringer Gesetz zur Inklusion und Gleichstellung von Menschen mit Behinderungen).
"""


def zeigen() -> None:
    """Render the statement page."""
    st.title(TITEL)
    st.markdown(text())

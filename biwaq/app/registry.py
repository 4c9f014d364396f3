"""The page registry: every page of the internal dashboard, its section and who may see it."""
from __future__ import annotations

from dataclasses import dataclass

ROLLEN = ("steuerung", "wirtschaft", "oeffentlich")


@dataclass(frozen=True)
class PageSpec:
    path: str                 # relative to the project root
    title: str
    section: str              # navigation section
    url: str                  # url path of the page
    icon: str
    roles: tuple[str, ...]    # roles that may see it
    default: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/ueberblick/uebersicht.py", "Übersicht", "Überblick", "uebersicht",
             ":material/dashboard:", ("steuerung",), default=True),
    PageSpec("pages/oekonomie/betriebe.py", "Betriebe", "Lokale Ökonomie", "betriebe",
             ":material/storefront:", ("steuerung", "wirtschaft")),
    PageSpec("pages/oekonomie/leerstand.py", "Leerstand", "Lokale Ökonomie", "leerstand",
             ":material/map:", ("steuerung", "wirtschaft")),
    PageSpec("pages/oeffentlich/zahlen.py", "Öffentliche Zahlen", "Öffentlich",
             "oeffentliche-zahlen", ":material/public:", ("steuerung", "wirtschaft", "oeffentlich")),
    PageSpec("pages/daten/daten.py", "Daten", "Daten", "daten", ":material/upload_file:",
             ("steuerung",)),
    PageSpec("pages/daten/qualitaet.py", "Datenqualität", "Daten", "datenqualitaet",
             ":material/rule:", ("steuerung",)),
)

SECTIONS = ("Überblick", "Teilnehmende", "Lokale Ökonomie", "Öffentlich", "Daten")


def pages_for(role: str) -> list[PageSpec]:
    return [p for p in PAGES if role in p.roles]


# Participant analytics (issue 3)
PAGES += (
    PageSpec("pages/teilnehmende/zielgruppen.py", "Zielgruppen", "Teilnehmende", "zielgruppen",
             ":material/groups:", ("steuerung",)),
    PageSpec("pages/teilnehmende/vermittlung.py", "Vermittlung", "Teilnehmende", "vermittlung",
             ":material/work:", ("steuerung",)),
    PageSpec("pages/teilnehmende/esf_indikatoren.py", "ESF+-Indikatoren", "Teilnehmende",
             "esf-indikatoren", ":material/table_chart:", ("steuerung",)),
)

"""The shared filters every page honours, as plain values that become SQL parameters."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from biwaq.einlesen.contract import LAUFZEIT_ENDE, LAUFZEIT_START, TRAEGER_NAMEN, ZIELGRUPPEN_NAMEN

FILTER_KEYS = ("quartier", "traeger", "zielgruppe", "von", "bis")


@dataclass(frozen=True)
class Filter:
    """None means 'all'. The period is inclusive on both ends."""
    quartier: str | None = None
    traeger: str | None = None
    zielgruppe: str | None = None
    von: dt.date = LAUFZEIT_START
    bis: dt.date = LAUFZEIT_ENDE

    def params(self) -> dict:
        return asdict(self)

    def beschreibung(self) -> str:
        """One German line naming every active filter (shown above charts and in downloads)."""
        teile = [
            "Quartier: " + (self.quartier or "beide"),
            "Zeitraum: " + self.von.strftime("%d.%m.%Y") + " – " + self.bis.strftime("%d.%m.%Y"),
            "Träger: " + (TRAEGER_NAMEN.get(self.traeger, self.traeger) if self.traeger
                          else "alle"),
            "Zielgruppe: " + (ZIELGRUPPEN_NAMEN.get(self.zielgruppe, self.zielgruppe)
                              if self.zielgruppe else "alle"),
        ]
        return " · ".join(teile)

    @property
    def ist_gesamtlaufzeit(self) -> bool:
        return self.von <= LAUFZEIT_START and self.bis >= LAUFZEIT_ENDE

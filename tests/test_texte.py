"""German counts with the noun in the right number (no "bei 1 aktiven Betrieben")."""
import pandas as pd
import pytest

from biwaq.zahlen import quality
from biwaq.zahlen.texte import anzahl


def test_count_and_noun_agree():
    assert anzahl(1, "aktiven Betrieb", "aktiven Betrieben") == "1 aktiven Betrieb"
    assert anzahl(2, "aktiven Betrieb", "aktiven Betrieben") == "2 aktiven Betrieben"
    assert anzahl(0, "Warnung", "Warnungen") == "0 Warnungen"
    assert anzahl(1234, "Person", "Personen") == "1.234 Personen"
    assert anzahl(1.0, "Regel", "Regeln") == "1 Regel"          # a pandas sum may be a float
    with pytest.raises(ValueError):
        anzahl(1.5, "Regel", "Regeln")


def test_quality_report_total_line_in_singular():
    regeln = pd.DataFrame([
        dict(id="Q01", tabelle="teilnehmende", beschreibung="x", schwere=quality.FEHLER,
             anzahl=1, ids=("P1",), hinweis=None),
        dict(id="Q02", tabelle="teilnehmende", beschreibung="y", schwere=quality.WARNUNG,
             anzahl=1, ids=("P2",), hinweis=None),
    ])
    letzte = quality.bericht(regeln).splitlines()[-1]
    assert letzte == "Zusammen: 1 Verstoß gegen Fehler-Regeln, 1 Warnung (2 Regeln geprüft)."

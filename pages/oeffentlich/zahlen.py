"""Öffentliche Zahlen: the figures residents see, disclosure-controlled and audited."""
import streamlit as st

from biwaq import public_ui, public_view, published, ui, vorschau
from biwaq.publish import PublishFehler

filt = ui.page_header(
    "Öffentliche Zahlen",
    "Diese Zahlen dürfen Stadtteilkonferenzen und die Öffentlichkeit sehen: niemand ist in "
    "ihnen erkennbar. Kleine Zahlen und alles, woraus sie sich ausrechnen ließen, sind mit "
    "`*` gesperrt; eine Prüfung rechnet das für jede gesperrte Zahl nach.")

try:
    daten = vorschau.oeffentliche_zahlen()
except PublishFehler as e:
    st.error(f"Die öffentlichen Zahlen bestehen die Geheimhaltungsprüfung nicht und werden "
             f"nicht gezeigt. {e}", icon=":material/gpp_bad:")
    st.stop()

auswahl = public_view.Auswahl.aus_zeitraum(filt.quartier, filt.von, filt.bis,
                                           public_view.jahre(daten))
hinweis = ("Es gelten Quartier und Zeitraum (ganze Kalenderjahre; Beratungen und die "
           "Zielgruppen-Tabelle zählen die ganze Laufzeit). Träger und Zielgruppe gelten hier "
           "nicht: öffentliche Zahlen gibt es nur für alle Träger.")
if filt.traeger or filt.zielgruppe:
    st.warning("Träger- und Zielgruppenfilter gelten für die öffentlichen Zahlen nicht.",
               icon=":material/filter_alt_off:")
st.caption(hinweis)

aktuell = vorschau.veroeffentlicht()
if aktuell is None:
    st.caption("Noch nicht veröffentlicht: `python -m biwaq publish --out data/oeffentlich` "
               "schreibt diese Zahlen für die öffentliche Seite.")
elif aktuell.datenstand != daten.datenstand:
    st.caption(f"Veröffentlicht ist der Stand vom {published.datum(aktuell.datenstand)} "
               f"(veröffentlicht am {published.datum(aktuell.veroeffentlicht_am.date())}). "
               "Hier sehen Sie die Zahlen der aktuellen Daten; `python -m biwaq publish` "
               "aktualisiert die öffentliche Fassung.")
else:
    st.caption("Die öffentliche Seite zeigt denselben Datenstand "
               f"(veröffentlicht am {published.datum(aktuell.veroeffentlicht_am.date())}).")

public_ui.zeigen(daten, auswahl, key="oeffz", filter_text=filt.beschreibung(), vorschau=True)

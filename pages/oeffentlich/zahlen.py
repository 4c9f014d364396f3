"""Öffentliche Zahlen: the last publication (what residents see), for every role; role
`steuerung` also sees whether it is current and can publish a new revision."""
import streamlit as st

from biwaq.app import auth, ui
from biwaq.oeffentlich import public_ui, public_view, published, vorschau
from biwaq.oeffentlich.publish import PublishFehler

filt = ui.page_header(
    "Öffentliche Zahlen",
    "Diese Zahlen dürfen Stadtteilkonferenzen und die Öffentlichkeit sehen: niemand ist in "
    "ihnen erkennbar. Kleine Zahlen und alles, woraus sie sich ausrechnen ließen, sind mit "
    "`*` gesperrt; eine Prüfung rechnet das für jede gesperrte Zahl nach. Gezeigt wird, was "
    "zuletzt veröffentlicht wurde.")
steuerung = auth.aktueller_nutzer().rolle == "steuerung"
daten = vorschau.veroeffentlicht()

# --- Publishing (role steuerung only; the role is checked again on the server) -----------

if steuerung:
    with st.container(border=True):
        if daten is None:
            st.markdown("**Noch nichts veröffentlicht.**")
        else:
            aktuell = vorschau.ist_aktuell(daten)
            wann = published.datum(daten.veroeffentlicht_am.date())
            if aktuell == vorschau.PRUEFT:
                # a large database: the check runs in the background, the page does not wait
                @st.fragment(run_every=2)
                def _pruefung_abwarten():
                    if vorschau.ist_aktuell(daten, warten_s=0) != vorschau.PRUEFT:
                        st.rerun()
                    st.markdown(f"**Veröffentlichung Nr. {daten.revision}** vom {wann}: Ob "
                                "sie dem aktuellen Datenbestand entspricht, wird gerade "
                                "geprüft …")
                _pruefung_abwarten()
            elif aktuell:
                st.markdown(f"**Veröffentlichung Nr. {daten.revision}** vom {wann} entspricht "
                            "dem aktuellen Datenbestand.")
            elif aktuell is False:
                st.markdown(f"**Veröffentlichung Nr. {daten.revision}** vom {wann}: Seit "
                            "damals haben sich die Daten geändert. Die öffentliche Seite zeigt "
                            "noch den alten Stand.")
            else:
                st.markdown(f"**Veröffentlichung Nr. {daten.revision}** vom {wann}: Ob sie "
                            "dem aktuellen Datenbestand entspricht, lässt sich nicht sagen.")
        st.caption("„Veröffentlichen“ sperrt und prüft die Zahlen – auch zusammen mit allen "
                   "früheren Veröffentlichungen, damit sich niemand durch Vergleich erkennen "
                   "lässt – und schreibt sie als neue, nummerierte Veröffentlichung. Geht eine "
                   "Prüfung nicht auf, bleibt alles, wie es ist. Das dauert bis zu einigen "
                   "Minuten.")
        if st.button("Veröffentlichen", key="oeffz_veroeffentlichen", type="primary",
                     icon=":material/publish:"):
            if auth.aktueller_nutzer().rolle != "steuerung":     # server-side, at the click
                st.error("Kein Zugriff: Nur die Steuerungsrunde darf veröffentlichen.",
                         icon=":material/block:")
            else:
                with st.status("Die Zahlen werden veröffentlicht …", expanded=True) as status:
                    try:
                        v = vorschau.veroeffentlichen(fortschritt=status.write)
                    except PublishFehler as e:
                        status.update(label="Nicht veröffentlicht – es bleibt beim bisherigen "
                                            "Stand.", state="error")
                        st.error(f"Die Zahlen wurden nicht veröffentlicht. {e}",
                                 icon=":material/gpp_bad:")
                    else:
                        status.update(label=f"Veröffentlichung Nr. {v.manifest['revision']} "
                                            "ist erschienen.", state="complete")
                        st.session_state["oeffz_erfolg"] = v.manifest["revision"]
                        st.rerun()
        if "oeffz_erfolg" in st.session_state:
            st.success(f"Veröffentlichung Nr. {st.session_state.pop('oeffz_erfolg')} ist "
                       "erschienen.", icon=":material/check_circle:")

if daten is None:
    st.info("Es sind noch keine Zahlen veröffentlicht. Die öffentliche Seite zeigt sie, "
            "sobald die Steuerungsrunde sie veröffentlicht hat.", icon=":material/hourglass_empty:")
    st.stop()

auswahl = public_view.Auswahl.aus_zeitraum(filt.quartier, filt.von, filt.bis,
                                           public_view.jahre(daten))
if filt.traeger or filt.zielgruppe:
    st.warning("Träger- und Zielgruppenfilter gelten für die öffentlichen Zahlen nicht.",
               icon=":material/filter_alt_off:")
st.caption("Es gelten Quartier und Zeitraum (ganze Kalenderjahre; Beratungen und die "
           "Zielgruppen-Tabelle zählen die ganze Laufzeit). Träger und Zielgruppe gelten hier "
           "nicht: öffentliche Zahlen gibt es nur für alle Träger.")
public_ui.zeigen(daten, auswahl, key="oeffz", filter_text=filt.beschreibung())

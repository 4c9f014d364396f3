"""Participant figures for roles other than `steuerung` (today: `wirtschaft` on the Betriebe
page): the same small-count rule as the public figures, and no participant filters.

Design (fail closed, issue 13.5): for such a role the placements into local businesses
- ignore the Träger and Zielgruppe filters (nothing can be learnt by comparing them), and
  the page's Branche filter and the Quartier filter for the computation (the same cells are
  protected whatever is chosen; the Quartier filter only selects rows to show);
- are shown only as counts per Quartier and per business with at least `schwelle`
  placements — smaller businesses are folded into „weitere Betriebe“ per Quartier;
- go through the disclosure module like the public tables (biwaq.oeffentlich.disclosure: values 1 to
  schwelle−1 suppressed, secondary suppression by MILP over the margins, LP audit), so no
  suppressed value can be worked out from the margins;
- carry no attributes of the placed people (no placement type, no retention).
"""
from __future__ import annotations

import pandas as pd

from biwaq.oeffentlich import disclosure as dc
from biwaq.einlesen.contract import QUARTIERE
from biwaq.oeffentlich.disclosure import INSGESAMT, Dim, Tabelle, Verbund

WEITERE = "weitere Betriebe"
GESCHUETZTE_ROLLEN_AUSSER = "steuerung"     # only this role sees unprotected detail


def voll_sichtbar(rolle: str | None) -> bool:
    """True only for `steuerung`; every other role (or none) gets protected figures."""
    return rolle == GESCHUETZTE_ROLLEN_AUSSER


def vermittlungen_geschuetzt(platz: pd.DataFrame, schwelle: int = dc.SCHWELLE
                             ) -> pd.DataFrame:
    """Placements into local businesses, protected for roles other than `steuerung`.

    platz: rows of queries/oek_vermittlungen_betriebe.sql run *without* Träger, Zielgruppe,
    Quartier and Branche filters (columns betrieb_id, name, quartier, vermittlungen).
    Returns one row per shown cell: Quartier (a Quartier or „Insgesamt“), Betrieb (a name,
    „weitere Betriebe“ or „Insgesamt“), Vermittlungen (Int64, <NA> where suppressed),
    gesperrt (bool). Businesses with fewer than `schwelle` placements are never named.
    Raises disclosure.PruefungFehlgeschlagen if no safe pattern is found (then show none).
    """
    df = platz[["betrieb_id", "name", "quartier", "vermittlungen"]].copy()
    df = df[df["quartier"].isin(QUARTIERE)]
    gross = df[df["vermittlungen"] >= schwelle].copy()
    doppelt = gross["name"].duplicated(keep=False)
    gross["spalte"] = gross["name"].where(~doppelt,
                                          gross["name"] + " (" + gross["betrieb_id"] + ")")
    klein = df[df["vermittlungen"] < schwelle]
    # One table per Quartier (its businesses, „weitere Betriebe“, total) and one of the
    # Quartier totals, tied by equations: a business has one seat, so no cross table with
    # structural zeros that an attacker would know but the audit would not.
    tabellen: dict[str, Tabelle] = {}
    bez = []
    for i, q in enumerate(QUARTIERE):
        teil = gross[gross["quartier"] == q].sort_values(["vermittlungen", "spalte"],
                                                         ascending=[False, True])
        fein = {(b,): int(v) for b, v in zip(teil["spalte"], teil["vermittlungen"])}
        fein[(WEITERE,)] = int(klein.loc[klein["quartier"] == q, "vermittlungen"].sum())
        t = Tabelle.aus_feinsten(f"q{i}", q, (Dim("betrieb", (*teil["spalte"], WEITERE)),),
                                 fein)
        tabellen[t.name] = t
        bez.append([("gesamt", (q,), 1), (t.name, (INSGESAMT,), -1)])
    gesamt = Tabelle.aus_feinsten("gesamt", "Insgesamt", (Dim("quartier", QUARTIERE),),
                                  {(q,): tabellen[f"q{i}"].werte[(INSGESAMT,)]
                                   for i, q in enumerate(QUARTIERE)})
    tabellen["gesamt"] = gesamt
    verbund = Verbund(tabellen, bez)
    ergebnis = dc.schuetzen(verbund, schwelle)
    rows = []

    def zeile(quartier, betrieb, zelle):
        gesperrt = zelle in ergebnis.gesperrt
        rows.append({"Quartier": quartier, "Betrieb": betrieb,
                     "Vermittlungen": None if gesperrt else verbund.wert(zelle),
                     "gesperrt": gesperrt})

    for i, q in enumerate(QUARTIERE):
        for (b,) in tabellen[f"q{i}"].keys():
            zeile(q, b, (f"q{i}", (b,)))
    zeile(INSGESAMT, INSGESAMT, ("gesamt", (INSGESAMT,)))
    out = pd.DataFrame(rows, columns=["Quartier", "Betrieb", "Vermittlungen", "gesperrt"])
    out["Vermittlungen"] = out["Vermittlungen"].astype("Int64")
    return out


def wert(tab: pd.DataFrame, quartier: str = INSGESAMT, betrieb: str = INSGESAMT):
    """One cell of `vermittlungen_geschuetzt`; None when suppressed."""
    r = tab[(tab["Quartier"] == quartier) & (tab["Betrieb"] == betrieb)].iloc[0]
    return None if r["gesperrt"] else int(r["Vermittlungen"])

"""Publications that cannot be subtracted: numbered revisions, each audited together with the
earlier ones (issue 13.8).

Every publication is kept as a numbered revision (`revisionen/NNNN/` inside the published
directory, with its manifest). Beside the published directory, in `<dir>.intern/` (internal,
never given to the public service), the true values of every cell of each revision — hidden
ones included — its suppression pattern and its protection requirements are stored.

A new revision N is audited *together with* each earlier one P, as one linear system (the
LP audit of biwaq.oeffentlich.disclosure): the cells of N, the cells of P (published ones fixed, as the
public has them), and for every cell both have a change cell D = N − P (hidden, any sign).
The changes form a table of their own: a change of 1 to threshold−1 (either sign) must not
be derivable more narrowly than the threshold; cells suppressed in P or N must stay as
protected as in their own audit. A cell whose true value is the same in N and P is one
unknown (its change is tied to 0): an attacker can often tell from the margins which cells
did not change. Cells P suppressed whose value has not changed stay suppressed in N
(`fruehere_sperren`), so a new pattern never releases the value an old one hid to protect
a small neighbour. Where this fails, the failing cells of N are suppressed
(or their protection interval widened) and the secondary suppression of N is solved again;
if that does not converge, publishing stops and nothing is written (fail closed).

This is the audit of two successive releases as one system (the "differencing" attack of
statistical disclosure control, e.g. Hundepool et al., Statistical Disclosure Control,
Wiley 2012, §5.6 on linked tables and §4.3 on releases over time).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from biwaq.oeffentlich import disclosure as dc
from biwaq.oeffentlich.published import heutiger_schluessel, heutiger_wert
from biwaq.oeffentlich.disclosure import Anforderung, Dim, Tabelle, Verbund, Zelle

VORHER = "vorher:"
AENDERUNG = "aenderung:"
OHNE_GRENZE = -10 ** 9          # a change can be negative (corrections, stock figures)
REVISIONEN = "revisionen"
MAX_RUNDEN = 12


ENV_INTERN = "BIWAQ_INTERN_DIR"


def intern_verzeichnis(out: Path | str) -> Path:
    """Internal companion of a published directory (true values of every cell, hidden ones
    included): $BIWAQ_INTERN_DIR when `out` is the configured published directory
    ($BIWAQ_OEFFENTLICH_DIR, `published.verzeichnis`), else `<dir>.intern` next to `out`.
    A deployment sets BIWAQ_INTERN_DIR to a folder on the internal volume, so the public
    service, which mounts the published folder's volume, never holds the true values."""
    from biwaq.oeffentlich import published   # late: published imports nothing from here
    out = Path(out)
    eigen = os.environ.get(ENV_INTERN, "").strip()
    if eigen and out.resolve() == published.verzeichnis().resolve():
        return Path(eigen)
    return out.parent / f"{out.name}.intern"


@dataclass
class Stand:
    """One revision as the audit needs it (from the internal store)."""
    revision: int
    verbund: Verbund
    gesperrt: set[Zelle]
    anforderungen: dict[Zelle, Anforderung]
    fingerabdruck: str = ""


# --- Storing and reading a revision's internal values ----------------------------------------

def _key(k) -> list[str]:
    return list(k)


def als_json(revision: int, verbund: Verbund, ergebnis: dc.Ergebnis,
             fingerabdruck: str) -> dict:
    """Everything needed to audit a later revision against this one (internal only)."""
    return {
        "revision": revision,
        "fingerabdruck": fingerabdruck,
        "tabellen": [{
            "name": t.name, "titel": t.titel, "oeffentlich": t.oeffentlich,
            "dims": [{"name": d.name, "werte": list(d.werte), "summe": d.summe} for d in t.dims],
            "werte": [[*_key(k), int(v)] for k, v in t.werte.items()],
            "untergrenzen": [[*_key(k), int(v)] for k, v in t.untergrenzen.items()],
        } for t in verbund.tabellen.values()],
        "beziehungen": [[[t, _key(k), int(c)] for t, k, c in row]
                        for row in verbund.beziehungen],
        "gesperrt": sorted([t, _key(k)] for t, k in ergebnis.gesperrt),
        "anforderungen": sorted([t, _key(k), a.grund, int(a.breite)]
                                for (t, k), a in ergebnis.anforderungen.items()),
    }


def aus_json(d: dict) -> Stand:
    """The inverse of `als_json`: a revision's system, pattern and requirements. Dimension
    values renamed since the revision was written (published.FRUEHERE_WERTE) are read as
    today's, so an older revision's cells pair with the newer ones in the joint audit."""
    dims = {t["name"]: [x["name"] for x in t["dims"]] for t in d["tabellen"]}

    def key(t: str, k) -> tuple:
        return heutiger_schluessel(t, dims[t], k) if t in dims else tuple(k)
    tabellen = {}
    for t in d["tabellen"]:
        n, name = len(t["dims"]), t["name"]
        tabellen[name] = Tabelle(
            name, t["titel"],
            tuple(Dim(x["name"], tuple(heutiger_wert(name, x["name"], w) for w in x["werte"]),
                      x["summe"]) for x in t["dims"]),
            {key(name, r[:n]): int(r[n]) for r in t["werte"]}, oeffentlich=t["oeffentlich"],
            untergrenzen={key(name, r[:n]): int(r[n]) for r in t["untergrenzen"]})
    bez = [[(t, key(t, k), int(c)) for t, k, c in row] for row in d["beziehungen"]]
    return Stand(int(d["revision"]), Verbund(tabellen, bez),
                 {(t, key(t, k)) for t, k in d["gesperrt"]},
                 {(t, key(t, k)): Anforderung(g, int(b)) for t, k, g, b in d["anforderungen"]},
                 d.get("fingerabdruck", ""))


def speichern(intern: Path, stand_json: dict) -> Path:
    """Write `<intern>/NNNN.json` atomically (temporary file, then rename)."""
    intern.mkdir(parents=True, exist_ok=True)
    ziel = intern / f"{int(stand_json['revision']):04d}.json"
    tmp = ziel.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(stand_json, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, ziel)
    return ziel


def laden(intern: Path, revision: int) -> Stand | None:
    """Revision `revision` from `<intern>/NNNN.json`; None when the file is missing."""
    pfad = intern / f"{revision:04d}.json"
    if not pfad.exists():
        return None
    return aus_json(json.loads(pfad.read_text(encoding="utf-8")))


# --- The joint audit --------------------------------------------------------------------------

def gemeinsamer_verbund(neu: Verbund, vorher: Stand) -> Verbund:
    """N's tables, P's tables (prefixed `vorher:`) and one hidden change table per table both
    have, over the dimension values both have (no margins of its own: every change cell is
    tied to its two cells by N − P − D = 0, which carries all equations over).

    A cell whose true value is the same in both revisions is tied: its change cell gets the
    equation D = 0, so N's and P's cell are one unknown. The attacker is assumed to know
    which cells did not change (the published margins often tell, and a person may know
    that nothing happened in a cell); a cell published in one revision is then known in the
    other too. Without the tie the audit treated every cell as free to change and passed a
    pair of patterns that, together, pinned a suppressed 2 (attacker test, issue 15)."""
    tabellen = dict(neu.tabellen)
    bez = [list(r) for r in neu.beziehungen]
    for t in vorher.verbund.tabellen.values():
        tabellen[VORHER + t.name] = Tabelle(VORHER + t.name, t.titel, t.dims, t.werte,
                                            oeffentlich=t.oeffentlich, schutz=False,
                                            untergrenzen=t.untergrenzen)
    for row in vorher.verbund.beziehungen:
        bez.append([(VORHER + t, k, c) for t, k, c in row])
    for t in neu.tabellen.values():
        p = vorher.verbund.tabellen.get(t.name)
        if p is None or [d.name for d in p.dims] != [d.name for d in t.dims]:
            continue
        dims = tuple(Dim(d.name, tuple(v for v in d.alle if v in set(pd_.alle)), summe=False)
                     for d, pd_ in zip(t.dims, p.dims))
        werte, unten = {}, {}
        dt_ = Tabelle(AENDERUNG + t.name, "Änderung " + t.titel, dims, {}, oeffentlich=False,
                      schutz=False)
        for k in dt_.keys():
            werte[k] = t.werte[k] - p.werte[k]
            unten[k] = OHNE_GRENZE
            bez.append([(t.name, k, 1), (VORHER + t.name, k, -1), (dt_.name, k, -1)])
            if werte[k] == 0:       # unchanged: one unknown in both revisions (D = 0)
                bez.append([(dt_.name, k, 1)])
        dt_.werte, dt_.untergrenzen = werte, unten
        tabellen[dt_.name] = dt_
    return Verbund(tabellen, bez)


def gemeinsam_pruefen(neu: Verbund, ergebnis: dc.Ergebnis, vorher: Stand,
                      schwelle: int) -> tuple[list[dc.Pruefung], Verbund]:
    """Audit N together with P. Returns the failing checks (empty: safe) and the system.

    Checked: every change of 1..schwelle−1 (either sign) — public or hidden — must have an
    attacker interval at least `schwelle` wide; every cell suppressed or protected in N or
    in P must keep the width its own audit required."""
    gem = gemeinsamer_verbund(neu, vorher)
    anf: dict[Zelle, Anforderung] = dict(ergebnis.anforderungen)
    for (t, k), a in vorher.anforderungen.items():
        anf[(VORHER + t, k)] = a
    for t, k in vorher.gesperrt:
        anf.setdefault((VORHER + t, k), Anforderung("sekundaer", schwelle))
    for t in gem.tabellen.values():
        if t.name.startswith(AENDERUNG):
            quelle = neu.tabellen[t.name[len(AENDERUNG):]]
            if not quelle.schutz:
                continue
            for k, v in t.werte.items():
                if 1 <= abs(v) < schwelle:
                    anf[(t.name, k)] = Anforderung("differenz", schwelle)
    gesperrt = set(ergebnis.gesperrt) | {(VORHER + t, k) for t, k in vorher.gesperrt}
    pruefung = dc.pruefen(gem, gesperrt, anf, schwelle)
    return [p for p in pruefung if not p.ok], gem


def fruehere_sperren(neu: Verbund, fruehere: list[Stand], schwelle: int
                     ) -> dict[Zelle, Anforderung]:
    """Cells of N to suppress because an earlier revision suppressed them and their true
    value has not changed since: {(table, key): Anforderung('vorher', schwelle)}.

    Releasing such a cell now would publish the very value the earlier pattern hid to
    protect its neighbours (the attacker subtracts it from the earlier margins). Kept for
    every earlier revision P in `fruehere`; only published cells of N that P had too."""
    out: dict[Zelle, Anforderung] = {}
    for stand in fruehere:
        for t, k in stand.gesperrt:
            tn, tp = neu.tabellen.get(t), stand.verbund.tabellen.get(t)
            if (tn is None or tp is None or not tn.oeffentlich or k not in tn.werte
                    or k not in tp.werte or tn.werte[k] != tp.werte[k]):
                continue
            out[(t, k)] = Anforderung("vorher", schwelle)
    return out


def reparatur(fehler: list[dc.Pruefung], neu: Verbund, ergebnis: dc.Ergebnis,
              zusaetzlich: dict[Zelle, Anforderung], schwelle: int) -> bool:
    """Turn failed joint checks into further protection of N's cells. Returns False when
    nothing new can be asked for (then the caller gives up, fail closed)."""
    vorher = dict(zusaetzlich)
    for p in fehler:
        t, k = p.zelle
        name = t.split(":", 1)[1] if ":" in t else t
        if name not in neu.tabellen or k not in neu.tabellen[name].werte:
            continue
        # The cell of N itself gets (a wider) protection interval; for a hidden cell the
        # MILP then chooses the cheapest published cells to suppress around it.
        z = (name, k)
        alt = zusaetzlich.get(z) or ergebnis.anforderungen.get(z)
        geschuetzt = z in ergebnis.gesperrt or (alt is not None
                                                and not neu.tabellen[name].oeffentlich)
        breite = (alt.breite if alt else schwelle) + (1 if geschuetzt else 0)
        if z not in zusaetzlich or zusaetzlich[z].breite < breite:
            zusaetzlich[z] = Anforderung("differenz", breite)
    return zusaetzlich != vorher

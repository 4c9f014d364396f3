"""Disclosure control for public count tables: primary and secondary suppression, LP audit.

The tables that go public are modelled together as one linear system (a `Verbund`):
every cell is a non-negative unknown, every margin (`Insgesamt`) is a linear equation,
and tables that share figures are tied by extra equations (`beziehungen`). Counts that
are never published but follow from published ones (people *not* in a target group,
entrants never placed, new vacancies) are *hidden* cells of the same system: an attacker
does not see them, but they must not become derivable when small.

- Primary suppression: counts 1..threshold−1; in business tables also cells with fewer
  than `threshold` businesses, or where one business makes up more than `dominanz_anteil`
  of the cell (dominance rule). Zeros are shown.
- Secondary suppression: a mixed-integer programme (scipy.optimize.milp, HiGHS) chooses
  the cheapest set of extra cells (few cells, small values, margins last) such that for
  every protected cell there are two tables, consistent with everything published, whose
  values of that cell differ by at least the required width (the protection-interval
  model of Fischetti & Salazar-González, with bounded perturbations). All linked tables
  are solved together, so a pattern cannot leak through a margin shared with another
  table.
- Audit: for every suppressed (and every small hidden) cell, linear programming
  (scipy.optimize.linprog, HiGHS) computes the smallest and largest value an attacker can
  derive from all published cells, the additive structure and non-negativity; the bounds
  are rounded inward to integers (counts are whole numbers). The width must reach the
  threshold. Secondary cells that fail are added to the optimisation and it is solved
  again, so the result always passes its own audit.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

INSGESAMT = "Insgesamt"
SCHWELLE = 3                 # smallest count that may be published (Bundesagentur für Arbeit)
# no threshold below 3 is accepted (1 and 2 are never public); one definition, also read by
# the public app without scipy
from biwaq.oeffentlich.published import MINDEST_SCHWELLE  # noqa: E402
DOMINANZ_ANTEIL = 0.5        # one business must not make up more than half of a cell
DOMINANZ_SCHUTZ = 0.25       # dominance cells: interval at least this share of the value wide
EPS = 1e-6

Key = tuple[str, ...]
Zelle = tuple[str, Key]      # (table name, dimension values)

METHODE = (
    "Primärsperrung: Werte von 1 bis Schwelle−1; bei Betriebstabellen außerdem Zellen mit "
    "weniger Betrieben als die Schwelle und Dominanzregel (ein Betrieb macht mehr als die "
    "Hälfte der Zelle aus). Sekundärsperrung: gemischt-ganzzahlige Optimierung (MILP, "
    "HiGHS über scipy.optimize.milp) über alle verknüpften Tabellen gemeinsam – möglichst "
    "wenige und kleine zusätzliche Sperrungen, Summenzeilen zuletzt – unter "
    "Schutzintervall-Bedingungen (Fischetti/Salazar-González). Prüfung: lineare "
    "Programmierung (scipy.optimize.linprog, HiGHS) je gesperrter Zelle; der ableitbare "
    "Bereich ist mindestens so breit wie die Schwelle.")


@dataclass(frozen=True)
class Dim:
    """A dimension. Additive ones get an `Insgesamt` value that is the sum of the others."""
    name: str
    werte: tuple[str, ...]
    summe: bool = True
    titel: str = ""

    @property
    def alle(self) -> tuple[str, ...]:
        return self.werte + ((INSGESAMT,) if self.summe else ())


@dataclass
class Tabelle:
    """Counts for every combination of dimension values (margins included)."""
    name: str
    titel: str
    dims: tuple[Dim, ...]
    werte: dict[Key, int]
    oeffentlich: bool = True           # False: hidden counts (derivable, never published)
    schutz: bool = True                # small counts here must be protected
    beitraege: dict[Key, list[float]] | None = None   # per-business shares (dominance)
    untergrenzen: dict[Key, int] = field(default_factory=dict)   # publicly known minima
    hinweis: str = ""

    def keys(self) -> list[Key]:
        return list(itertools.product(*(d.alle for d in self.dims)))

    @classmethod
    def aus_feinsten(cls, name: str, titel: str, dims: tuple[Dim, ...],
                     fein: Mapping[Key, float], **kw) -> Tabelle:
        """Build every cell (margins included) from the finest cells by summing."""
        werte = {}
        for key in itertools.product(*(d.alle for d in dims)):
            werte[key] = int(sum(
                v for k, v in fein.items()
                if all(kv == fk or (kv == INSGESAMT and d.summe)
                       for kv, fk, d in zip(key, k, dims))))
        return cls(name, titel, dims, werte, **kw)


Term = tuple[str, Key, int]            # (table, key, coefficient)


@dataclass
class Verbund:
    """Tables that are published together, and the equations that tie them."""
    tabellen: dict[str, Tabelle]
    beziehungen: list[list[Term]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.zellen: list[Zelle] = [(t.name, k) for t in self.tabellen.values()
                                    for k in t.keys()]
        self.index = {z: i for i, z in enumerate(self.zellen)}
        for t in self.tabellen.values():
            missing = [k for k in t.keys() if k not in t.werte]
            if missing:
                raise ValueError(f"Tabelle {t.name}: Werte fehlen für {missing[:3]}")
        self.a = np.array([self.wert(z) for z in self.zellen], dtype=float)
        self.lb = np.array([self.tabellen[t].untergrenzen.get(k, 0) for t, k in self.zellen],
                           dtype=float)
        self.oeffentlich = np.array([self.tabellen[t].oeffentlich for t, _ in self.zellen])
        self.gleichungen = self._gleichungen()
        self._pruefe_konsistenz()

    def wert(self, z: Zelle) -> int:
        return self.tabellen[z[0]].werte[z[1]]

    def _gleichungen(self) -> list[list[tuple[int, int]]]:
        rows: list[list[tuple[int, int]]] = []
        for t in self.tabellen.values():
            for j, d in enumerate(t.dims):
                if not d.summe:
                    continue
                for key in t.keys():
                    if key[j] != INSGESAMT:
                        continue
                    row = [(self.index[(t.name, key)], 1)]
                    row += [(self.index[(t.name, key[:j] + (v,) + key[j + 1:])], -1)
                            for v in d.werte]
                    rows.append(row)
        for b in self.beziehungen:
            rows.append([(self.index[(t, tuple(k))], c) for t, k, c in b])
        return rows

    def _pruefe_konsistenz(self) -> None:
        """The true values must satisfy every equation, or the model is wrong."""
        for row in self.gleichungen:
            s = sum(c * self.a[i] for i, c in row)
            if abs(s) > EPS:
                namen = ", ".join(f"{self.zellen[i][0]}{self.zellen[i][1]}" for i, _ in row[:4])
                raise ValueError(f"Gleichung verletzt (Summe {s:g}): {namen} …")
        if np.any(self.a < self.lb - EPS):
            i = int(np.argmax(self.lb - self.a))
            raise ValueError(f"Untergrenze verletzt: {self.zellen[i]}")

    def matrix(self) -> sparse.csr_array:
        r, c, v = [], [], []
        for i, row in enumerate(self.gleichungen):
            for j, coef in row:
                r.append(i)
                c.append(j)
                v.append(coef)
        return sparse.csr_array((v, (r, c)), shape=(len(self.gleichungen), len(self.zellen)))

    def komponenten(self) -> list[np.ndarray]:
        """Groups of cells linked by equations (solved independently)."""
        from scipy.sparse.csgraph import connected_components

        n = len(self.zellen)
        r, c = [], []
        for row in self.gleichungen:
            first = row[0][0]
            for j, _ in row[1:]:
                r.append(first)
                c.append(j)
        g = sparse.coo_array((np.ones(len(r)), (r, c)), shape=(n, n))
        k, labels = connected_components(g, directed=False)
        return [np.flatnonzero(labels == i) for i in range(k)]


class SchwelleUnzulaessig(ValueError):
    """A threshold below MINDEST_SCHWELLE (or not a whole number) was asked for."""


def schwelle_pruefen(schwelle) -> int:
    """The threshold as int; raises SchwelleUnzulaessig (German message) unless it is a whole
    number of at least MINDEST_SCHWELLE = 3. Public figures never show 1 or 2 (project
    standard; Bundesagentur für Arbeit, Statistik-Geheimhaltung: Werte unter 3), so a lower
    threshold is refused everywhere (command, button, configuration), never applied."""
    if isinstance(schwelle, bool) or not isinstance(schwelle, (int, np.integer)):
        raise SchwelleUnzulaessig(f"Die Schwelle muss eine ganze Zahl sein (angegeben: "
                                  f"{schwelle!r}).")
    if schwelle < MINDEST_SCHWELLE:
        raise SchwelleUnzulaessig(
            f"Die Schwelle muss mindestens {MINDEST_SCHWELLE} sein, angegeben ist {schwelle}: "
            f"Zahlen unter {MINDEST_SCHWELLE} werden nie veröffentlicht.")
    return int(schwelle)


# --- Primary suppression -----------------------------------------------------------------

PRIMAER_GRUENDE = frozenset({"schwelle", "betriebe", "dominanz", "verdeckt"})


@dataclass(frozen=True)
class Anforderung:
    """Why a cell is protected and how wide its derivable interval must at least be."""
    grund: str               # schwelle | betriebe | dominanz | verdeckt (primary);
                             # sekundaer | differenz | vorher (biwaq.oeffentlich.revisionen)
    breite: int


def primaer(verbund: Verbund, schwelle: int = SCHWELLE,
            dominanz_anteil: float = DOMINANZ_ANTEIL,
            dominanz_schutz: float = DOMINANZ_SCHUTZ) -> dict[Zelle, Anforderung]:
    """Cells that must not be derivable: small counts (published or hidden), and in
    business tables cells with few businesses or one dominant business. Raises
    SchwelleUnzulaessig for a threshold below 3."""
    schwelle = schwelle_pruefen(schwelle)
    out: dict[Zelle, Anforderung] = {}
    for t in verbund.tabellen.values():
        if not t.schutz:
            continue
        for key, v in t.werte.items():
            if 1 <= v < schwelle:
                out[(t.name, key)] = Anforderung("schwelle" if t.oeffentlich else "verdeckt",
                                                 schwelle)
            elif t.beitraege is not None and v > 0:
                teile = [b for b in t.beitraege.get(key, []) if b > 0]
                if 0 < len(teile) < schwelle:
                    out[(t.name, key)] = Anforderung("betriebe", schwelle)
                elif teile and max(teile) > dominanz_anteil * sum(teile) + EPS:
                    out[(t.name, key)] = Anforderung(
                        "dominanz", max(schwelle, math.ceil(dominanz_schutz * v)))
    return out


# --- Audit ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pruefung:
    zelle: Zelle
    wert: int
    minimum: float           # smallest value an attacker can derive (rounded up)
    maximum: float           # largest (rounded down; inf = unbounded)
    noetig: int              # required width
    grund: str

    @property
    def breite(self) -> float:
        return self.maximum - self.minimum

    @property
    def ok(self) -> bool:
        return self.breite >= self.noetig

    def text(self) -> str:
        t, k = self.zelle
        hi = "unbegrenzt" if math.isinf(self.maximum) else f"{self.maximum:g}"
        return (f"{t} [{' / '.join(k)}]: ableitbar zwischen {self.minimum:g} und {hi} "
                f"(Breite {self.breite:g}, nötig {self.noetig})")


class PruefungFehlgeschlagen(Exception):
    """The audit found cells an attacker could work out (too narrow an interval)."""

    def __init__(self, fehler: list[Pruefung]):
        self.fehler = fehler
        super().__init__("Geheimhaltungsprüfung fehlgeschlagen – ableitbar: "
                         + "; ".join(p.text() for p in fehler[:10])
                         + (f" (und {len(fehler) - 10} weitere)" if len(fehler) > 10 else ""))


def zu_pruefen(verbund: Verbund, gesperrt: Iterable[Zelle],
               anforderungen: Mapping[Zelle, Anforderung], schwelle: int
               ) -> dict[Zelle, Anforderung]:
    """Every suppressed published cell and every protected hidden cell, with its width."""
    out = {z: a for z, a in anforderungen.items()}
    for z in gesperrt:
        out.setdefault(z, Anforderung("sekundaer", schwelle))
    return out


def pruefen(verbund: Verbund, gesperrt: Iterable[Zelle],
            anforderungen: Mapping[Zelle, Anforderung] | None = None,
            schwelle: int = SCHWELLE) -> list[Pruefung]:
    """Attacker's interval for every suppressed cell, by linear programming.

    The attacker knows every published cell, all equations, non-negativity and the public
    lower bounds; hidden cells and suppressed cells are unknown. Raises SchwelleUnzulaessig
    for a threshold below 3.
    """
    schwelle = schwelle_pruefen(schwelle)
    gesperrt = set(gesperrt)
    if anforderungen is None:
        anforderungen = primaer(verbund, schwelle)
    ziele = zu_pruefen(verbund, gesperrt, anforderungen, schwelle)
    unbekannt = np.array([(not verbund.oeffentlich[i]) or z in gesperrt
                          for i, z in enumerate(verbund.zellen)])
    A = verbund.matrix()
    free = np.flatnonzero(unbekannt)
    pos = {int(j): i for i, j in enumerate(free)}
    A_free = A[:, free]
    b = -(A[:, np.flatnonzero(~unbekannt)] @ verbund.a[~unbekannt])
    keep = np.flatnonzero(np.abs(A_free).sum(axis=1) > 0)   # rows with unknowns
    A_free, b = A_free[keep], b[keep]
    bounds = [(verbund.lb[j], None) for j in free]
    out = []
    for z, anf in ziele.items():
        i = verbund.index[z]
        c = np.zeros(len(free))
        c[pos[i]] = 1.0
        lo = _lp(c, A_free, b, bounds)
        hi = -_lp(-c, A_free, b, bounds)
        out.append(Pruefung(z, int(verbund.a[i]), math.ceil(lo - EPS),
                            hi if math.isinf(hi) else math.floor(hi + EPS),
                            anf.breite, anf.grund))
    return out


def _lp(c: np.ndarray, A, b: np.ndarray, bounds) -> float:
    res = linprog(c, A_eq=A if A.shape[0] else None, b_eq=b if A.shape[0] else None,
                  bounds=bounds, method="highs")
    if res.status == 3:
        return -math.inf
    if res.status != 0:
        raise RuntimeError(f"Prüf-LP nicht lösbar: {res.message}")
    return float(res.fun)


# --- Secondary suppression -----------------------------------------------------------------

@dataclass
class Ergebnis:
    gesperrt: set[Zelle]                      # suppressed published cells
    anforderungen: dict[Zelle, Anforderung]   # primary (and hidden) protection needs
    pruefung: list[Pruefung]                  # audit of the final pattern
    runden: int = 1

    @property
    def primaer(self) -> set[Zelle]:
        """Suppressed for their own sake (small count, few businesses, dominance)."""
        return {z for z in self.gesperrt if z in self.anforderungen
                and self.anforderungen[z].grund in PRIMAER_GRUENDE}

    @property
    def sekundaer(self) -> set[Zelle]:
        """Suppressed to protect others (also: kept from an earlier revision, or because a
        change since then would be derivable)."""
        return self.gesperrt - self.primaer


def kosten(verbund: Verbund, z: Zelle) -> float:
    """Few cells first, then small values; margins (`Insgesamt`) cost more to suppress."""
    t = verbund.tabellen[z[0]]
    summe = sum(t.werte[k] for k in t.keys() if INSGESAMT not in k) or 1
    return 1.0 + verbund.wert(z) / (summe + 1) + 2.0 * z[1].count(INSGESAMT)


def schuetzen(verbund: Verbund, schwelle: int = SCHWELLE,
              dominanz_anteil: float = DOMINANZ_ANTEIL,
              dominanz_schutz: float = DOMINANZ_SCHUTZ,
              zeitlimit: float = 120.0, max_runden: int = 25,
              zusaetzlich: Mapping[Zelle, Anforderung] | None = None) -> Ergebnis:
    """Primary and secondary suppression; returns a pattern that passes the audit.
    `zusaetzlich`: further cells to protect (e.g. because they changed by less than the
    threshold since the previous publication, biwaq.oeffentlich.publish); the wider requirement wins."""
    anf = primaer(verbund, schwelle, dominanz_anteil, dominanz_schutz)
    for z, a in (zusaetzlich or {}).items():
        if z not in anf or anf[z].breite < a.breite:
            anf[z] = a
    gesperrt: set[Zelle] = {z for z in anf if verbund.oeffentlich[verbund.index[z]]}
    for runde in range(1, max_runden + 1):
        gesperrt = _optimieren(verbund, anf, schwelle, zeitlimit)
        pr = pruefen(verbund, gesperrt, anf, schwelle)
        schwach = [p for p in pr if not p.ok]
        if not schwach:
            return Ergebnis(gesperrt, anf, pr, runde)
        for p in schwach:   # protect the failed cell itself, or ask for one unit more
            alt = anf.get(p.zelle)
            anf[p.zelle] = Anforderung(alt.grund if alt else "sekundaer",
                                       (alt.breite + 1) if alt else schwelle)
    raise PruefungFehlgeschlagen(schwach)


def _optimieren(verbund: Verbund, anf: Mapping[Zelle, Anforderung], schwelle: int,
                zeitlimit: float) -> set[Zelle]:
    gesperrt: set[Zelle] = {z for z in anf if verbund.oeffentlich[verbund.index[z]]}
    A = verbund.matrix().tocsc()
    for comp in verbund.komponenten():
        bloecke = [(verbund.zellen[i], anf[verbund.zellen[i]]) for i in comp
                   if verbund.zellen[i] in anf]
        if not bloecke:
            continue
        gesperrt |= _milp_komponente(verbund, A, comp, bloecke, zeitlimit)
    return gesperrt


def _milp_komponente(verbund: Verbund, A, comp: np.ndarray,
                     bloecke: list[tuple[Zelle, Anforderung]], zeitlimit: float
                     ) -> set[Zelle]:
    """One MILP for a group of linked cells.

    Variables: z_c ∈ {0,1} for each published cell (1 = suppressed; forced for primary
    cells), and for every protected cell p two perturbations y⁺, y⁻ of the whole group with
    A·y = 0 (the perturbed tables still add up), a + y ≥ lower bounds, y_c = 0 where
    z_c = 0 (published cells are known), and y⁺_p − y⁻_p ≥ width. Perturbations are
    bounded by the width (enough for the cycles of two-way tables; a stricter model only
    ever suppresses more). Minimise the cost of the suppressed cells.
    """
    n = len(comp)
    loc = {int(g): i for i, g in enumerate(comp)}
    Ac = A[:, comp]
    rows_used = np.flatnonzero(np.abs(Ac).sum(axis=1) > 0)
    Ac = sparse.csr_array(Ac[rows_used])
    m = Ac.shape[0]
    pub = [i for i, g in enumerate(comp) if verbund.oeffentlich[g]]
    zpos = {i: k for k, i in enumerate(pub)}
    nz = len(pub)
    a = verbund.a[comp]
    spiel = np.maximum(a - verbund.lb[comp], 0.0)      # how far a cell can go down
    nb = 2 * len(bloecke)
    nvar = nz + nb * n

    cost = np.zeros(nvar)
    lb = np.zeros(nvar)
    ub = np.ones(nvar)
    for i in pub:
        cost[zpos[i]] = kosten(verbund, verbund.zellen[comp[i]])
    forced = {loc[verbund.index[z]] for z, _ in bloecke if verbund.oeffentlich[verbund.index[z]]}
    for i in forced:
        lb[zpos[i]] = 1.0

    blocks_A = []          # A·y = 0 per perturbation
    link_r, link_c, link_v, link_lo, link_hi = [], [], [], [], []
    row = 0
    for b, (zelle, anf) in enumerate(bloecke):
        M = float(anf.breite)
        for d in range(2):
            off = nz + (2 * b + d) * n
            blocks_A.append((off, Ac))
            for i in range(n):
                j = off + i
                down = min(spiel[i], M)
                if i in zpos:          # y ≤ M z and y ≥ −down z
                    lb[j], ub[j] = -down, M
                    link_r += [row, row]
                    link_c += [j, zpos[i]]
                    link_v += [1.0, -M]
                    link_lo.append(-np.inf)
                    link_hi.append(0.0)
                    row += 1
                    link_r += [row, row]
                    link_c += [j, zpos[i]]
                    link_v += [1.0, down]
                    link_lo.append(0.0)
                    link_hi.append(np.inf)
                    row += 1
                else:                  # hidden cell: always unknown
                    lb[j], ub[j] = -down, M
        p = loc[verbund.index[zelle]]
        up, dn = nz + 2 * b * n + p, nz + (2 * b + 1) * n + p
        link_r += [row, row]
        link_c += [up, dn]
        link_v += [1.0, -1.0]
        if p in zpos:                  # width only needed where the cell is suppressed
            link_r.append(row)
            link_c.append(zpos[p])
            link_v.append(-M)
            link_lo.append(0.0)
        else:
            link_lo.append(M)
        link_hi.append(np.inf)
        row += 1

    eq_blocks = sparse.block_diag([Ac] * nb, format="csr") if nb else None
    eq = sparse.hstack([sparse.csr_array((m * nb, nz)), eq_blocks], format="csr")
    link = sparse.csr_array((link_v, (link_r, link_c)), shape=(row, nvar))
    constraints = [LinearConstraint(eq, np.zeros(m * nb), np.zeros(m * nb)),
                   LinearConstraint(link, np.array(link_lo), np.array(link_hi))]
    integrality = np.zeros(nvar)
    integrality[:nz] = 1
    res = milp(cost, integrality=integrality, bounds=Bounds(lb, ub), constraints=constraints,
               options={"time_limit": zeitlimit, "mip_rel_gap": 1e-6})
    if res.x is None:
        # No solution within the time limit: suppress every published cell of the group
        # (always safe); the audit still runs on the result.
        return {verbund.zellen[comp[i]] for i in pub}
    zsol = res.x[:nz]
    return {verbund.zellen[comp[i]] for i in pub if zsol[zpos[i]] > 0.5}

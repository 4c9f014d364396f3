"""Who may see what: sign-in with Streamlit's OIDC (`st.login`) and roles from secrets.

Without a secrets file (or one with neither `[auth]` nor `[rollen]`) the dashboard runs for
one local user with the role `steuerung` and says so; the shipped `.streamlit/config.toml`
binds the server to 127.0.0.1 for that. With `[auth]`, users sign in; `[rollen]` maps stable
subject ids (`[rollen.subjekte]`, claim `sub`), verified e-mail addresses
(`[rollen.personen]`, only with `email_verified = true`) or groups from a claim of the
identity token (`[rollen.gruppen]`, claim name `gruppen_claim`, default "groups") to roles
(see README, „Anmeldung und Rollen“).

Fail closed: a secrets file that cannot be read, or an `[auth]` section that is empty or
lacks a setting Streamlit's sign-in needs, stops the app with a German error page
(`konfig_pruefen`) — never local mode, never a role.

Navigation lists only the pages of the user's role (biwaq.app.registry); every other page is
registered hidden under its own address with a body that only shows a refusal.
"""
from __future__ import annotations

import logging
import re
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from biwaq.app import registry
from biwaq.app.registry import ROLLEN, PageSpec

ROLLEN_NAMEN = {"steuerung": "Steuerungsrunde", "wirtschaft": "Wirtschaftsförderung",
                "oeffentlich": "Öffentliche Zahlen"}


@dataclass(frozen=True)
class Nutzer:
    rolle: str | None          # None: not signed in, or signed in without a role
    name: str
    angemeldet: bool
    lokal: bool                # no sign-in configured: one local user


LOKAL = Nutzer("steuerung", "Lokale Nutzung", True, True)


def rolle_fuer(user: Mapping, konfig: Mapping) -> str | None:
    """The role of a signed-in user (claims of the ID token as a mapping).

    Order: an entry for the stable subject id `sub` (`konfig["subjekte"]`); an entry for the
    e-mail address (`konfig["personen"]`), only if the provider states
    `email_verified is True` — a missing claim is *not* verified (multi-tenant providers let
    anyone set any address, see OpenID Connect Core 1.0 §5.7); otherwise the most
    privileged role of the user's groups; otherwise `standard`; else None (no access)."""
    sub = str(user.get("sub") or "").strip()
    subjekte = {str(k).strip(): v for k, v in (konfig.get("subjekte") or {}).items()}
    if sub and subjekte.get(sub) in ROLLEN:
        return subjekte[sub]
    email = str(user.get("email") or "").strip().lower()
    if email and user.get("email_verified") is True:
        personen = {str(k).strip().lower(): v for k, v in (konfig.get("personen") or {}).items()}
        if personen.get(email) in ROLLEN:
            return personen[email]
    gruppen = user.get(konfig.get("gruppen_claim") or "groups") or []
    if isinstance(gruppen, str):
        gruppen = [gruppen]
    zuordnung = konfig.get("gruppen") or {}
    treffer = [zuordnung.get(str(g)) for g in gruppen]
    treffer = [r for r in treffer if r in ROLLEN]
    if treffer:
        return min(treffer, key=ROLLEN.index)
    standard = konfig.get("standard")
    return standard if standard in ROLLEN else None


def _plain(x):
    if isinstance(x, Mapping):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    return x


# --- Configuration, checked before anything is shown -----------------------------------------

AUTH_PFLICHT = ("redirect_uri", "cookie_secret")
ANBIETER_PFLICHT = ("client_id", "client_secret", "server_metadata_url")
_log = logging.getLogger("biwaq.app.auth")


@dataclass(frozen=True)
class Konfig:
    """The secrets as plain dicts, and what is wrong with them (German, for the error page).
    `lokal` is True only when no sign-in is configured at all."""
    geheim: dict
    probleme: tuple[str, ...]

    @property
    def lokal(self) -> bool:
        return not self.probleme and not self.geheim.get("auth") and "rollen" not in self.geheim


def _secret_dateien() -> list[Path]:
    from streamlit import config
    return [Path(p) for p in (config.get_option("secrets.files") or [])]


def _lesefehler() -> list[str]:
    """Secrets files that exist but cannot be parsed as TOML (with line and column)."""
    probleme = []
    for pfad in _secret_dateien():
        if pfad.is_file():
            try:
                tomllib.loads(pfad.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as e:
                wo = re.search(r"line (\d+), column (\d+)", str(e))
                stelle = f" (Zeile {wo[1]}, Spalte {wo[2]})" if wo else ""
                probleme.append(f"Die Datei mit den Zugangsdaten ({pfad.name}) lässt sich nicht "
                                f"lesen: Schreibfehler{stelle}, z. B. ein nicht geschlossenes "
                                "Anführungszeichen.")
            except (UnicodeDecodeError, OSError):
                probleme.append(f"Die Datei mit den Zugangsdaten ({pfad.name}) lässt sich nicht "
                                "lesen (keine UTF-8-Textdatei oder keine Leserechte).")
    return probleme


def _fehlende(abschnitt: Mapping, namen: tuple[str, ...], wo: str) -> list[str]:
    return [f"Im Abschnitt [{wo}] fehlt „{n}“ (oder ist leer)." for n in namen
            if not str(abschnitt.get(n) or "").strip()]


def konfig_pruefen(geheim: Mapping | None = None) -> Konfig:
    """Read the secrets and check the sign-in settings.

    Problems (each a German sentence): an existing secrets file that is not valid TOML; an
    `[auth]` section that is not a table, is empty, or lacks `redirect_uri`, `cookie_secret`
    or — at its top level or, with `[rollen] anbieter = NAME`, in `[auth.NAME]` —
    `client_id`, `client_secret`, `server_metadata_url`; a `[rollen]` section without
    `[auth]`. Source of the required keys: Streamlit's `st.login` documentation."""
    if geheim is None:
        try:
            geheim = _plain(st.secrets)
        except Exception:   # no file at all, or one Streamlit cannot parse
            geheim = {}
            fehler = _lesefehler()
            if fehler:
                return Konfig({}, tuple(fehler))
    geheim = dict(geheim)
    probleme: list[str] = []
    if "auth" in geheim:
        auth = geheim["auth"]
        if not isinstance(auth, Mapping) or not auth:
            probleme.append("Der Abschnitt [auth] für die Anmeldung ist leer.")
        else:
            probleme += _fehlende(auth, AUTH_PFLICHT, "auth")
            rollen = geheim.get("rollen") if isinstance(geheim.get("rollen"), Mapping) else {}
            anbieter = str(rollen.get("anbieter") or "").strip()
            if anbieter:
                teil = auth.get(anbieter)
                probleme += _fehlende(teil if isinstance(teil, Mapping) else {},
                                      ANBIETER_PFLICHT, f"auth.{anbieter}")
            else:
                probleme += _fehlende(auth, ANBIETER_PFLICHT, "auth")
    elif "rollen" in geheim:
        probleme.append("Es gibt Rollen ([rollen]), aber keinen Abschnitt [auth] für die "
                        "Anmeldung.")
    return Konfig(geheim, tuple(probleme))


def _secrets() -> dict:
    return konfig_pruefen().geheim


def anmeldung_konfiguriert() -> bool:
    return not konfig_pruefen().lokal


def _woertlich(text: str) -> str:
    """Markdown that shows `text` as written: setting names such as client_id or
    cookie_secret keep their underscores instead of turning into italics."""
    return re.sub(r"([\\`*_])", r"\\\1", text)


def fehlerseite(konfig: Konfig) -> None:
    """Stop the app with a German error page naming the problems (no data, no navigation)."""
    _log.error("Anmeldung falsch eingerichtet, das Dashboard zeigt nichts: %s",
               " ".join(konfig.probleme))
    st.title("BIWAQ Erfurt – Dashboard")
    st.error("Die Anmeldung ist falsch eingerichtet. Deshalb zeigt das Dashboard keine Daten, "
             "bis das behoben ist.", icon=":material/lock:")
    st.markdown("\n".join(f"- {_woertlich(p)}" for p in konfig.probleme))
    st.caption("Bitte wenden Sie sich an die Stelle, die das Dashboard betreibt.")
    st.stop()


def lokal_warnung() -> None:
    """Once per process: a warning on stderr that nobody is asked to sign in."""
    global _gewarnt
    if not _gewarnt:
        _gewarnt = True
        print("WARNUNG: BIWAQ-Dashboard ohne Anmeldung (lokale Nutzung, Rolle "
              "Steuerungsrunde). Nur auf dem eigenen Rechner betreiben (server.address = "
              "127.0.0.1); für ein Netz erst die Anmeldung einrichten (README, „Anmeldung und "
              "Rollen“).", file=sys.stderr)


_gewarnt = False


LOOPBACK = ("127.0.0.1", "localhost", "::1")
# Headers a reverse proxy adds: a request that carries one came through another machine's
# (or this machine's) proxy, i.e. possibly from the network.
WEITERLEITUNG = ("x-forwarded-for", "x-forwarded-host", "x-real-ip", "forwarded")


def netz_adresse() -> str | None:
    """The configured `server.address` unless it is this machine only, else None.

    Unset (Streamlit's default: every network interface) counts as open to the network and
    is returned as "(nicht festgelegt)": fail closed, local mode needs an explicit loopback
    address (source: Streamlit's `server.address` option, default all interfaces)."""
    from streamlit import config
    adresse = str(config.get_option("server.address") or "").strip()
    if not adresse:
        return "(nicht festgelegt)"
    return adresse if adresse not in LOOPBACK else None


def _host(wert: str) -> str:
    """Host part of a Host header value: "[::1]:8501" -> "::1", "localhost:80" -> "localhost"."""
    wert = wert.strip().lower()
    if wert.startswith("["):
        return wert[1:wert.find("]")] if "]" in wert else wert
    return wert.rsplit(":", 1)[0] if wert.count(":") == 1 else wert


def netz_anfrage(kopf: Mapping[str, str] | None = None) -> str | None:
    """Why the current request may come from the network, or None if it came from this
    machine: a Host header that is not a loopback name, or a header a reverse proxy adds
    (WEITERLEITUNG). kopf: the request headers (default `st.context.headers`; empty in
    AppTest). Returns a German reason for the error page."""
    if kopf is None:
        try:
            kopf = dict(st.context.headers or {})
        except Exception:   # noqa: BLE001 - no request context (bare script): nothing to judge
            kopf = {}
    kopf = {str(k).lower(): str(v) for k, v in kopf.items()}
    weiter = [k for k in WEITERLEITUNG if k in kopf]
    if weiter:
        return "Die Anfrage kam über einen Proxy (Kopfzeile " + ", ".join(weiter) + ")."
    host = _host(kopf.get("host", ""))
    if host and host not in LOOPBACK:
        return f"Die Seite wurde über die Adresse „{host}“ aufgerufen (nicht über localhost)."
    return None


def aktueller_nutzer() -> Nutzer:
    """The current user. Stops the script with `fehlerseite` if sign-in is misconfigured, or
    if local mode (no sign-in) may be reached from a network: `server.address` unset or not
    loopback (`netz_adresse`), or the request came by another host name or a proxy
    (`netz_anfrage`)."""
    konfig = konfig_pruefen()
    if konfig.probleme:
        fehlerseite(konfig)
    if konfig.lokal:
        adresse, anfrage = netz_adresse(), netz_anfrage()
        if adresse or anfrage:
            grund = (f"Der Server ist für ein Netz geöffnet (server.address = {adresse})"
                     if adresse else anfrage.rstrip("."))
            fehlerseite(Konfig(konfig.geheim, (
                f"{grund}, aber es ist keine Anmeldung eingerichtet. Ohne Anmeldung läuft das "
                "Dashboard nur auf diesem Rechner (server.address = 127.0.0.1, Aufruf über "
                "localhost).",)))
        lokal_warnung()
        return LOKAL
    if not st.user.is_logged_in:
        return Nutzer(None, "", False, False)
    user = _plain(st.user.to_dict())
    name = str(user.get("name") or user.get("email") or "angemeldet")
    return Nutzer(rolle_fuer(user, konfig.geheim.get("rollen") or {}), name, True, False)


# --- Navigation ------------------------------------------------------------------------------

def erlaubt(spec: PageSpec, rolle: str | None) -> bool:
    return rolle is not None and rolle in spec.roles


def _verweigert(spec: PageSpec, nutzer: Nutzer):
    def verweigert() -> None:
        st.title(spec.title)
        if not nutzer.angemeldet:
            st.info("Bitte melden Sie sich an, um diese Seite zu sehen.", icon=":material/login:")
            _anmelde_knopf(f"login_{spec.url}")
            return
        rolle = ROLLEN_NAMEN.get(nutzer.rolle, "keine")
        st.error(f"Kein Zugriff: Diese Seite ist für Ihre Rolle ({rolle}) nicht freigegeben. "
                 "Wenden Sie sich an die Projektleitung, wenn Sie sie brauchen.",
                 icon=":material/block:")
    verweigert.__name__ = f"verweigert_{spec.url.replace('-', '_')}"
    return verweigert


def _anmelde_knopf(key: str) -> None:
    anbieter = (_secrets().get("rollen") or {}).get("anbieter")
    if st.button("Anmelden", key=key, icon=":material/login:", type="primary"):
        st.login(anbieter) if anbieter else st.login()


def _startseite(nutzer: Nutzer):
    def start() -> None:
        st.title("BIWAQ Erfurt – Dashboard")
        if not nutzer.angemeldet:
            st.markdown("Das Dashboard zeigt Zahlen aus dem Projekt BIWAQ Erfurt. Bitte melden "
                        "Sie sich mit Ihrem Konto an.")
            _anmelde_knopf("login_start")
        else:
            st.warning("Ihr Konto hat noch keine Rolle für dieses Dashboard. Wenden Sie sich an "
                       "die Projektleitung.", icon=":material/person_off:")
    return start


def seiten(nutzer: Nutzer, root: Path, pages: tuple[PageSpec, ...] | None = None
           ) -> list[tuple[str, object]]:
    """(section, st.Page) for every registered page: the role's pages visible, all others
    hidden with a refusal, so a direct URL never runs a forbidden page's script."""
    pages = registry.PAGES if pages is None else pages
    eigene = [p for p in pages if erlaubt(p, nutzer.rolle)]
    start = next((p for p in eigene if p.default), eigene[0] if eigene else None)
    out: list[tuple[str, object]] = []
    if start is None:
        out.append(("", st.Page(_startseite(nutzer), title="Start", icon=":material/login:",
                                url_path="start", default=True)))
    for p in pages:
        if p is start:
            # Streamlit gives the default page the address "/" and finds no page under its
            # own name ("/uebersicht" showed "Page not found"): the page itself gets an
            # internal name, and its name leads to "/" through a hidden page.
            page = st.Page(str(root / p.path), title=p.title, icon=p.icon,
                           url_path=STARTSEITE_INTERN, default=True)
            out.append((p.section, st.Page(_weiter_zu(page), title=p.title, icon=p.icon,
                                           url_path=p.url, visibility="hidden")))
        elif erlaubt(p, nutzer.rolle):
            page = st.Page(str(root / p.path), title=p.title, icon=p.icon, url_path=p.url)
        else:
            page = st.Page(_verweigert(p, nutzer), title=p.title, icon=p.icon,
                           url_path=p.url, visibility="hidden")
        out.append((p.section, page))
    return out


STARTSEITE_INTERN = "startseite"    # internal name of the start page (its address is "/")


def _weiter_zu(ziel):
    def weiter() -> None:
        st.switch_page(ziel)
    weiter.__name__ = f"weiter_zu_{ziel.title}"
    return weiter


def navigation(nutzer: Nutzer, root: Path):
    """st.navigation grouped by the registry's sections (hidden pages are not listed)."""
    sections: dict[str, list] = {}
    for section, page in seiten(nutzer, root):
        sections.setdefault(section, []).append(page)
    order = [s for s in ("", *registry.SECTIONS) if s in sections]
    order += [s for s in sections if s not in order]
    return st.navigation({s: sections[s] for s in order})


def seitenleiste(nutzer: Nutzer) -> None:
    """Who is signed in, with which role; sign-out; or the note on local use."""
    with st.sidebar:
        if nutzer.lokal:
            st.caption("Lokale Nutzung ohne Anmeldung: Sie sehen alle Daten – nur auf dem "
                       "eigenen Rechner, andere Geräte erreichen dieses Dashboard nicht.")
        elif nutzer.angemeldet:
            st.caption(f"Angemeldet: {nutzer.name} · Rolle: "
                       f"{ROLLEN_NAMEN.get(nutzer.rolle, 'keine')}")
            if st.button("Abmelden", key="auth_logout", icon=":material/logout:"):
                st.logout()

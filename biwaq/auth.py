"""Who may see what: sign-in with Streamlit's OIDC (`st.login`) and roles from secrets.

Without an `[auth]` section in the secrets the dashboard runs for one local user with the
role `steuerung` and says so. With it, users sign in; `[rollen]` maps e-mail addresses
(`[rollen.personen]`) or groups from a claim of the identity token (`[rollen.gruppen]`,
claim name `gruppen_claim`, default "groups") to roles (see README, „Anmeldung und Rollen“).
Navigation lists only the pages of the user's role (biwaq.registry); every other page is
registered hidden under its own address with a body that only shows a refusal.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from biwaq import registry
from biwaq.registry import ROLLEN, PageSpec

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
    """The role of a signed-in user. An entry for the (verified) e-mail address wins;
    otherwise the most privileged role of the user's groups; otherwise `standard`."""
    email = str(user.get("email") or "").strip().lower()
    if email and user.get("email_verified", True) is not False:
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


def _secrets() -> dict:
    try:
        return _plain(st.secrets)
    except Exception:        # no secrets.toml at all (StreamlitSecretNotFoundError)
        return {}


def anmeldung_konfiguriert() -> bool:
    return bool(_secrets().get("auth"))


def aktueller_nutzer() -> Nutzer:
    geheim = _secrets()
    if not geheim.get("auth"):
        return LOKAL
    if not st.user.is_logged_in:
        return Nutzer(None, "", False, False)
    user = _plain(st.user.to_dict())
    name = str(user.get("name") or user.get("email") or "angemeldet")
    return Nutzer(rolle_fuer(user, geheim.get("rollen") or {}), name, True, False)


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
        if erlaubt(p, nutzer.rolle):
            page = st.Page(str(root / p.path), title=p.title, icon=p.icon, url_path=p.url,
                           default=p is start)
        else:
            page = st.Page(_verweigert(p, nutzer), title=p.title, icon=p.icon,
                           url_path=p.url, visibility="hidden")
        out.append((p.section, page))
    return out


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
            st.caption("Lokale Nutzung ohne Anmeldung: Sie sehen alles (Rolle "
                       "„Steuerungsrunde“). Anmeldung und Rollen einrichten: siehe README.")
        elif nutzer.angemeldet:
            st.caption(f"Angemeldet: {nutzer.name} · Rolle: "
                       f"{ROLLEN_NAMEN.get(nutzer.rolle, 'keine')}")
            if st.button("Abmelden", key="auth_logout", icon=":material/logout:"):
                st.logout()

"""Roles: each role sees exactly its pages (from the registry), forbidden URLs are refused;
sign-in configuration; the internal page „Öffentliche Zahlen“."""
from __future__ import annotations

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from biwaq import auth, published, registry
from biwaq.registry import PAGES, ROLLEN
from conftest import ROOT

AUTH = {"client_id": "biwaq", "client_secret": "geheim",
        "redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "keks",
        "server_metadata_url": "https://login.example.invalid/.well-known/openid-configuration"}
ROLLEN_SECRETS = {
    "personen": {"Leitung@KIK-Erfurt.de": "steuerung", "wifoe@erfurt.de": "wirtschaft",
                 "konferenz@suedost.de": "oeffentlich"},
    "gruppen_claim": "groups",
    "gruppen": {"biwaq-steuerung": "steuerung", "wifoe": "wirtschaft"},
}
EMAIL = {"steuerung": "leitung@kik-erfurt.de", "wirtschaft": "wifoe@erfurt.de",
         "oeffentlich": "konferenz@suedost.de"}


# --- Mapping users to roles --------------------------------------------------------------

def test_role_from_email_group_or_default():
    k = ROLLEN_SECRETS
    assert auth.rolle_fuer({"email": "LEITUNG@kik-erfurt.de "}, k) == "steuerung"
    # Groups: the most privileged role wins.
    assert auth.rolle_fuer({"email": "x@y.de", "groups": ["wifoe", "biwaq-steuerung"]},
                           k) == "steuerung"
    assert auth.rolle_fuer({"email": "x@y.de", "groups": "wifoe"}, k) == "wirtschaft"
    # A personal entry wins over groups (it may also grant less).
    assert auth.rolle_fuer({"email": "konferenz@suedost.de", "groups": ["wifoe"]},
                           k) == "oeffentlich"
    # An unverified e-mail address is not trusted; nothing matches -> no role.
    assert auth.rolle_fuer({"email": "leitung@kik-erfurt.de", "email_verified": False},
                           k) is None
    assert auth.rolle_fuer({"email": "fremd@example.org"}, k) is None
    assert auth.rolle_fuer({"email": "fremd@example.org"},
                           {**k, "standard": "oeffentlich"}) == "oeffentlich"
    assert auth.rolle_fuer({"roles": ["wifoe"]}, {**k, "gruppen_claim": "roles"}) == "wirtschaft"
    assert auth.rolle_fuer({"email": "x@y.de"}, {"standard": "admin"}) is None   # not a role


# --- AppTest per role ------------------------------------------------------------------------

@pytest.fixture
def nav_spy(monkeypatch):
    """Records the pages the dashboard passes to st.navigation (visible and hidden)."""
    class Calls(list):
        bodies: list

    calls, bodies = Calls(), []
    calls.bodies = bodies
    real = streamlit.navigation

    def spy(pages, *a, **kw):
        flat = [p for ps in (pages.values() if isinstance(pages, dict) else [pages])
                for p in ps]
        calls.append({p._url_path: p.visibility for p in flat})
        bodies.append({p._url_path: p._page for p in flat})
        return real(pages, *a, **kw)

    monkeypatch.setattr(streamlit, "navigation", spy)
    return calls


def app(rolle: str | None, logged_in: bool = True) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.secrets = {"auth": AUTH, "rollen": ROLLEN_SECRETS}
    at.user = ({"is_logged_in": True, "email": EMAIL.get(rolle, "fremd@example.org"),
                "name": f"Test {rolle}"} if logged_in else {"is_logged_in": False})
    return at


def open_url(at: AppTest, url: str) -> AppTest:
    """Open a page by its URL path, as a browser's direct link does (after one run, the
    registered pages are known by their url_pathname)."""
    page_hash = next(h for h, info in at._registered_pages.items()
                     if info.get("url_pathname") == url)
    at._page_hash = page_hash
    return at.run()


@pytest.mark.parametrize("rolle", ROLLEN)
def test_each_role_sees_exactly_its_pages_and_forbidden_urls_are_refused(
        rolle, demo_env, nav_spy, monkeypatch, tmp_path):
    monkeypatch.setenv("BIWAQ_OEFFENTLICH_DIR", str(tmp_path / "leer"))
    at = app(rolle).run()
    assert not at.exception
    listed = {u for u, vis in nav_spy[-1].items() if vis == "visible"}
    assert listed == {s.url for s in registry.PAGES if rolle in s.roles}
    sidebar = " ".join(c.value for c in at.sidebar.caption)
    assert f"Rolle: {auth.ROLLEN_NAMEN[rolle]}" in sidebar
    verboten = [s for s in registry.PAGES if rolle not in s.roles]
    if rolle == "steuerung":
        assert not verboten
    for spec in registry.PAGES:       # a forbidden page is a refusal function, not the file
        body = nav_spy.bodies[-1][spec.url]
        assert (rolle in spec.roles) == (str(body) == str(ROOT / spec.path))
    for spec in verboten:
        open_url(at, spec.url)
        assert not at.exception
        assert at.title[0].value == spec.title
        assert any("Kein Zugriff" in e.value for e in at.error)
        # Nothing of the page's data: no figures, tables or charts in the main area.
        assert not at.main.metric and not at.main.dataframe
        assert not [el for el in at.main if type(el).__name__ == "PlotlyChart"]


def test_signed_out_user_sees_login_only_and_no_data(demo_env, nav_spy):
    at = app(None, logged_in=False).run()
    assert not at.exception
    assert {u for u, v in nav_spy[-1].items() if v == "visible"} == {"start"}
    assert any(b.label == "Anmelden" for b in at.button)
    assert not at.sidebar.selectbox                   # no filters before sign-in
    for spec in registry.PAGES:
        open_url(at, spec.url)
        assert any("Bitte melden Sie sich an" in i.value for i in at.info)
        assert not at.main.metric and not at.main.dataframe


def test_signed_in_without_role_is_told_so(demo_env, nav_spy):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.secrets = {"auth": AUTH, "rollen": ROLLEN_SECRETS}
    at.user = {"is_logged_in": True, "email": "fremd@example.org", "name": "Fremd"}
    at.run()
    assert not at.exception
    assert any("keine Rolle" in w.value for w in at.warning)
    assert {u for u, v in nav_spy[-1].items() if v == "visible"} == {"start"}


def test_without_sign_in_configuration_one_local_user_sees_everything(demo_env, nav_spy):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    assert not at.exception
    assert {u for u, v in nav_spy[-1].items() if v == "visible"} == {s.url for s in PAGES}
    assert any("Lokale Nutzung ohne Anmeldung" in c.value for c in at.sidebar.caption)
    assert at.sidebar.selectbox(key="filter_quartier")       # shared filters still there


# --- The internal page „Öffentliche Zahlen“ ---------------------------------------------------

def test_internal_public_figures_page_follows_the_quartier_filter(demo_env, monkeypatch,
                                                                  tmp_path):
    from biwaq import publish

    pub = tmp_path / "oeffentlich"
    v = publish.publish(demo_env, pub)        # the page compares with the published directory
    monkeypatch.setenv("BIWAQ_OEFFENTLICH_DIR", str(pub))
    d = published.laden(pub)
    at = app("oeffentlich").run()             # the only page of this role: its start page
    assert not at.exception
    assert at.title[0].value == "Öffentliche Zahlen"
    werte = {m.label: m.value for m in at.metric}
    I = published.INSGESAMT
    assert werte["Menschen im Projekt"] == published.zahl(
        d.wert("teilnehmende", quartier=I, zielgruppe=I, jahr=I))
    assert any("denselben Datenstand" in c.value for c in at.caption)

    at.selectbox(key="filter_quartier").set_value("Süd-Ost").run()
    assert not at.exception
    werte = {m.label: m.value for m in at.metric}
    assert werte["Menschen im Projekt"] == published.zahl(
        d.wert("teilnehmende", quartier="Süd-Ost", zielgruppe=I, jahr=I))
    assert werte["Betriebe beraten"] == published.zahl(
        d.wert("betriebe_beraten", quartier="Süd-Ost"))
    # Re-let vacancies in Süd-Ost: a sum over its districts, `*` as soon as one is suppressed.
    teile = [d.wert("leerstaende_wiederbelegt", stadtteil=s, jahr=I)
             for s in ("Herrenberg", "Wiesenhügel", "Melchendorf")]
    erwartet = "*" if None in teile else published.zahl(sum(teile))
    assert werte["Leerstände wieder genutzt"] == erwartet
    assert "Quartier: Süd-Ost" in " ".join(c.value for c in at.caption)
    assert v.manifest["pruefung"]["bestanden"]

    at.date_input(key="filter_zeitraum").set_value(
        (__import__("datetime").date(2017, 1, 1), __import__("datetime").date(2017, 12, 31)))
    at.run()
    werte = {m.label: m.value for m in at.metric}
    assert werte["Menschen im Projekt"] == published.zahl(
        d.wert("teilnehmende", quartier="Süd-Ost", zielgruppe=I, jahr="2017"))


@pytest.mark.browser
def test_internal_public_figures_page_in_browser(demo_server, page):
    from browser import metric_value, screenshot, wait_for_app

    from biwaq import publish

    v = publish.erstellen(publish.lesen(demo_server.db))
    d = published.Oeffentlich(v.manifest, v.tabellen, v.orte)
    I = published.INSGESAMT
    page.goto(demo_server.url + "/oeffentliche-zahlen")
    wait_for_app(page, timeout=120_000)
    page.wait_for_selector('[data-testid="stMetric"]', timeout=120_000)
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("h1").first.inner_text().strip() == "Öffentliche Zahlen"
    assert metric_value(page, "Arbeit gefunden") == published.zahl(
        d.wert("eintritte_vermittlungen", kennzahl="Vermittlungen", quartier=I, jahr=I))
    # Listed in the navigation under its section.
    assert page.locator('[data-testid="stSidebarNav"]').get_by_text("Öffentliche Zahlen").count()
    screenshot(page, "oeffentliche_zahlen_intern")

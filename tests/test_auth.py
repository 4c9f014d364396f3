"""Roles: each role sees exactly its pages (from the registry), forbidden URLs are refused;
sign-in configuration; the internal page „Öffentliche Zahlen“."""
from __future__ import annotations

import re

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from biwaq.app import auth, registry
from biwaq.oeffentlich import published
from biwaq.oeffentlich.published import ARBEIT
from biwaq.app.registry import PAGES, ROLLEN
from conftest import ROOT


def _gezeigt(at) -> str:
    """The error boxes' and Markdown texts as a reader sees them (Markdown escapes removed).
    The raw Markdown must escape every underscore, or cookie_secret shows as cookie*secret*."""
    roh = " ".join(m.value for m in at.markdown)
    assert not re.search(r"(?<!\\)_", roh), roh
    return (" ".join(e.value for e in at.error) + " "
            + re.sub(r"\\([\\`*_])", r"\1", roh))


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
    assert auth.rolle_fuer({"email": "LEITUNG@kik-erfurt.de ", "email_verified": True},
                           k) == "steuerung"
    # Groups: the most privileged role wins.
    assert auth.rolle_fuer({"email": "x@y.de", "groups": ["wifoe", "biwaq-steuerung"]},
                           k) == "steuerung"
    assert auth.rolle_fuer({"email": "x@y.de", "groups": "wifoe"}, k) == "wirtschaft"
    # A personal entry wins over groups (it may also grant less).
    assert auth.rolle_fuer({"email": "konferenz@suedost.de", "email_verified": True,
                            "groups": ["wifoe"]}, k) == "oeffentlich"
    # An unverified e-mail address is not trusted; nothing matches -> no role.
    assert auth.rolle_fuer({"email": "leitung@kik-erfurt.de", "email_verified": False},
                           k) is None
    assert auth.rolle_fuer({"email": "fremd@example.org"}, k) is None
    assert auth.rolle_fuer({"email": "fremd@example.org"},
                           {**k, "standard": "oeffentlich"}) == "oeffentlich"
    assert auth.rolle_fuer({"roles": ["wifoe"]}, {**k, "gruppen_claim": "roles"}) == "wirtschaft"
    assert auth.rolle_fuer({"email": "x@y.de"}, {"standard": "admin"}) is None   # not a role


def test_missing_email_verified_claim_is_not_verified():
    """Issue 13.4: without `email_verified` (or with a truthy non-True value) the e-mail
    address maps to nothing; a stable subject id (`sub`) can be mapped instead."""
    k = {**ROLLEN_SECRETS, "subjekte": {"00u1abcd": "wirtschaft"}}
    assert auth.rolle_fuer({"email": "leitung@kik-erfurt.de"}, k) is None
    assert auth.rolle_fuer({"email": "leitung@kik-erfurt.de", "email_verified": "true"},
                           k) is None
    assert auth.rolle_fuer({"email": "leitung@kik-erfurt.de", "email_verified": True},
                           k) == "steuerung"
    # The subject id wins over everything else, also over an unverified address.
    assert auth.rolle_fuer({"sub": "00u1abcd", "email": "leitung@kik-erfurt.de"},
                           k) == "wirtschaft"
    assert auth.rolle_fuer({"sub": "anderer"}, k) is None


# --- Sign-in fails closed ------------------------------------------------------------------

def _auth_ohne(*namen):
    return {k: v for k, v in AUTH.items() if k not in namen}


@pytest.mark.parametrize("geheim, erwartet", [
    ({"auth": {}}, "[auth] für die Anmeldung ist leer"),
    ({"auth": _auth_ohne("cookie_secret"), "rollen": ROLLEN_SECRETS}, "„cookie_secret“"),
    ({"auth": _auth_ohne("client_id", "redirect_uri")}, "„client_id“"),
    ({"auth": {**AUTH, "server_metadata_url": "  "}}, "„server_metadata_url“"),
    ({"auth": _auth_ohne("client_id", "client_secret", "server_metadata_url"),
      "rollen": {**ROLLEN_SECRETS, "anbieter": "microsoft"}}, "[auth.microsoft]"),
    ({"rollen": ROLLEN_SECRETS}, "keinen Abschnitt [auth]"),
])
def test_incomplete_sign_in_settings_stop_the_app(geheim, erwartet, demo_env, nav_spy):
    """Issue 13.1/13.3: an empty or incomplete [auth] never gives local mode or a role; the
    problem is named in German at the first run, before any „Anmelden“ button."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.secrets = geheim
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    fehler = _gezeigt(at)
    assert "Die Anmeldung ist falsch eingerichtet" in fehler
    assert erwartet in fehler
    assert not nav_spy                        # no navigation: no page of any role runs
    assert not at.button and not at.sidebar.selectbox
    assert not at.metric and not at.dataframe
    assert not any("Lokale Nutzung" in c.value for c in at.sidebar.caption)


def test_complete_settings_with_named_provider_pass():
    k = auth.konfig_pruefen({"auth": {"redirect_uri": "https://x/oauth2callback",
                                      "cookie_secret": "k", "microsoft": {
                                          "client_id": "a", "client_secret": "b",
                                          "server_metadata_url": "https://m"}},
                             "rollen": {"anbieter": "microsoft"}})
    assert k.probleme == () and not k.lokal
    assert auth.konfig_pruefen({}).lokal
    assert auth.konfig_pruefen({"auth": AUTH}).probleme == ()


BROKEN_TOML = '[auth]\nclient_id = "biwaq\ncookie_secret = "keks"\n'


@pytest.fixture
def broken_secrets_file(tmp_path, monkeypatch):
    """A secrets.toml with an unterminated string, as the only secrets file Streamlit reads."""
    import streamlit as st
    from streamlit import config
    from streamlit.runtime.secrets import Secrets

    pfad = tmp_path / "secrets.toml"
    pfad.write_text(BROKEN_TOML, encoding="utf-8")
    alt = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(pfad)])
    monkeypatch.setattr(st, "secrets", Secrets())
    yield pfad
    config.set_option("secrets.files", alt)


def test_unreadable_secrets_file_stops_the_app(broken_secrets_file, demo_env, nav_spy):
    """Issue 13.1: today a TOML syntax error gave every visitor the role `steuerung`."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    assert not at.exception
    fehler = _gezeigt(at)
    assert "Die Anmeldung ist falsch eingerichtet" in fehler
    assert "secrets.toml" in fehler and "lässt sich nicht lesen" in fehler
    assert "Zeile 2, Spalte 19" in fehler and "line" not in fehler
    assert not nav_spy
    assert not at.sidebar.selectbox and not at.metric and not at.dataframe
    assert not any("Lokale Nutzung" in c.value for c in at.sidebar.caption)


@pytest.mark.browser
def test_broken_secrets_file_on_a_real_server_shows_only_the_error(demo_db, tmp_path,
                                                                    browser, page):
    """A real `streamlit run` with a broken .streamlit/secrets.toml in its working directory:
    a signed-out browser sees the German error page, no page content, on every address."""
    from browser import StreamlitServer, screenshot, wait_for_app

    import shutil as _sh
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(BROKEN_TOML, encoding="utf-8")
    db = tmp_path / "biwaq.duckdb"
    _sh.copy(demo_db, db)
    server = StreamlitServer("dashboard.py", env={"BIWAQ_DB": str(db)}, cwd=tmp_path)
    try:
        for adresse in ("/uebersicht", "/daten", ""):
            page.goto(server.url + adresse)
            wait_for_app(page, timeout=120_000)
            text = page.locator('[data-testid="stMain"]').inner_text()
            assert "Die Anmeldung ist falsch eingerichtet" in text
            assert "secrets.toml" in text
            assert "Traceback" not in text
            assert page.locator('[data-testid="stMetric"]').count() == 0
            assert page.locator('[data-testid="stDataFrame"]').count() == 0
            assert page.locator('[data-testid="stSidebarNav"]').count() == 0
            assert page.get_by_text("Lokale Nutzung").count() == 0
        screenshot(page, "anmeldung_fehlerseite")
    finally:
        server.stop()


def test_shipped_config_binds_local_mode_to_this_machine():
    """Issue 13.2: the shipped server configuration listens on 127.0.0.1 only."""
    import tomllib
    konfig = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert konfig["server"]["address"] == "127.0.0.1"


def _mit_adresse(adresse) -> AppTest:
    """The dashboard run once with Streamlit's `server.address` set to `adresse` (None:
    unset), the option restored afterwards."""
    from streamlit import config
    alt = config.get_option("server.address")
    config.set_option("server.address", adresse)
    try:
        return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    finally:
        config.set_option("server.address", alt)


@pytest.mark.parametrize("adresse", ["0.0.0.0", "192.168.1.20"])
def test_local_mode_opened_to_a_network_stops(adresse, demo_env, nav_spy):
    """Fail closed: without sign-in, an explicit network address shows only an error."""
    at = _mit_adresse(adresse)
    assert not at.exception
    text = _gezeigt(at)
    assert f"server.address = {adresse}" in text and "keine Anmeldung" in text
    assert not nav_spy and not at.metric and not at.sidebar.selectbox


def test_local_mode_warns_on_stderr(demo_env, capsys, monkeypatch):
    monkeypatch.setattr(auth, "_gewarnt", False)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    assert not at.exception
    assert "ohne Anmeldung" in capsys.readouterr().err
    assert any("nur auf dem eigenen Rechner" in c.value for c in at.sidebar.caption)


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
        # The start page is registered under an internal name; its own name is a hidden page
        # that leads to it (auth.seiten): record the start page under its own name.
        start = [p for p in flat if p._url_path == auth.STARTSEITE_INTERN]
        namen = {p._url_path: p._url_path for p in flat}
        for st_page in start:
            alias = next(p for p in flat if p.title == st_page.title and p is not st_page)
            namen = {alias._url_path: st_page._url_path,
                     **{k: v for k, v in namen.items()
                        if k not in (alias._url_path, st_page._url_path)}}
        seiten = {p._url_path: p for p in flat}
        calls.append({n: seiten[u].visibility for n, u in namen.items()})
        bodies.append({n: seiten[u]._page for n, u in namen.items()})
        return real(pages, *a, **kw)

    monkeypatch.setattr(streamlit, "navigation", spy)
    return calls


def als_rolle(rolle: str, seite: str | None = None, timeout: float = 300) -> AppTest:
    """The dashboard run as a signed-in user of this role (verified e-mail), then `seite`
    (a page file) opened, if given."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
    at.secrets = {"auth": AUTH, "rollen": ROLLEN_SECRETS}
    at.user = {"is_logged_in": True, "email": EMAIL[rolle], "email_verified": True,
               "name": f"Test {rolle}"}
    at.run()
    if seite:
        at.switch_page(seite).run()
    assert not at.exception, at.exception
    return at


def app(rolle: str | None, logged_in: bool = True) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.secrets = {"auth": AUTH, "rollen": ROLLEN_SECRETS}
    at.user = ({"is_logged_in": True, "email": EMAIL.get(rolle, "fremd@example.org"),
                "email_verified": True, "name": f"Test {rolle}"}
               if logged_in else {"is_logged_in": False})
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
    from biwaq.oeffentlich import publish

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
    assert any("Veröffentlichung Nr. 1" in c.value for c in at.caption)
    assert not [b for b in at.button if b.label == "Veröffentlichen"]   # steuerung only

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
    """Local mode (role steuerung): the page shows the last publication; „Veröffentlichen“
    writes a new revision with a progress note, and the page then shows it."""
    from browser import metric_value, screenshot, wait_for_app

    from biwaq.oeffentlich import publish

    out = demo_server.oeffentlich
    if not (out / "manifest.json").exists():
        publish.publish(demo_server.db, out)
    d = published.laden(out)
    I = published.INSGESAMT
    page.goto(demo_server.url + "/oeffentliche-zahlen")
    wait_for_app(page, timeout=120_000)
    page.wait_for_selector('[data-testid="stMetric"]', timeout=120_000)
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("h1").first.inner_text().strip() == "Öffentliche Zahlen"
    assert metric_value(page, "Arbeit gefunden") == published.zahl(
        d.wert("eintritte_vermittlungen", kennzahl=ARBEIT, quartier=I, jahr=I))
    assert page.get_by_text(f"Veröffentlichung Nr. {d.revision}").count() >= 1
    # Listed in the navigation under its section.
    assert page.locator('[data-testid="stSidebarNav"]').get_by_text("Öffentliche Zahlen").count()
    screenshot(page, "oeffentliche_zahlen_intern")

    page.get_by_role("button", name="Veröffentlichen").click()
    page.get_by_text(f"Veröffentlichung Nr. {d.revision + 1} ist erschienen").first.wait_for(
        timeout=300_000)
    assert published.laden(out).revision == d.revision + 1
    screenshot(page, "oeffentliche_zahlen_veroeffentlicht")


def test_local_mode_with_address_unset_stops(demo_env, nav_spy):
    """Fail closed (attacker test 29.11.2026): a copy without .streamlit/config.toml leaves
    server.address unset, and Streamlit then listens on every interface. Local mode must
    not show data then."""
    at = _mit_adresse(None)
    assert not at.exception
    text = _gezeigt(at)
    assert "server.address = (nicht festgelegt)" in text and "keine Anmeldung" in text
    assert not nav_spy and not at.metric and not at.sidebar.selectbox


@pytest.mark.parametrize("kopf, grund", [
    ({"Host": "127.0.0.1:8501"}, None),
    ({"Host": "localhost"}, None),
    ({"Host": "[::1]:8501"}, None),
    ({}, None),
    ({"Host": "192.0.2.2:8501"}, "„192.0.2.2“"),
    ({"Host": "dashboard.erfurt.de"}, "„dashboard.erfurt.de“"),
    ({"Host": "127.0.0.1:8501", "X-Forwarded-For": "198.51.100.7"}, "x-forwarded-for"),
    ({"host": "localhost", "Forwarded": "for=198.51.100.7"}, "forwarded"),
    ({"Host": "localhost", "X-Real-IP": "198.51.100.7"}, "x-real-ip"),
])
def test_request_from_network_is_recognised(kopf, grund):
    """A proxy on this machine forwarding to 127.0.0.1 passes the address check: the request
    headers show it (Host not loopback, or a proxy's forwarding header)."""
    ergebnis = auth.netz_anfrage(kopf)
    if grund is None:
        assert ergebnis is None
    else:
        assert ergebnis is not None and grund in ergebnis


@pytest.mark.browser
def test_local_mode_behind_proxy_stops_in_browser(demo_env, page):
    """Real browser: the same server on 127.0.0.1, reached with a proxy's forwarding header,
    shows only the error page (the websocket request carries the header)."""
    from browser import StreamlitServer, wait_for_app

    server = StreamlitServer("dashboard.py")
    try:
        page.set_extra_http_headers({"X-Forwarded-For": "198.51.100.7"})
        page.goto(server.url)
        wait_for_app(page)
        page.get_by_text("keine Anmeldung eingerichtet").first.wait_for(timeout=60_000)
        assert page.locator('[data-testid="stMetric"]').count() == 0
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    finally:
        server.stop()


@pytest.mark.parametrize("rolle", ROLLEN)
def test_sidebar_offers_only_filters_and_notes_that_apply_to_the_role(rolle, demo_env, nav_spy):
    """Attacker test 29.11.2026: roles wirtschaft and oeffentlich were told „Echte
    Projektdaten werden über den Datenimport geladen“ without a Daten page, and the public
    role was offered Träger and Zielgruppe filters its only page never applies."""
    at = app(rolle).run()
    assert not at.exception
    filter_namen = {s.label for s in at.sidebar.selectbox}
    hinweis = " ".join(w.value for w in at.warning if "Demodaten" in w.value)
    assert "Demodaten" in hinweis
    darf_importieren = any(s.url == "daten" and rolle in s.roles for s in registry.PAGES)
    assert ("Datenimport" in hinweis) == darf_importieren == (rolle == "steuerung")
    if rolle == "oeffentlich":
        assert filter_namen == {"Quartier"}
    else:
        assert {"Quartier", "Träger", "Zielgruppe"} <= filter_namen

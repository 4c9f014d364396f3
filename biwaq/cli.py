"""Command line: demo data, building the database (and later import, checks, publishing)."""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path


def cmd_demo(args) -> int:
    from biwaq.einlesen.demo import write_demo

    t0 = time.perf_counter()
    files = write_demo(Path(args.out), seed=args.seed, scale=args.scale)
    print(f"{len(files)} Dateien nach {args.out} geschrieben "
          f"(Seed {args.seed}, Faktor {args.scale}) in {time.perf_counter() - t0:.1f} s")
    return 0


def cmd_build(args) -> int:
    from biwaq.einlesen import geo
    from biwaq.speicher import store

    t0 = time.perf_counter()
    try:
        db = store.build(args.db, args.source, geodaten=args.geodaten)
    except store.ImportFehler as e:
        print(f"Aufbau abgebrochen, die Datenbank bleibt unverändert. "
              f"{len(e.fehler)} Fehler:", file=sys.stderr)
        for f in e.fehler:
            print("  " + _fehler_text(f), file=sys.stderr)
        return 1
    except geo.GeoFehler as e:
        print(f"Aufbau abgebrochen, die Datenbank bleibt unverändert. Geodaten: {e}",
              file=sys.stderr)
        return 1
    print(f"Datenbank {db} aufgebaut in {time.perf_counter() - t0:.1f} s")
    print_geo_hinweise(db)
    print_lage_bericht(db)
    return 0


def print_geo_hinweise(db) -> None:
    """Notes on the district geodata just loaded (re-read encoding, repaired outlines)."""
    from biwaq.speicher import store

    con = store.connect_readonly(db)
    try:
        hinweise = store.get_meta(con).get("geodaten_hinweise", "")
    finally:
        con.close()
    for h in filter(None, hinweise.split("\n")):
        print("Hinweis (Geodaten): " + h)


def print_lage_bericht(db) -> None:
    """Vacancy positions that do not fit the district outlines (never silently dropped)."""
    from biwaq.zahlen import oekonomie
    from biwaq.speicher import store
    from biwaq.speicher.queries import run_query

    con = store.connect_readonly(db)
    try:
        lage = run_query("oek_leerstand_lage", con)
        repariert = bool(store.get_meta(con).get("geodaten_hinweise"))
    finally:
        con.close()
    if lage.empty:
        return
    n = len(lage)
    pruefen = ("bitte zuerst die Hinweise zu den Geodaten oben prüfen – die Abweichung kann "
               "am Umriss liegen, sonst Koordinaten oder Stadtteil prüfen" if repariert else
               "bitte Koordinaten oder Stadtteil prüfen")
    print(f"Hinweis: {n} Leerstand passt nicht zu den Stadtteilumrissen" if n == 1 else
          f"Hinweis: {n} Leerstände passen nicht zu den Stadtteilumrissen",
          f"(bleiben in allen Zahlen; {pruefen}):")
    for zeile in oekonomie.lage_bericht_zeilen(lage):
        print("  " + zeile)


def cmd_publish(args) -> int:
    from biwaq.oeffentlich import publish, revisionen

    t0 = time.perf_counter()
    try:
        with _ohne_solver_ausgabe():
            v = publish.publish(args.db, args.out, args.threshold)
    except publish.PublishFehler as e:
        print(f"Veröffentlichung abgebrochen, nichts geschrieben. {e}", file=sys.stderr)
        return 1
    p = v.manifest["pruefung"]
    nummer = int(v.manifest["revision"])
    print(f"{len(v.tabellen)} Tabellen nach {args.out} geschrieben in "
          f"{time.perf_counter() - t0:.1f} s (Schwelle {args.threshold}; gesperrt: "
          f"{p['primaer']} primär, {p['sekundaer']} sekundär; Prüfung bestanden)")
    print(f"Veröffentlicht als Revision {nummer}: {Path(args.out) / 'manifest.json'} "
          f"(Kopie in {Path(args.out) / revisionen.REVISIONEN / f'{nummer:04d}'}; "
          f"interne Werte für spätere Prüfungen in "
          f"{revisionen.intern_verzeichnis(args.out) / f'{nummer:04d}.json'})")
    if args.handout:
        from biwaq.oeffentlich import handout, published

        Path(args.handout).write_bytes(handout.pdf(published.laden(args.out)))
        print(f"Handzettel {args.handout} geschrieben")
    return 0


@contextlib.contextmanager
def _ohne_solver_ausgabe():
    """HiGHS prints debug lines straight to the stdout file descriptor; keep the CLI quiet."""
    sys.stdout.flush()
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):   # captured stdout (tests): nothing to do
        yield
        return
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), fd)
            yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def cmd_handout(args) -> int:
    from biwaq.oeffentlich import handout, published

    try:
        daten = published.laden(args.dir)
    except published.NichtVeroeffentlicht as e:
        print(str(e), file=sys.stderr)
        return 1
    Path(args.out).write_bytes(handout.pdf(daten))
    print(f"Handzettel {args.out} geschrieben")
    return 0


def _dateien(args_dateien: list[str]) -> list[Path]:
    """Files as given; a folder stands for its contract and geodata files."""
    from biwaq.speicher import importer, store

    out: list[Path] = []
    for name in args_dateien:
        p = Path(name)
        if p.is_dir():
            out += sorted(f for f in p.iterdir() if f.suffix.lower() in
                          store.DATA_SUFFIXES + importer.GEO_SUFFIXES)
        else:
            out.append(p)
    return out


def cmd_import(args) -> int:
    import getpass

    from biwaq.speicher import importer

    t0 = time.perf_counter()
    demo = [d for d in args.dateien if (Path(d) / "DEMODATEN.txt").exists()]
    if demo:
        print(f"Import abgelehnt: {demo[0]} enthält Demodaten (DEMODATEN.txt). Demodaten werden "
              "nicht als echte Daten importiert; für die Demo-Datenbank: python -m biwaq build",
              file=sys.stderr)
        return 1
    eingaben = [importer.Eingabe.aus_pfad(p) for p in _dateien(args.dateien)]
    try:
        wer = getpass.getuser()
    except (KeyError, OSError):
        wer = "unbekannt"
    if args.probelauf:
        return _probelauf_ausgeben(importer.probelauf(eingaben, args.db,
                                                      demo_entfernen=args.demo_entfernen))
    erg = importer.importiere(eingaben, args.db, demo_entfernen=args.demo_entfernen, wer=wer)
    for w in erg.warnungen:
        print(f"  {w.art}: {w}", file=sys.stderr)     # Warnung or Hinweis (a value read)
    if not erg.ok:
        print(f"Import abgelehnt, die Datenbank bleibt unverändert. {len(erg.fehler)} Fehler:",
              file=sys.stderr)
        for f in erg.fehler:
            print("  " + _fehler_text(f), file=sys.stderr)
        return 1
    tabelle = erg.je_datei()
    print(tabelle.to_string(index=False))
    hinweis = " (Demodaten entfernt)" if erg.demo_entfernt else ""
    print(f"Import {erg.import_nr} gespeichert{hinweis}: {erg.eingefuegt} neu, "
          f"{erg.aktualisiert} geändert, in {time.perf_counter() - t0:.1f} s")
    return 0


def _fehler_text(f) -> str:
    """An import error as printed by the command line: the demo error names the flag."""
    from biwaq.speicher import importer
    text = str(f)
    if getattr(f, "erwartet", None) == importer.DEMO_FEHLER:
        return text + " " + importer.DEMO_FEHLER_BEFEHL
    return text


MAX_AENDERUNGEN = 500      # changed fields printed by `import --probelauf`


def _probelauf_ausgeben(p) -> int:
    """Print a dry run (per table, changed fields, notes); exit code 1 if it has errors."""
    for w in p.warnungen:
        print("  Hinweis: " + str(w), file=sys.stderr)
    if not p.ok:
        print(f"Probelauf: der Import würde abgelehnt, {len(p.fehler)} Fehler (es wurde "
              "nichts geändert):", file=sys.stderr)
        for f in p.fehler:
            print("  " + _fehler_text(f), file=sys.stderr)
        return 1
    print("Probelauf – es wurde nichts geändert. Der Import würde:")
    print(p.je_tabelle().to_string(index=False))
    aend = p.aenderungen_tabelle()
    if not aend.empty:
        print(f"\nGeänderte Felder ({len(aend)}):")
        for a in aend.head(MAX_AENDERUNGEN).itertuples(index=False):
            print(f"  {a.Tabelle} {a.Datensatz}: {a.Feld}: {a.Bisher} → {a.Neu}")
        if len(aend) > MAX_AENDERUNGEN:
            print(f"  … und {len(aend) - MAX_AENDERUNGEN} weitere (alle zeigt die Seite „Daten“ "
                  "im Probelauf, zum Herunterladen)")
    if p.demo_entfernen:
        print("\nDie Demodaten würden vorher vollständig entfernt.")
    print(f"\nZusammen: {p.eingefuegt} neu, {p.aktualisiert} geändert, {len(p.warnungen)} "
          "Hinweise. Zum Einspielen denselben Befehl ohne --probelauf ausführen.")
    return 0


def cmd_check(args) -> int:
    from biwaq.zahlen import quality
    from biwaq.speicher import store

    db = Path(args.db) if args.db else store.db_path()
    if not db.exists():
        print(f"Datenbank {db} gibt es nicht.", file=sys.stderr)
        return 2
    con = store.connect_readonly(db)
    try:
        regeln, _ = quality.pruefen(con)
    finally:
        con.close()
    print(quality.bericht(regeln))
    if quality.hat_fehler(regeln):
        print("Datenqualität: Verstöße gegen Fehler-Regeln gefunden.", file=sys.stderr)
        return 1
    return 0


MAX_MB_HILFE = ("größte Datei in MB, die dieser Befehl liest (Standard: $BIWAQ_MAX_MB oder 2048; "
                "im Browser gelten 50 MB je hochgeladener Datei)")


def _mit_grenze(befehl):
    """Run a file-reading command with the command line's own per-file limit (--max-mb)."""
    def laufen(args) -> int:
        from biwaq.einlesen import fileio

        try:
            mb = fileio.kommandozeilen_mb(args.max_mb)
        except ValueError as e:
            print(str(e), file=sys.stderr)
            return 2
        with fileio.kommandozeilen_grenze(mb):
            return befehl(args)
    return laufen


def parser() -> argparse.ArgumentParser:
    from biwaq.speicher import store

    p = argparse.ArgumentParser(
        prog="python -m biwaq",
        description="BIWAQ Erfurt: Demodaten erzeugen, Datenbank aufbauen.")
    sub = p.add_subparsers(dest="befehl", required=True, metavar="BEFEHL")

    d = sub.add_parser("demo", help="Demodaten im Format des Datenvertrags schreiben")
    d.add_argument("--seed", type=int, default=2015, help="Zufallsstartwert (Standard 2015)")
    d.add_argument("--scale", type=int, default=1,
                   help="Faktor für Personen, Betriebe und Leerstände (Lasttests)")
    d.add_argument("--out", default=str(store.DEMO_DIR), help="Zielverzeichnis")
    d.set_defaults(func=cmd_demo)

    b = sub.add_parser("build", help="DuckDB-Datei aus einem Verzeichnis von Vertragsdateien "
                                     "aufbauen (ersetzt die Datei erst, wenn alles passt)")
    b.add_argument("--db", default=None,
                   help="Datenbankdatei (Standard: $BIWAQ_DB oder data/biwaq.duckdb)")
    b.add_argument("--from", dest="source", default=str(store.DEMO_DIR),
                   help="Verzeichnis mit den Dateien (Standard: data/demo)")
    b.add_argument("--geodaten", default=None, metavar="DATEI",
                   help="Stadtteilgrenzen (GeoJSON, GeoPackage oder Shapefile mit Attribut "
                        "„stadtteil“, beliebiges Koordinatensystem); Standard: die erste "
                        "Geodaten-Datei im Verzeichnis")
    b.add_argument("--max-mb", default=None, metavar="MB", help=MAX_MB_HILFE)
    b.set_defaults(func=_mit_grenze(cmd_build))

    pu = sub.add_parser("publish", help="Öffentliche Zahlen mit Geheimhaltung (Sperrung und "
                                        "Prüfung) in ein Verzeichnis schreiben")
    pu.add_argument("--db", default=None,
                    help="Datenbankdatei (Standard: $BIWAQ_DB oder data/biwaq.duckdb)")
    pu.add_argument("--out", required=True, help="Zielverzeichnis der Veröffentlichung")
    pu.add_argument("--threshold", type=int, default=3,
                    help="kleinste veröffentlichte Fallzahl (Standard 3, mindestens 3)")
    pu.add_argument("--handout", default=None, metavar="PDF",
                    help="zusätzlich den Handzettel (eine Seite A4) als PDF schreiben")
    pu.set_defaults(func=cmd_publish)

    h = sub.add_parser("handout", help="Handzettel (PDF, eine Seite A4) aus einer "
                                       "Veröffentlichung schreiben")
    h.add_argument("--dir", default=None,
                   help="veröffentlichtes Verzeichnis (Standard: $BIWAQ_OEFFENTLICH_DIR oder "
                        "data/oeffentlich)")
    h.add_argument("--out", required=True, help="PDF-Datei")
    h.set_defaults(func=cmd_handout)
    i = sub.add_parser("import", help="Vertragsdateien (CSV/XLSX, Geodaten) in die Datenbank "
                                      "übernehmen: alles oder nichts, Upsert auf den Schlüsseln")
    i.add_argument("dateien", nargs="+", metavar="DATEI",
                   help="Dateien oder Verzeichnisse (teilnehmende*.csv, betriebe*.xlsx, ...)")
    i.add_argument("--db", default=None,
                   help="Datenbankdatei (Standard: $BIWAQ_DB oder data/biwaq.duckdb)")
    i.add_argument("--demo-entfernen", action="store_true",
                   help="bestätigt, dass vorhandene Demodaten gelöscht werden (nötig, solange "
                        "die Datenbank Demodaten enthält)")
    i.add_argument("--probelauf", action="store_true",
                   help="nur zeigen, was der Import ändern würde (neue, geänderte und "
                        "unveränderte Datensätze, jedes geänderte Feld, alle Hinweise); "
                        "die Datenbank bleibt unangetastet")
    i.add_argument("--max-mb", default=None, metavar="MB", help=MAX_MB_HILFE)
    i.set_defaults(func=_mit_grenze(cmd_import))

    c = sub.add_parser("check", help="Datenqualitätsregeln prüfen (Exit-Code 1 bei Fehlern)")
    c.add_argument("--db", default=None,
                   help="Datenbankdatei (Standard: $BIWAQ_DB oder data/biwaq.duckdb)")
    c.set_defaults(func=cmd_check)
    _bericht_befehl(sub)
    return p


# --- bericht: the steering committee's report (issue 11) ------------------------------------

def _datum(text: str):
    import datetime as dt

    try:
        return dt.datetime.strptime(text, "%d.%m.%Y").date()
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"„{text}“ ist kein Datum im Format TT.MM.JJJJ (z. B. 31.12.2018)") from None


def _bericht_befehl(sub) -> None:
    from biwaq.einlesen.contract import QUARTIERE, TRAEGER, ZIELGRUPPEN

    r = sub.add_parser("bericht", help="Bericht für die Steuerungsrunde (PDF, A4) und alle "
                                       "seine Tabellen (XLSX) schreiben")
    r.add_argument("--von", required=True, type=_datum, metavar="TT.MM.JJJJ",
                   help="Beginn des Zeitraums")
    r.add_argument("--bis", required=True, type=_datum, metavar="TT.MM.JJJJ",
                   help="Ende des Zeitraums (Stichtag der Zielvergleiche, höchstens Datenstand)")
    r.add_argument("--quartier", choices=QUARTIERE, default=None, help="nur dieses Quartier")
    r.add_argument("--traeger", choices=TRAEGER, default=None,
                   help="nur dieser Träger (ohne Zielvergleich: Ziele gelten für alle Träger)")
    r.add_argument("--zielgruppe", choices=ZIELGRUPPEN, default=None,
                   help="nur diese Zielgruppe")
    r.add_argument("--out", required=True, metavar="DATEI.pdf",
                   help="PDF-Datei (die XLSX-Datei entsteht daneben) oder ein Verzeichnis "
                        "(Dateinamen mit Zeitraum und Filtern)")
    r.add_argument("--db", default=None,
                   help="Datenbankdatei (Standard: $BIWAQ_DB oder data/biwaq.duckdb)")
    r.set_defaults(func=cmd_bericht)


def cmd_bericht(args) -> int:
    from biwaq.app import bericht_pdf, kommentare
    from biwaq.speicher import store
    from biwaq.speicher.filters import Filter

    if args.bis < args.von:
        print("Das Ende des Zeitraums liegt vor seinem Beginn.", file=sys.stderr)
        return 2
    db = Path(args.db) if args.db else store.db_path()
    if not db.exists():
        print(f"Die Datenbank {db} gibt es nicht (erst `python -m biwaq build`).",
              file=sys.stderr)
        return 1
    filt = Filter(quartier=args.quartier, traeger=args.traeger, zielgruppe=args.zielgruppe,
                  von=args.von, bis=args.bis)
    pfad = Path(os.environ.get(kommentare.ENV) or db.with_name("kommentare.sqlite"))
    ks = kommentare.KommentarStore(pfad, sicherung=False) if pfad.exists() else None
    t0 = time.perf_counter()
    pdf, xlsx = bericht_pdf.erstelle(db, filt, args.out, ks)
    print(f"Bericht {pdf} und Tabellen {xlsx} geschrieben in {time.perf_counter() - t0:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one command; a database held open by another program ends every command with a
    German message and exit code 1 (no traceback, nothing changed)."""
    from biwaq.speicher import store
    from biwaq.zahlen import quality  # noqa: F401  every write stores the data-quality result
    from biwaq.zahlen import zielstand  # noqa: F401  … and the on-track events per day
    from biwaq.oeffentlich import aktualitaet  # noqa: F401  every write stores the public fingerprint

    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except store.DatenbankGesperrt as e:
        print(str(e), file=sys.stderr)
        return 1

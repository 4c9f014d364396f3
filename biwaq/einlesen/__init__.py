"""Einlesen: Datenvertrag, Dateiformate, Prüfregeln, Geodaten, Demodaten."""

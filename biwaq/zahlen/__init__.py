"""Zahlen: Katalog der Kennzahlen und die Schätzer (ohne Streamlit)."""

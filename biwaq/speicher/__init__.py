"""Speicher: DuckDB-Schema, Aufbau, Import, Filter, benannte Abfragen."""

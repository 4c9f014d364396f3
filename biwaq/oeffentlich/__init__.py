"""Öffentlich: Geheimhaltung, Veröffentlichen, öffentliche Ansicht."""

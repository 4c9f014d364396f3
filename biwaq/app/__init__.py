"""App: Streamlit-Hilfen, Rollen, Diagramme, Downloads, Bericht."""

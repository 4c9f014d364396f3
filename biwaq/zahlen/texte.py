"""Small German text helpers shared by pages, the command line and the public view."""
from __future__ import annotations


def anzahl(n: int, einzahl: str, mehrzahl: str) -> str:
    """A count with its noun in the right number, German thousands separator.

    anzahl(1, "aktiven Betrieb", "aktiven Betrieben") -> "1 aktiven Betrieb";
    anzahl(1234, "Person", "Personen") -> "1.234 Personen"; 0 takes the plural ("0 Warnungen").
    n: a whole number (int or integral float); raises ValueError otherwise."""
    if n != int(n):
        raise ValueError(f"keine ganze Zahl: {n!r}")
    n = int(n)
    return f"{n:,}".replace(",", ".") + " " + (einzahl if n == 1 else mehrzahl)

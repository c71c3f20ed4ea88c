"""Geo precision from the words around a place: "in the south of X" is inside X (exact) where "south of X" is
near it; "X's Y district" is at X; "the Togolese capital" is the capital; a hospital named after a person is
no place; a town that shares its province's name is the town. Each sentence is invented."""

from __future__ import annotations

from typing import Any

from cedar.coding import places
from cedar.coding.propose import propose

PUB = "Published: 2026-05-14\n\n"  # a Thursday


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def _best(sentence: str, iso3: str) -> tuple[str, str]:
    w = places.candidates(sentence, iso3)[0]
    return w.place.name, w.precision


def test_in_the_south_of_a_town_is_inside_it() -> None:
    assert _best("A bomb exploded in the south of Guayaquil on Monday.", "ECU") == ("Guayaquil", "exact")
    assert _best("A bomb exploded 10 km south of Guayaquil on Monday.", "ECU") == ("Guayaquil", "near")
    [e] = _events("QUITO, May 14 (Andes Daily) - Gunmen shot dead two guards in Guayaquil, Ecuador, on Monday.\n\n"
                  "Hours later, gunmen shot dead a driver in the north-west of the city, police said.")
    assert e["geo_precision"] == "exact"


def test_a_district_of_a_town_named_with_its_possessive_is_the_town() -> None:
    assert _best("Two militias fought in Tripoli's Abu Salim district on Monday.", "LBY") == ("Tripoli", "exact")


def test_the_demonym_capital_is_the_capital() -> None:
    [e] = _events("Police fired tear gas at protesters in the Togolese capital on Monday, a doctor at the Tokoin "
                  "Amadou university hospital said.")
    assert (e["iso3"], e["location"], e["geo_precision"]) == ("TGO", "Lomé", "exact")


def test_a_town_named_like_its_province_is_the_town() -> None:
    assert _best("Hundreds marched in Misrata on Thursday.", "LBY")[1] == "exact"

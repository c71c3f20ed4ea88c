"""A line that lists places and days ("blocked roads in Puno and Cusco on Tuesday and Wednesday") is one event
per place and day; "outside parliament in Tbilisi" is in Tbilisi (exact), as "outside Tbilisi" is near it.
Each sentence is invented."""

from __future__ import annotations

from typing import Any

from cedar.coding import places
from cedar.coding.propose import propose

PUB = "Published: 2026-12-11\n\n"  # a Friday


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def test_places_and_days_listed_are_one_event_each() -> None:
    events = _events("LIMA, Dec 11 (Andes Wire) - Protesters blocked roads in Puno and Cusco on Tuesday and Wednesday "
                     "with rocks and burning tyres, the transport ministry said.")
    assert sorted((e["location"], e["event_date"]) for e in events) == [
        ("Cusco", "2026-12-08"), ("Cusco", "2026-12-09"), ("Puno", "2026-12-08"), ("Puno", "2026-12-09")]


def test_a_building_in_a_town_is_in_the_town() -> None:
    [w] = places.candidates("Police dispersed demonstrators outside parliament in Tbilisi late on Thursday.", "GEO")
    assert (w.place.name, w.precision) == ("Tbilisi", "exact")
    [w] = places.candidates("Police dispersed demonstrators outside Tbilisi late on Thursday.", "GEO")
    assert w.precision == "near"

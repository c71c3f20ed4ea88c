"""Kinds found by a sixth round of invented reports (Gaza, Burkina Faso, Yemen): tanks name a force; "warplanes
of the Saudi-led coalition" are Saudi Arabia's; "No group claimed the attack, but JNIM is active in the area"
names no perpetrator and no claim; "its aircraft had destroyed bases" is an air strike; a hedge on the only
side that speaks stands; "the Boucle du Mouhoun region" is a province. Each sentence is invented."""

from __future__ import annotations

from typing import Any

from cedar.coding import classify, places
from cedar.coding.propose import propose

PUB = "Published: 2026-09-25\n\n"  # a Friday


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def test_tanks_and_a_led_coalition_name_their_forces() -> None:
    [e] = _events("GAZA, Sept 25 (Coast Wire) - Israeli tanks shelled areas east of Khan Younis on Tuesday, killing "
                  "four people, medics said.")
    assert (e["actor1"], e["inter1"]) == ("Military Forces of Israel (2022-)", 8)
    [e] = _events("SANAA, Sept 25 (Arabia Wire) - Warplanes of the Saudi-led coalition struck a camp near Saada, "
                  "Yemen, on Tuesday, residents said.")
    assert e["actor1"].startswith("Military Forces of Saudi Arabia")


def test_a_group_active_in_the_area_has_not_claimed() -> None:
    [e] = _events("OUAGADOUGOU, Sept 25 (Sahel Wire) - Suspected jihadists ambushed an army patrol near Djibo, "
                  "Burkina Faso, on Sunday, killing 18 soldiers, two security sources said. No group claimed the "
                  "attack, but JNIM is active in the area.")
    assert (e["actor1"], e["verification_status"]) == ("Unidentified Armed Group (Burkina Faso)", "unverified")


def test_aircraft_that_destroyed_bases_and_a_hedge_on_the_only_side() -> None:
    assert classify.trigger("The army said its aircraft had destroyed several bases in the Nord region.") is not None
    [e] = _events("OUAGADOUGOU, Sept 25 (Sahel Wire) - The army said its aircraft had struck bases near Djibo, "
                  "Burkina Faso, on Tuesday. The claim could not be independently verified.")
    assert e["verification_status"] == "unverified"


def test_a_province_named_with_du() -> None:
    assert [w.precision for w in places.candidates("an ambush in the Boucle du Mouhoun region", "BFA")] == ["region"]

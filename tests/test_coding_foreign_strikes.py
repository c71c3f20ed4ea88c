"""A drone strike a foreign state's force is blamed for ("blaming the Ukrainian armed forces") or puts on the
record ("the General Staff of Ukraine's armed forces said its units had struck the depot") is that force's
(type 8), not the home army's; "drones set fire to a depot" is an air/drone strike. Each sentence is
invented."""

from __future__ import annotations

from typing import Any

from cedar.coding import classify
from cedar.coding.propose import propose

PUB = "Published: 2026-10-14\n\n"  # a Wednesday


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def test_drones_setting_fire_to_a_depot_are_a_drone_strike() -> None:
    t = classify.trigger("Drones set fire to an oil depot on the outskirts of Kursk overnight.")
    assert t is not None and t.sub_event_type == "Air/drone strike"


def test_the_force_blamed_for_a_drone_strike_is_its_perpetrator() -> None:
    [e] = _events("MOSCOW, Oct 14 (Steppe Press) - A drone struck a bus stop in the Russian town of Valuyki on "
                  "Tuesday, killing one man, the regional governor said, blaming the Ukrainian armed forces.")
    assert (e["actor1"].startswith("Military Forces of Ukraine"), e["inter1"]) == (True, 8)


def test_a_general_staff_saying_its_units_struck_acknowledges_the_strike() -> None:
    [e] = _events("MOSCOW, Oct 14 (Steppe Press) - Drones set fire to a fuel depot near Kursk on Tuesday, the "
                  "regional governor said. The General Staff of Ukraine's armed forces said in a statement on "
                  "Wednesday that its units had struck the depot.")
    assert (e["actor1"].startswith("Military Forces of Ukraine"), e["inter1"]) == (True, 8)
    assert (e["verification_status"], e["verification_basis"]) == ("verified", "actor-acknowledgement")

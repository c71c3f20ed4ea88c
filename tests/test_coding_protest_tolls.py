"""A peaceful protest kills no one: a toll told beside it (an old massacre recalled, another event's dead) is
not its fatalities, so the proposal passes `cedar check`'s protest-with-fatalities rule. Each sentence is
invented."""

from __future__ import annotations

from cedar.coding.propose import propose

PUB = "Published: 2026-12-11\n\n"  # a Friday


def test_a_toll_recalled_beside_a_peaceful_march_is_not_its_fatalities() -> None:
    body = ("LIMA, Dec 11 (Andes Wire) - Hundreds of farmers marched peacefully through Cusco on Thursday to "
            "demand land titles, carrying banners and chanting. The march recalled the 2012 massacre at a "
            "nearby estate, in which 17 people died.")
    events = propose(PUB + body + "\n", name="invented.txt").events
    marches = [e for e in events if e["sub_event_type"] == "Peaceful protest"]
    assert marches and all(e["fatalities"] == 0 for e in marches)

"""What the attackers also did belongs to their attack ("the attackers also abducted 12 children"), and "the
death toll had risen to 34" replaces the first figure. Each sentence is invented."""

from __future__ import annotations

from typing import Any

from cedar.coding.facts import fatalities
from cedar.coding.propose import propose

PUB = "Published: 2026-07-15\n\n"  # a Wednesday


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def test_what_the_attackers_also_did_is_their_attack() -> None:
    events = _events("JUBA, July 15 (Nile Tribune) - Armed youths attacked a village near Bor, South Sudan, on "
                     "Saturday, killing 30 civilians, the UN said.\n\nThe UN said the attackers also abducted 12 "
                     "children and drove off cattle.")
    assert [e["sub_event_type"] for e in events] == ["Attack"]
    assert "abducted 12 children" in events[0]["evidence"]


def test_a_toll_that_had_risen() -> None:
    assert fatalities(["Gunmen killed 30 villagers on Saturday.", "The commissioner said on Monday that the death "
                       "toll had risen to 34."], "Attack").best == 34

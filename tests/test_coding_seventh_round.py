"""Kinds found by a seventh round of invented reports (Mozambique, Chad): armed men burning a church and homes
with no one killed is property destruction; an opposition leader arrested "at his party's headquarters" is
an arrest even when the sentence recalls his call for protests; "the prosecutor said X had been detained",
with no day of its own, is the arrest already told, and the prosecutor speaks for the state. Each sentence
is invented."""

from __future__ import annotations

from typing import Any

from cedar.coding import classify
from cedar.coding.propose import propose

PUB = "Published: 2026-11-27\n\n"  # a Friday


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def test_burning_a_church_and_homes_is_property_destruction() -> None:
    t = classify.trigger("Last Friday, suspected insurgents burned a church and several homes in the village.")
    assert t is not None and t.sub_event_type == "Looting/property destruction"
    t = classify.trigger("Gunmen burned homes and shot dead seven people in the village.")
    assert t is not None and t.sub_event_type == "Attack"


def test_an_arrest_at_party_headquarters_told_twice_is_one_arrest() -> None:
    events = _events("N'DJAMENA, Nov 27 (Lake Courier) - Opposition leader Ali Mahamat was arrested at his party's "
                     "headquarters in N'Djamena, Chad, on Wednesday, his lawyer said, days after he called for "
                     "protests.\n\nThe public prosecutor said in a statement that Mahamat had been detained for "
                     "inciting hatred.")
    assert [(e["sub_event_type"], e["event_date"]) for e in events] == [("Arrests", "2026-11-25")]
    assert (events[0]["verification_status"], events[0]["verification_basis"]) == ("verified", "actor-acknowledgement")

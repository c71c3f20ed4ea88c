"""A crowd killing suspected thieves: "two men suspected of stealing cattle were beaten to death by a crowd"
is Riots / Mob violence with a toll of 2 (what the men were suspected of does not hide the act told after
it); "caught on the road to the commune of X" names a place in passing, not where the act happened. Each
sentence is invented."""

from __future__ import annotations

from cedar.coding import classify, facts
from cedar.coding.propose import propose


def test_men_suspected_of_theft_beaten_to_death_by_a_crowd() -> None:
    s = "Two men suspected of stealing cattle were beaten to death by a crowd of villagers on Monday."
    t = classify.trigger(s)
    assert t is not None and (t.event_type, t.sub_event_type) == ("Riots", "Mob violence")
    assert facts.fatalities([s], "Mob violence").best == 2


def test_a_place_on_the_road_to_is_named_in_passing() -> None:
    raw = ("Published: 2026-11-06\nCattle thieves lynched\n\nFIANARANTSOA, Nov 6 (Tana Wire) - In Ambositra, two "
           "men suspected of stealing cattle were beaten to death by a crowd of villagers on Monday, the gendarmerie "
           "said. The men had been caught on the road to the commune of Ivato and were lynched before gendarmes "
           "arrived.\n")
    [e] = propose(raw, name="invented.txt").events
    assert (e["sub_event_type"], e["location"], e["fatalities"]) == ("Mob violence", "Ambositra", 2)

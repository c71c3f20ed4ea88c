"""Who acted, from how the outlet names the sides: shells or rockets alone name no state's force; "the Islamic
State's Sahel branch" is ACLED's Islamic State (Sahel); "two armed groups fought ..., the fighting pitted X
against Y" names both sides, and "a ceasefire between the two groups" is theirs. Each sentence is invented."""

from __future__ import annotations

from typing import Any

from cedar.coding import actors
from cedar.coding.propose import propose

PUB = "Published: 2026-05-14\n\n"  # a Thursday


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def test_munitions_alone_name_no_state_force() -> None:
    [e] = _events("ADEN, May 14 (Gulf Wire) - Shells struck a street in Hodeidah, Yemen, on Tuesday, killing two "
                  "traders, residents said.")
    assert (e["sub_event_type"], e["inter1"]) == ("Shelling/artillery/missile attack", 3)
    [e] = _events("KYIV, May 14 (Dnipro Wire) - Russian missiles struck Odesa on Tuesday, killing two people, "
                  "residents said.")
    assert e["actor1"].startswith("Military Forces of Russia")


def test_the_islamic_state_sahel_branch_is_its_acled_name() -> None:
    names = [a.name for a in actors.named_groups("fighters of the Islamic State's Sahel branch", "NER")]
    assert names == ["Islamic State (Sahel)"]


def test_two_armed_groups_named_as_the_sides_of_a_fight() -> None:
    events = _events("TRIPOLI, May 14 (Sahara Wire) - Two armed groups fought with machine guns in Misrata, Libya, "
                     "on Tuesday, killing three people, residents said. The fighting pitted the Coastal Shield "
                     "Force (CSF) against the 77th Infantry Brigade.\n\nOn Wednesday, elders brokered a ceasefire "
                     "between the two groups in Misrata, the town council said.")
    clash, truce = events
    assert (clash["actor1"], clash["inter1"], clash["actor2"], clash["inter2"]) == (
        "CSF: Coastal Shield Force", 3, "77th Infantry Brigade", 3)
    assert (truce["sub_event_type"], truce["actor1"], truce["actor2"]) == (
        "Agreement", "CSF: Coastal Shield Force", "77th Infantry Brigade")

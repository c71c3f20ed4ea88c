"""Event types from what the text tells: a crowd setting fire or throwing stones at police is a riot without
the word "protest"; stun grenades and rocket-propelled grenades are not remote violence; an attack on government
positions is a clash; "nobody was killed" is no attack; a ceasefire brokered is an agreement; a person forced
into a car is abducted. Each sentence is invented."""

from __future__ import annotations

from typing import Any

from cedar.coding import classify
from cedar.coding.propose import propose

PUB = "Published: 2026-05-12\n\n"  # a Tuesday


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def _sub(sentence: str) -> str | None:
    t = classify.trigger(sentence)
    return t.sub_event_type if t else None


def test_a_crowd_burning_cars_and_stoning_police_is_a_riot() -> None:
    [e] = _events("LILLE - Youths set fire to cars and threw stones at police in Roubaix on Saturday night, "
                  "a reporter saw.")
    assert (e["sub_event_type"], e["actor1"], e["inter1"]) == ("Violent demonstration", "Rioters (France)", 5)
    assert e["event_date"] == "2026-05-09"
    assert _sub("A group of about 30 people threw Molotov cocktails at the town hall on Sunday.") == \
        "Violent demonstration"


def test_crowd_control_and_ground_weapons_are_not_remote_violence() -> None:
    assert _sub("Officers responded with stun grenades and tear gas.") != "Grenade"
    assert _sub("Residents said rocket-propelled grenades hit houses during the gunfight.") not in (
        "Grenade", "Shelling/artillery/missile attack")
    assert _sub("A grenade thrown at a bar wounded six people.") == "Grenade"


def test_an_attack_on_government_positions_is_a_clash() -> None:
    assert _sub("Fighters attacked government positions near the town on Wednesday.") == "Armed clash"


def test_nobody_killed_is_no_attack() -> None:
    assert classify.trigger("Nobody was killed in the blast, police said.") is None
    assert _sub("Gunmen killed a farmer on Monday.") == "Attack"


def test_a_brokered_ceasefire_is_an_agreement() -> None:
    assert _sub("Elders brokered a ceasefire between the two militias on Wednesday, the council said.") == "Agreement"


def test_a_person_forced_into_a_car_is_abducted() -> None:
    assert _sub("Men in plain clothes forced a journalist into an unmarked van outside his home on Saturday.") == \
        "Abduction/forced disappearance"
    [e] = _events("ACCRA, May 12 (Coast Wire) - On Saturday, men in plain clothes beat an activist in Kumasi and "
                  "bundled him into a car, his family said.")
    assert (e["sub_event_type"], e["fatalities"]) == ("Abduction/forced disappearance", 0)

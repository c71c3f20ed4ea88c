"""Kinds found by a fifth round of invented reports (a Nigerian report of funerals, deployments, a court and an
internet cut; a Sudanese report of contested accounts): a funeral of people "killed ... last month" is no
event; a list of the killed ends at "and abducted"; an actor's statement that denies the coded aspect
acknowledges nothing; an organisation's name ("the Rapid Support Forces") is no place; "the release of
detained colleagues" is no intervention; "plan to march" is an intention. Each sentence is invented."""

from __future__ import annotations

from typing import Any

from cedar.coding import classify, facts, places
from cedar.coding.propose import propose

PUB = "Published: 2026-03-18\n\n"  # a Wednesday


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def test_a_funeral_of_people_killed_last_month_is_no_event() -> None:
    assert classify.trigger("Mourners attended the funeral on Monday of 14 villagers killed by gunmen in the state "
                            "last month.") is None


def test_a_list_of_the_killed_ends_at_another_act() -> None:
    assert facts.fatalities(["Gunmen killed a farmer and abducted his wife near Agatu on Sunday."], "Attack").best == 1


def test_a_denying_statement_is_no_acknowledgement() -> None:
    [e] = _events("KHARTOUM, March 18 (Nile Courier) - Fighters of the Rapid Support Forces (RSF) attacked a village "
                  "near Wad Madani, Sudan, on Monday, killing 20 civilians, activists said. The RSF denied targeting "
                  "civilians and said it had fought militias in the village.")
    assert e["verification_status"] == "unverified"
    assert places.unresolved("Fighters of the Rapid Support Forces attacked.", "SDN") is None


def test_detained_colleagues_are_no_intervention() -> None:
    assert classify.protest_kind("Lawyers staged a sit-in demanding the release of detained colleagues.")[1] == \
        "Peaceful protest"


def test_an_intention_is_no_event() -> None:
    assert classify.trigger("Rights groups plan to march to the oversight authority in Nairobi on Friday.") is None
    assert classify.trigger("The rebels vowed to attack army posts across the region.") is None
    assert classify.trigger("Thousands marched in Nairobi on Friday.") is not None

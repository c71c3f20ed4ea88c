"""Kinds found by a third round of invented reports (Iraq, India, Bangladesh, Mexico, Cameroon): "no one was
killed" is a toll of 0, not 1; "later that night" is the same day; armed men of two communities are ethnic
militias; "the discovery came two days after gunmen attacked" dates the attack; "in the city's X
neighbourhood" is inside the town told before; "killing four of the attackers, the defence ministry said" is
a party's claim; a death "after separatists killed a soldier there last week" is another story's; the X
Cartel keeps its word. Each sentence is invented."""

from __future__ import annotations

from typing import Any

from cedar.coding import actors, facts, places
from cedar.coding.propose import propose

PUB = "Published: 2026-05-07\n\n"  # a Thursday


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def test_no_one_killed_is_zero() -> None:
    assert facts.fatalities(["A mob burned ten houses in the village on Saturday.", "No one was killed."],
                            "Mob violence").best == 0


def test_later_that_night_and_armed_men_of_two_communities() -> None:
    events = _events("IMPHAL, May 7 (Hill Post) - A mob set fire to houses in Churachandpur, India, on Saturday, "
                     "police said.\n\nPolice said armed men from the Meitei and Kuki communities exchanged fire near "
                     "Moirang later that night.")
    clash = next(e for e in events if e["sub_event_type"] == "Armed clash")
    assert (clash["event_date"], clash["inter1"], clash["inter2"]) == ("2026-05-02", 4, 4)


def test_the_discovery_came_two_days_after_and_a_part_of_the_city() -> None:
    events = _events("MEXICO CITY, May 7 (Pacific Wire) - Police found the bodies of five men near Culiacan, Mexico, "
                     "on Tuesday, prosecutors said.\n\nThe discovery came two days after gunmen attacked a party in "
                     "the city's Tierra Blanca neighbourhood, killing four people, local media said.")
    assert [(e["event_date"], e["location"], e["geo_precision"]) for e in events] == [
        ("2026-05-05", "Culiacan", "near"), ("2026-05-03", "Culiacan", "exact")]
    assert places.candidates("a party in the city's Tierra Blanca neighbourhood", "MEX") == []


def test_a_force_count_of_dead_attackers_is_a_claim() -> None:
    assert facts.fatalities(["Soldiers clashed with gunmen in Navolato on Wednesday, killing four of the attackers, "
                             "the defence ministry said."], "Armed clash").best is None


def test_a_death_last_week_is_another_story() -> None:
    assert facts.fatalities(["Soldiers set fire to houses in the village on Tuesday after separatists killed a "
                             "soldier there last week, residents said."], "Attack").best is None


def test_a_cartel_keeps_its_word() -> None:
    assert [a.name for a in actors.named_groups("gunmen of a faction of the Gulf Cartel", "MEX")] == ["Gulf Cartel"]

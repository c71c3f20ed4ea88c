"""Wire-report variants found by coding invented reports of other regions: "the KIA said its troops had
captured" is the group's capture; soldiers who "withdrew without a fight" hand a town over; a party's count
of its enemy's dead stays a claim however the statement is worded; "the toll could not be verified" hedges
the toll only; a death in an earlier story ("after a bomb ... killed two officers last week") is not a
march's toll; provinces spelled another way ("Hiraan", "North Kivu") and "in the capital" are places; an
event placed at a province moves to the town its next sentence names. Each sentence is invented."""

from __future__ import annotations

from typing import Any

from cedar.coding import actors, classify, facts, places
from cedar.coding.propose import propose

PUB = "Published: 2026-08-07\n\n"  # a Friday


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def _sub(sentence: str) -> str | None:
    t = classify.trigger(sentence)
    return t.sub_event_type if t else None


def test_its_troops_after_a_group_are_the_group() -> None:
    assert _sub("On Thursday, the Chin National Front (CNF) said its troops had captured an army outpost near "
                "Falam.") == "Non-state actor overtakes territory"
    assert _sub("The army said its troops had captured the town after heavy fighting.") == \
        "Government regains territory"


def test_soldiers_withdrawing_without_a_fight_hand_the_town_over() -> None:
    assert _sub("Rebels took control of the town of Pinga in the east on Monday after soldiers and allied "
                "militiamen withdrew without a fight, residents said.") == "Non-violent transfer of territory"


def test_a_party_count_of_enemy_dead_is_a_claim_however_worded() -> None:
    assert fatalities_of("The group said in a statement on its radio that its fighters had killed 30 soldiers.",
                         "Armed clash") is None
    assert fatalities_of("Soldiers clashed with rebels on Tuesday, the army said, adding that four rebels were "
                         "killed.", "Armed clash") is None
    assert fatalities_of('A commander said six soldiers and "dozens" of militants had died.', "Armed clash") == 6


def fatalities_of(sentence: str, sub: str) -> int | None:
    return facts.fatalities([sentence], sub).best


def test_a_hedge_on_the_toll_before_it_is_on_the_toll() -> None:
    assert facts.TOLL_HEDGE.search("The toll could not be independently verified.")


def test_a_death_in_an_earlier_story_is_not_the_toll() -> None:
    assert fatalities_of("Thousands marched in Cali on Thursday to reject violence after a bomb attack on a police "
                         "station killed two officers last week.", "Peaceful protest") == 0


def test_provinces_spelled_another_way_and_the_capital() -> None:
    assert places._admin1_seat("Hiraan", "SOM") is not None
    assert [w.precision for w in places.candidates("Rebels entered a town in North Kivu province.", "COD")] == [
        "region"]
    [e] = _events("NAIROBI, Aug 7 (Rift Wire) - In the capital, hundreds of traders protested on Wednesday against "
                  "new taxes.")
    assert (e["location"], e["geo_precision"]) == ("Nairobi", "exact")


def test_an_event_at_a_province_moves_to_the_town_named_next() -> None:
    [e] = _events("BOGOTA, Aug 7 (Andes Wire) - Gunmen kidnapped two surveyors in the department of Arauca on "
                  "Wednesday, the army said. They were taken from their car near the town of Saravena.")
    assert (e["location"], e["geo_precision"]) == ("Saravena", "near")


def test_dissidents_of_the_farcs_front() -> None:
    names = [a.name for a in actors.named_groups("dissidents of the FARC's Jaime Martinez front", "COL")]
    assert names == ["FARC Dissidents: Jaime Martinez Front"]

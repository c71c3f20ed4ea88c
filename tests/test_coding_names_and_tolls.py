"""A group the outlet names in its own voice ("the X gang coalition") is the perpetrator by that name; deaths
told in words ("killing a vendor and a tricycle driver") are counted; injuries alone (a beating, a broken
arm) are a toll of 0. Each sentence is invented."""

from __future__ import annotations

from typing import Any

from cedar.coding import actors
from cedar.coding.facts import fatalities
from cedar.coding.propose import propose

PUB = "Published: 2026-06-03\n\n"  # a Wednesday


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def test_a_group_named_by_the_outlet_is_the_perpetrator() -> None:
    [e] = _events("Gunmen belonging to the Grand Ravine gang coalition stormed the village of Kenscoff, Haiti, on "
                  "Monday, killing at least six residents.")
    assert (e["actor1"], e["inter1"], e["fatalities"]) == ("Grand Ravine", 3, 6)
    names = [a.name for a in actors.named_groups("Members of the Haitian gang attacked the Local gang.", "HTI")]
    assert names == []


def test_deaths_told_in_words_are_counted() -> None:
    assert fatalities(["A bomb went off near the market on Saturday, killing a vendor and a tricycle driver and "
                       "wounding nine others."], "Remote explosive/landmine/IED").best == 2
    assert fatalities(["Gunmen opened fire on a bus, killing a woman, her son and two farmers, police said."],
                      "Attack").best == 4
    assert fatalities(["A 19-year-old died in hospital on Monday after the clash."], "Mob violence").best == 1
    assert fatalities(["Gunmen shot at a bus, killing a driver and wounding a passenger."], "Attack").best == 1


def test_injuries_alone_are_a_toll_of_zero() -> None:
    assert fatalities(["A local organiser said she had been beaten by three men and suffered a broken arm."],
                      "Attack").best == 0
    assert fatalities(["A farmer was beaten to death by a mob on Monday."], "Mob violence").best != 0


def test_there_were_no_casualties_is_a_toll_of_zero() -> None:
    assert fatalities(["A drone struck an oil depot on Tuesday. There were no casualties, officials said."],
                      "Air/drone strike").best == 0


def test_a_force_killing_armed_men_is_a_clash_not_an_attack_on_civilians() -> None:
    [e] = _events("Security forces killed three Maoists in an encounter in the forests of Bijapur, India, on "
                  "Monday, police said.")
    assert (e["sub_event_type"], e["actor2"], e["inter2"]) == (
        "Armed clash", "CPI (Maoist): Communist Party of India (Maoist)", 2)
    [e] = _events("Soldiers shot dead four suspected bandits near Gusau, Nigeria, on Monday, the army said.")
    assert e["sub_event_type"] == "Armed clash"
    [e] = _events("Eight people were killed on Tuesday during a police operation against drug traffickers in "
                  "Salvador, Brazil, police said.")
    assert (e["sub_event_type"], e["actor1"]) == ("Armed clash", "Police Forces of Brazil (2023-)")
    [e] = _events("Soldiers shot dead four villagers near Gusau, Nigeria, on Monday, residents said.")
    assert e["sub_event_type"] == "Attack"


def test_bodies_found_are_an_attack_by_unidentified_men_with_their_number() -> None:
    [e] = _events("In Guerrero, police found the bodies of five men with gunshot wounds on a road outside Acapulco, "
                  "Mexico, on Monday, the state prosecutor said.")
    assert (e["sub_event_type"], e["actor1"], e["fatalities"], e["location"]) == (
        "Attack", "Unidentified Armed Group (Mexico)", 5, "Acapulco")


def test_a_victim_named_in_apposition_is_counted_once() -> None:
    assert fatalities(["Gunmen shot dead the mayor of the town, Carlos Medina, and one of his bodyguards on "
                       "Sunday."], "Attack").best == 2


def test_the_group_claiming_the_attack_acknowledges_it() -> None:
    [e] = _events("Al Shabaab militants fired mortar shells at a market in Baidoa, Somalia, on Tuesday, wounding "
                  "three people, police said. The group claimed the attack on its radio station.")
    assert (e["actor1"], e["verification_status"], e["verification_basis"], e["fatalities"]) == (
        "Al Shabaab", "verified", "actor-acknowledgement", 0)


def test_about_n_killed_is_n() -> None:
    assert fatalities(["A bomb exploded at the market on Monday, killing about 20 people."],
                      "Remote explosive/landmine/IED").best == 20


def test_whom_a_bomb_hit() -> None:
    [e] = _events("Two soldiers died on Tuesday when a roadside bomb exploded under their truck near Garissa, "
                  "Kenya, police said.")
    assert (e["actor2"], e["inter2"]) == ("Military Forces of Kenya (2022-)", 1)
    [e] = _events("A homemade bomb went off near the market of Garissa, Kenya, on Saturday, killing a vendor and "
                  "a taxi driver.")
    assert (e["actor2"], e["inter2"], e["fatalities"]) == ("Civilians (Kenya)", 7, 2)


def test_the_actors_come_from_the_act_not_the_line_that_placed_it() -> None:
    events = _events("Gunmen abducted a teacher in Wajir, Kenya, on Tuesday, police said.\n\n"
                     "Meanwhile, accounts differ over what happened in Mandera on Sunday. The army said troops on "
                     "patrol had come under fire there. Relatives of two men said soldiers shot them at home.")
    assert (events[1]["actor1"], events[1]["inter1"]) == ("Military Forces of Kenya (2022-)", 1)


def test_a_paragraph_goes_on_about_the_event_it_joined() -> None:
    [e] = _events("Al Shabaab fighters stormed a military base in Mandera, Kenya, late on Monday, setting off a gun "
                  "battle, the army said.\n\n"
                  "In a statement, an army spokesman said troops had repelled the assault. He said two soldiers had "
                  "lost their lives. The group said its fighters had killed 20 soldiers.")
    assert e["fatalities"] == 2  # the army's own dead, not the group's claim
    assert "He said two soldiers had lost their lives." in e["evidence"]


def test_a_partys_count_of_enemy_dead_is_no_toll() -> None:
    assert fatalities(["A drone struck a gathering of suspected jihadists near the town, killing about 20 of them, "
                       "a security source said."], "Air/drone strike").best is None


def test_a_group_after_by_and_an_adjective_is_the_perpetrator() -> None:
    [e] = _events("Artillery shells fired by the paramilitary Rapid Support Forces (RSF) struck the market of "
                  "Kadugli, Sudan, on Monday, killing seven civilians, a doctor said.")
    assert e["actor1"] == "RSF: Rapid Support Forces"


def test_a_relative_clause_recalling_the_past_does_not_hide_the_toll() -> None:
    [e] = _events("(Lake Herald) - A military jet dropped two bombs on a ward of Lashio, Myanmar, on Tuesday.\n\n"
                  "The TNLA, which has controlled the town since 2024, said nine civilians had been killed. The "
                  "Herald was unable to confirm the toll.")
    assert e["fatalities"] == 9
    assert e["evidence"].startswith("A military jet")  # the dateline in brackets is cut
    held = "The group, which has held the area since 2024, said two of its men were killed."
    assert fatalities([held], "Attack").best == 2


def test_the_two_men_are_two() -> None:
    assert fatalities(["A drone struck a truck outside the town yesterday, killing the two men inside, the mayor "
                       "said."], "Air/drone strike").best == 2
    assert fatalities(["Gunmen stormed the village, killing the headman and his son."], "Attack").best == 2

"""Tolls read from the clause that tells the act: a death "a day after" in another story is not the event's
toll; a list of the killed ends where the sentence goes on ("as they rode home"); "his two sons" are two.
Each sentence is invented."""

from __future__ import annotations

from cedar.coding.facts import fatalities


def test_a_death_in_another_story_is_not_the_toll() -> None:
    assert fatalities(["Youths burned cars and threw stones at police in Lyon on Saturday night, a day after a "
                       "boy died in a police chase."], "Violent demonstration").best == 0
    # the act told after the phrase keeps its toll
    assert fatalities(["A curfew was imposed on Thursday, two days after fighters attacked a convoy, killing five "
                       "soldiers."], "Armed clash").best == 5


def test_a_list_of_the_killed_ends_at_the_next_clause() -> None:
    assert fatalities(["Gunmen shot dead a farmer and his son as they rode home from a field near Jos, also in "
                       "Plateau."], "Attack").best == 2
    assert fatalities(["Gunmen shot dead a farmer and his two sons while they worked."], "Attack").best == 3

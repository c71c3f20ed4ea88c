"""Crowd violence told without the taxonomy's words: "stone-throwing between students and the gendarmes" is a
riot against the force (not a fight of two crowds); "groups of young men ... smashed the shutters of shops" is a
riot; a lead that gives only the day ("the anger spilled on to the streets again on Thursday") dates the act
the next paragraph tells; "In the afternoon" goes on with the day just told. Each sentence is invented."""

from __future__ import annotations

from typing import Any

from cedar.coding import classify, dates
from cedar.coding.propose import propose


def _events(body: str) -> list[dict[str, Any]]:
    return propose("Published: 2026-11-06\nStudents and gendarmes clash at campus\n\n" + body + "\n",
                   name="invented.txt").events


def test_stone_throwing_with_a_force_is_a_riot_not_a_crowd_fight() -> None:
    s = "Stone-throwing between small groups of students and the gendarmes went on until the afternoon."
    t = classify.trigger(s)
    assert t is None or t.sub_event_type != "Mob violence"
    assert classify.protest_kind("Students marched and stone-throwing with the gendarmes followed.")[1] == \
        "Violent demonstration"


def test_young_men_smashing_shop_shutters_is_a_riot() -> None:
    t = classify.trigger("Groups of young men, some of them from the campus, smashed the shutters of ten shops.")
    assert t is not None and (t.event_type, t.sub_event_type) == ("Riots", "Violent demonstration")


def test_in_the_afternoon_is_the_day_just_told() -> None:
    assert dates.same_day("In the afternoon the trouble moved to the market.")


def test_the_leads_day_dates_the_act_of_the_next_paragraph() -> None:
    [e] = _events("The anger over the power cuts spilled on to the streets of Toamasina again on Thursday.\n\n"
                  "Several hundred students left the campus to march towards the city centre, and gendarmes fired "
                  "tear gas to stop them, our journalist on the campus saw.")
    assert (e["event_date"], e["sub_event_type"], e["location"]) == ("2026-11-05", "Protest with intervention",
                                                                     "Toamasina")

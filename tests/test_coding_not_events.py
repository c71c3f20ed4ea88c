"""What is not an attack or not an event at all: a mine or bomb defused is Strategic developments /
Disrupted weapons use; a monthly tally, a statistic, a month named without a day before the report's month,
and what a court or a charge is about start no event. Each sentence is invented."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cedar.coding import classify, dates
from cedar.coding.propose import propose

PUB = "Published: 2026-06-03\n\n"  # a Wednesday


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def test_a_defused_mine_is_disrupted_weapons_use() -> None:
    for s in ("Soldiers found and defused a landmine on a farm road near Gao on Monday.",
              "Engineers were defusing two landmines planted on the track on Monday.",
              "Two explosive devices were defused outside the school on Monday."):
        t = classify.trigger(s)
        assert t is not None and t.sub_event_type == "Disrupted weapons use", s
    [e] = _events("Soldiers discovered and defused a landmine buried along a road in Garissa, Kenya, on Monday, "
                  "the army said.")
    assert (e["sub_event_type"], e["fatalities"], e["actor1"]) == ("Disrupted weapons use", 0,
                                                                    "Military Forces of Kenya (2022-)")


def test_a_monthly_tally_is_not_an_event() -> None:
    assert dates.past_month("Monitors counted 30 drone strikes in April alone.", dt.date(2026, 6, 3))
    assert not dates.past_month("Protesters marched in June in Nairobi.", dt.date(2026, 6, 3))
    assert _events("A monitoring group recorded 52 air strikes in northern Kenya in April, according to a monthly "
                   "tally shared with reporters.") == []
    assert _events("In May, a drone strike on a car near Mandera, Kenya, killed two men.") == []
    assert _events("The rights group said on Tuesday it had documented 17 killings by police in Kenya.") == []


def test_what_a_court_hears_is_not_an_event() -> None:
    assert classify.trigger("On Monday a court in Mombasa adjourned the trial of three men accused of firing "
                            "rockets at a ferry.") is None
    assert _events("On Monday, a court in Mombasa, Kenya, adjourned until July the trial of three men accused of "
                   "shelling the port.") == []
    t = classify.trigger("Police shot dead two men suspected of robbery in Mombasa on Monday.")
    assert t is not None and t.sub_event_type == "Attack"


def test_the_month_of_march_is_not_a_march() -> None:
    assert classify.trigger("In March, unions met the minister.") is None
    t = classify.trigger("Students march to parliament on Monday.")
    assert t is not None and t.event_type == "Protests"


def test_a_total_for_one_attack_is_not_a_tally() -> None:
    [e] = _events("Gunmen killed a total of 12 people in two villages near Gusau, Nigeria, on Monday, police said.")
    assert e["fatalities"] == 12


def test_mines_planted_or_detonated_safely_are_no_explosion() -> None:
    assert classify.trigger("The army said the rebels had also planted landmines along the road.") is None
    t = classify.trigger("Two of the mines were later detonated safely by army engineers.")
    assert t is not None and t.sub_event_type == "Disrupted weapons use"
    t = classify.trigger("A landmine planted on the road exploded under a bus on Monday.")
    assert t is not None and t.sub_event_type == "Remote explosive/landmine/IED"


def test_explosives_dropped_from_drones_are_a_drone_strike() -> None:
    t = classify.trigger("Dissidents attacked a patrol with explosives launched from drones on Tuesday.")
    assert t is not None and t.sub_event_type == "Air/drone strike"


def test_a_town_that_begins_like_a_month_is_not_a_month() -> None:
    pub = dt.date(2026, 1, 16)
    for s in ("Protesters later set fire to a police post in Juliaca.", "Troops fought rebels in Marawi.",
              "Gunmen attacked a bus in Janakpur."):
        assert not dates.past_month(s, pub), s
    assert dates.past_month("Monitors counted 30 strikes in Aug. alone.", dt.date(2026, 10, 1))

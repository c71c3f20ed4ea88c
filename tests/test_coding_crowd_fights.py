"""Two crowds stoning each other outside a demonstration are Riots / Mob violence, rioters on both sides; in
"the town stayed under curfew on Saturday after stone-throwing ... on Thursday evening" the act is Thursday's,
the day before "after" belongs to its consequence. Each sentence is invented."""

from __future__ import annotations

import datetime as dt

from cedar.coding import classify, dates
from cedar.coding.propose import propose

PUB = dt.date(2026, 4, 4)  # a Saturday


def test_stones_thrown_between_two_groups_are_mob_violence() -> None:
    for s in ("Stone-throwing between two groups of villagers left nine people hurt.",
              "Members of the two communities began hurling stones and bottles at each other from the rooftops.",
              "Communal clashes broke out in the market after a dispute over a shrine."):
        t = classify.trigger(s)
        assert t is not None and (t.event_type, t.sub_event_type) == ("Riots", "Mob violence"), s


def test_the_day_of_the_act_told_after_after_is_its_own() -> None:
    s = ("Janakpur remained under curfew on Saturday after stone-pelting between two groups at a fair on Thursday "
         "evening left 12 people injured.")
    t = classify.trigger(s)
    assert t is not None
    assert [w.start for w in dates.find(s, PUB, t.pos)] == [dt.date(2026, 4, 2)]
    # the act before "after" keeps its day
    s2 = "Youths burned tyres in Janakpur on Saturday after a boy died in custody on Thursday."
    t2 = classify.trigger(s2)
    assert t2 is not None
    assert dt.date(2026, 4, 4) in [w.start for w in dates.find(s2, PUB, t2.pos)]


def test_a_stone_fight_at_a_fair_is_one_mob_event_on_its_day() -> None:
    raw = ("Published: 2026-04-04\n\nJANAKPUR, April 4 (Terai Post) - Janakpur remained under curfew on Saturday "
           "after stone-pelting between two groups at a fair on Thursday evening left 12 people injured, "
           "residents said.\n")
    [e] = propose(raw, name="invented.txt").events
    assert (e["sub_event_type"], e["event_date"], e["location"]) == ("Mob violence", "2026-04-02", "Janakpur")
    assert (e["inter1"], e["inter2"], e["fatalities"]) == (5, 5, 0)

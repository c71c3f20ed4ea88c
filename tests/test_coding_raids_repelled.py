"""Gunmen who "overran the perimeter of an army post ... before withdrawing" took no territory: an armed
clash; the day of a first communiqué ("a figure it had given as two in a first communiqué on Wednesday") is
not the act's. Each sentence is invented."""

from __future__ import annotations

import datetime as dt

from cedar.coding import classify, dates


def test_overrunning_a_post_then_withdrawing_is_a_clash() -> None:
    t = classify.trigger("Gunmen overran the perimeter of an army post near Kandi on Tuesday night before withdrawing "
                         "towards the border.")
    assert t is not None and (t.event_type, t.sub_event_type) == ("Battles", "Armed clash")
    t2 = classify.trigger("Rebels overran the town of Kandi on Tuesday and raised their flag.")
    assert t2 is not None and t2.sub_event_type == "Non-state actor overtakes territory"


def test_the_day_of_a_communique_is_not_the_acts() -> None:
    s = ("Gunmen attacked an army post near Kandi on Tuesday night, the army said, which put its losses at three, a "
         "figure it had given as two in a first communiqué on Wednesday morning.")
    t = classify.trigger(s)
    assert [w.start for w in dates.find(s, dt.date(2026, 9, 17), t.pos if t else None)] == [dt.date(2026, 9, 15)]

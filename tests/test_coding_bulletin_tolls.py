"""Tolls and nights in humanitarian bulletins: "during the night of 4 to 5 March" is the 4th; "initial reports
spoke of four people killed" and "the network was later able to establish that two passengers had been
killed" tell the toll of an event already told (not another attack), and the later figure replaces the
first. Each sentence is invented."""

from __future__ import annotations

import datetime as dt

from cedar.coding import classify, dates, facts


def test_a_night_between_two_dates_is_the_first() -> None:
    s = "During the night of 4 to 5 March, a lorry struck an explosive device north of Mao."
    t = classify.trigger(s)
    assert [w.start for w in dates.find(s, dt.date(2026, 3, 9), t.pos if t else None)] == [dt.date(2026, 3, 4)]


def test_reports_of_a_toll_and_its_correction_are_no_new_attack() -> None:
    s = ("Initial reports spoke of five people killed; monitors were later able to establish, through the district "
         "hospital, that three traders had been killed.")
    assert classify.trigger(s) is None
    assert facts.fatalities(["A lorry struck an explosive device north of Mao.", s],
                            "Remote explosive/landmine/IED").best == 3

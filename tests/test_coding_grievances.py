"""A protest's grievance is not its day: "blocked roads on Wednesday to demand justice for a classmate killed on
Sunday" is one protest, on Wednesday; a hospital official is no spokesman of the force that intervened.
Each sentence is invented."""

from __future__ import annotations

import datetime as dt

from cedar.coding import dates, facts

THURSDAY = dt.date(2026, 4, 30)


def test_the_day_of_a_grievance_is_not_the_protest_day() -> None:
    s = ("Students blocked roads in Dhaka for a third day on Wednesday to demand justice for a classmate killed by a "
         "police car on Sunday.")
    assert [w.start for w in dates.find(s, THURSDAY)] == [dt.date(2026, 4, 29)]


def test_a_hospital_official_speaks_for_no_force() -> None:
    assert facts.kind_of("a hospital official") == "other"
    assert facts.kind_of("a police official") == "state"

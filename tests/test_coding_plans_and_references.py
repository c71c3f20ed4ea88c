"""What is no act of the report: "the party has called a rally in X for Saturday" is a plan (not last
Saturday's rally); "the mayor whose arrest triggered Sunday's gathering" refers to an arrest told elsewhere;
"is due to appear before a court" is a plan. Each sentence is invented."""

from __future__ import annotations

from cedar.coding import classify


def test_a_rally_called_for_a_day_is_a_plan() -> None:
    assert classify.trigger("The main opposition party has called a rally in Kadikoy for Saturday.") is None
    t = classify.trigger("The main opposition party held a rally in Kadikoy on Saturday.")
    assert t is not None and t.event_type == "Protests"


def test_whose_arrest_and_due_to_appear_are_no_acts() -> None:
    assert classify.trigger("The mayor whose arrest triggered the gathering is due to appear before a court "
                            "next month.") is None
    assert classify.trigger("Two men are due to be charged with rioting.") is None

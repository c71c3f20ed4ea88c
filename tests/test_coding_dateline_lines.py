"""A dateline printed on a line of its own under the headline ("The Valley Times, Pokhara, 3 April",
"RADIO X - Goma, Tuesday 7 April 2026", "OUTLET | Kampala | Friday") names the report's town: the report
is placed in that town's country even when it names a neighbouring country in passing. Each line is
invented."""

from __future__ import annotations

from cedar.coding import text
from cedar.coding.propose import propose


def test_a_dateline_line_gives_the_town_after_the_outlet() -> None:
    assert text._line_place("The Valley Times, Pokhara, 3 April") == "Pokhara"
    assert text._line_place("RADIO KIVU LIBRE - Goma, Tuesday 7 April 2026") == "Goma"
    assert text._line_place("THE HILL OBSERVER | Kampala | Friday, April 3, 2026") == "Kampala"
    assert text._line_place("HIGHLAND WEEKLY") is None
    assert text._line_place("Lakeside Online - Friday 3 April 2026") is None


def test_a_report_under_a_dateline_line_is_coded_in_that_towns_country() -> None:
    raw = ("Published: 2026-04-03\nStudents stage sit-in over fees\n\nThe Valley Times, Pokhara, 3 April\n\n"
           "Around 200 students staged a sit-in outside the university in Pokhara on Thursday to demand lower "
           "fees, and police removed them from the road after an hour. The university, which trains engineers "
           "for firms in India, said classes would resume on Monday.\n")
    report = text.read(raw)
    assert report.dateline == "Pokhara"
    [e] = propose(raw, name="invented.txt").events
    assert (e["iso3"], e["location"], e["sub_event_type"]) == ("NPL", "Pokhara", "Protest with intervention")
    assert e["actor2"] == "Police Forces of Nepal (2025-)"


def test_state_forces_carry_the_government_period_of_2026() -> None:
    from cedar.coding import actors

    # governments that took office by 2026: Chile (March 2026), Honduras (January 2026); Guinea's since 2021
    assert actors.state("police", "CHL", "CHL").name == "Police Forces of Chile (2026-)"
    assert actors.state("police", "HND", "HND").name == "Police Forces of Honduras (2026-)"
    assert actors.state("military", "GIN", "GIN").name == "Military Forces of Guinea (2021-)"

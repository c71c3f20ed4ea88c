"""A lead that names the place ("the attack on a displacement site in the Djugu territory") and a next
paragraph that tells the act without it ("the assailants ... entered the site in the night of Sunday to
Monday"): the act is coded at the lead's place; "engaged them in the hills" is a clash; a long first line
without a full stop is the headline; squares, avenues and metro stations are landmarks of the town, not
towns of their own name. Each sentence is invented."""

from __future__ import annotations

from cedar.coding import classify, places, text
from cedar.coding.propose import propose


def test_armed_men_entering_a_site_attack_it_at_the_place_the_lead_named() -> None:
    raw = ("Published: 2026-08-25\nEight displaced killed near Aru\n\n"
           "RADIO LAC LIBRE - Bunia, Tuesday 25 August 2026\n\n"
           "The toll of the raid on a displacement site in the Aru territory keeps rising.\n\n"
           "The assailants, armed with machetes and guns, entered the site in the night of Sunday to Monday, "
           "survivors told our correspondent, who saw burnt huts. Relief workers counted eight bodies.\n")
    [e] = propose(raw, name="invented.txt").events
    assert (e["sub_event_type"], e["event_date"]) == ("Attack", "2026-08-23")
    assert (e["location"], e["geo_precision"]) == ("Aru", "near")


def test_soldiers_engaging_the_assailants_is_a_clash() -> None:
    t = classify.trigger("Soldiers pursued the assailants on Monday and engaged them in the hills near Mahagi.")
    assert t is not None and (t.event_type, t.sub_event_type) == ("Battles", "Armed clash")


def test_a_long_first_line_without_a_full_stop_is_the_headline() -> None:
    head = ("Water cannon on the avenue as students march on the day of the budget speech; a bus torched at nightfall "
            "near the main square of the capital")
    assert len(head) > 120
    report = text.read(f"Published: 2026-05-22\n{head}\n\nStudents marched in Lima on Thursday.\n")
    assert [s.text for s in report.sentences] == ["Students marched in Lima on Thursday."]


def test_squares_and_metro_stations_are_no_towns() -> None:
    assert not [w for w in places.candidates("Youths burned a bus near Plaza Baquedano on Thursday.", "CHL")
                if w.name == "Baquedano"]
    w = places.unresolved("Police fired tear gas near the Universidad de Chile metro station.", "CHL",
                          "In Santiago.")
    assert w is not None and (w.place.name, w.precision) == ("Santiago", "exact")

"""Items of a humanitarian bulletin: "the clash of 2 May, covered in Bulletin No. 18, continues to drive
displacement" was news of an earlier issue; a vehicle "stopped at gunpoint by four armed men" whose staff "were
robbed of their phones" is Strategic developments / Looting/property destruction, no one hurt. Each sentence
is invented."""

from __future__ import annotations

from cedar.coding import classify
from cedar.coding.propose import propose

HEAD = "Published: 2026-05-19\nNORTH-WEST ACCESS BULLETIN No. 20 (11-17 May 2026)\n\n"


def test_an_event_covered_in_an_earlier_issue_is_not_coded_again() -> None:
    raw = HEAD + ("The clash of 2 May between armed elements and national forces near Bozoum, covered in Bulletin "
                  "No. 19, continues to drive displacement towards Bossangoa.\n")
    assert propose(raw, name="invented.txt").events == []


def test_a_vehicle_held_up_and_robbed_is_looting() -> None:
    t = classify.trigger("On 14 May, a clinic's vehicle was stopped at gunpoint by three armed men near Paoua.")
    assert t is not None and (t.event_type, t.sub_event_type) == ("Strategic developments",
                                                                 "Looting/property destruction")
    raw = HEAD + ("On 14 May, a clinic's vehicle was stopped at gunpoint by three armed men near Paoua. The two staff "
                  "on board were robbed of their phones and cash. Nobody was hurt.\n")
    [e] = propose(raw, name="invented.txt").events
    assert (e["sub_event_type"], e["event_date"], e["location"], e["fatalities"]) == (
        "Looting/property destruction", "2026-05-14", "Paoua", 0)

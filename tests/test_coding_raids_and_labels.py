"""Police storming an office and taking people away is Strategic developments / Arrests, not an attack; a
party's word in quotes ("the party said the raid was 'an abduction'") is a label, not another act (a party's
label does not make the event); the act told before the label still counts. Each sentence is invented."""

from __future__ import annotations

from cedar.coding import classify
from cedar.coding.propose import propose


def test_police_storming_an_office_and_taking_people_away_is_arrests() -> None:
    t = classify.trigger("Police stormed the party's offices in Gulu on Tuesday night, taking away 12 supporters.")
    assert t is not None and (t.event_type, t.sub_event_type) == ("Strategic developments", "Arrests")
    t2 = classify.trigger("Gunmen stormed a bar in Gulu on Tuesday night, killing three people.")
    assert t2 is not None and t2.sub_event_type == "Attack"


def test_a_partys_label_in_quotes_is_no_event() -> None:
    assert classify.trigger('The party said the raid was "an abduction" and vowed to go to court.') is None
    raw = ("Published: 2026-07-09\nNight raid on party offices\n\nKAMPALA, July 9 (Lake Observer) - Police stormed "
           "the party's offices in Gulu on Tuesday night, taking away 12 supporters, a police spokesman confirmed. "
           "The party said the raid was \"an abduction\".\n")
    [e] = propose(raw, name="invented.txt").events
    assert (e["sub_event_type"], e["event_date"], e["inter1"]) == ("Arrests", "2026-07-07", 1)

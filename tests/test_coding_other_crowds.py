"""One event per place, day, actor pair and sub-event type: a march dispersed with tear gas, and hours later
"after the march had dispersed", youths "who had not taken part in it" burning a bus, are two events in one
city and day (a protest with intervention and a riot); a march that turned violent stays one. Each sentence is
invented."""

from __future__ import annotations

from cedar.coding.propose import propose

HEAD = "Published: 2026-05-22\nMarch and riot in Lima\n\nLIMA, May 22 (Andes Wire) - "


def test_a_riot_by_others_after_the_march_dispersed_is_its_own_event() -> None:
    raw = HEAD + ("Students marched in Lima on Thursday morning until police dispersed them with tear gas, our "
                  "reporters saw.\n\nHours later, after the march had dispersed, groups of hooded youths who had not "
                  "taken part in it set fire to a bus in Lima, our photographer saw.\n")
    subs = sorted(e["sub_event_type"] for e in propose(raw, name="invented.txt").events)
    assert subs == ["Protest with intervention", "Violent demonstration"]


def test_a_march_that_turned_violent_is_one_event() -> None:
    raw = HEAD + ("Students marched in Lima on Thursday morning until police dispersed them with tear gas, our "
                  "reporters saw.\n\nHours later, some of the marchers set fire to a bus in Lima, our photographer "
                  "saw.\n")
    [e] = propose(raw, name="invented.txt").events
    assert e["sub_event_type"] == "Violent demonstration"

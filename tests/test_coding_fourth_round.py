"""Kinds found by a fourth round of invented reports (Lebanon, Mali, Ethiopia, Philippines, Afghanistan): "an
Israeli air strike" names Israel's forces; "responsible for rocket launches" is no shelling; "no reports of
casualties" is 0; "a bomb hidden in a motorcycle exploded" and a bridge blown up are explosions; "two days
later" dates the act after the event just told; "arresting" is an arrest and "no mention of arrests" is none;
a statement that makes no mention of the act does not acknowledge it. Each sentence is invented."""

from __future__ import annotations

from typing import Any

from cedar.coding import classify, facts
from cedar.coding.propose import propose

PUB = "Published: 2026-02-25\n\n"  # a Wednesday


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def _sub(sentence: str) -> str | None:
    t = classify.trigger(sentence)
    return t.sub_event_type if t else None


def test_a_foreign_air_strike_and_what_a_target_was_responsible_for() -> None:
    events = _events("BEIRUT, Feb 25 (Cedar Wire) - An Israeli air strike on a car in Nabatieh, Lebanon, killed two "
                     "people on Tuesday, the health ministry said. The Israeli military said it had targeted a "
                     "commander responsible for rocket launches.")
    assert [(e["sub_event_type"], e["actor1"], e["inter1"]) for e in events] == [
        ("Air/drone strike", "Military Forces of Israel (2022-)", 8)]


def test_no_reports_of_casualties_is_zero() -> None:
    assert facts.fatalities(["Artillery shelled the outskirts of the town on Tuesday.", "There were no reports of "
                             "casualties."], "Shelling/artillery/missile attack").best == 0


def test_bombs_that_exploded_and_bridges_blown_up() -> None:
    assert _sub("A bomb hidden in a motorcycle exploded near a mosque during Friday prayers.") == \
        "Remote explosive/landmine/IED"
    assert _sub("Jihadists blew up a bridge on the road between Segou and Markala on Sunday night.") == \
        "Remote explosive/landmine/IED"


def test_two_days_later_and_arrests_not_mentioned() -> None:
    events = _events("BAMAKO, Feb 25 (Niger Bend Wire) - Jihadists blew up a bridge near Segou, Mali, on Sunday "
                     "night, the governor's office said.\n\nTwo days later, soldiers carried out an operation in "
                     "villages near Niono, arresting about 30 men, residents said. The army said it had killed 12 "
                     "terrorists and made no mention of arrests.")
    arrests = [e for e in events if e["sub_event_type"] == "Arrests"]
    assert [(e["event_date"], e["location"]) for e in arrests] == [("2026-02-24", "Niono")]
    assert arrests[0]["verification_basis"] != "actor-acknowledgement"

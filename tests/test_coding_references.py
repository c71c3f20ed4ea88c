"""Dates and sentences that refer to events already told: "Monday's bombing" beside the day of an arrest
names the bombing, and what men are "suspected of" is not the arrest's day; "the attack came two days after
gunfights in X" dates the gunfights two days before the attack; "Monday's blast" joins the blast, not the
event told last. Each sentence is invented."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cedar.coding import dates
from cedar.coding.propose import propose

PUB = "Published: 2026-05-13\n\n"  # a Wednesday
WEDNESDAY = dt.date(2026, 5, 13)


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def test_a_possessive_day_and_a_suspicion_do_not_date_the_act() -> None:
    s = "Early today, police detained four men in Yala, suspected of involvement in Monday's bombing."
    assert [w.start for w in dates.find(s, WEDNESDAY)] == [WEDNESDAY]
    s = "Police arrested two men on Tuesday who are accused of a robbery on Sunday."
    assert [w.start for w in dates.find(s, WEDNESDAY)] == [dt.date(2026, 5, 12)]
    events = _events("BANGKOK, May 13 (Gulf Wire) - Early today, soldiers detained four men in raids in Yala, "
                     "Thailand, the army said, adding that they were suspected of involvement in Monday's bombing.")
    assert [e["event_date"] for e in events] == ["2026-05-13"]


def test_the_attack_came_two_days_after_dates_the_earlier_event() -> None:
    assert dates.days_before_told("The attack came two days after gunfights between gangs in the port.", 40) == 2
    assert dates.days_before_told("Youths rioted on Saturday, a day after a boy died.", 0) is None
    events = _events("QUITO, May 13 (Andes Daily) - A car bomb exploded outside a police station in Guayaquil, "
                     "Ecuador, on Monday, police said.\n\nThe attack came two days after a gunfight between rival "
                     "gangs in the port left at least three people dead, residents said.")
    assert [(e["sub_event_type"], e["event_date"]) for e in events] == [
        ("Remote explosive/landmine/IED", "2026-05-11"), ("Armed clash", "2026-05-09")]


def test_a_sentence_naming_the_blast_joins_the_blast() -> None:
    events = _events("QUITO, May 13 (Andes Daily) - A car bomb exploded outside a police station in Guayaquil, "
                     "Ecuador, on Monday, police said.\n\nHours later, police defused a second device near a bridge "
                     "in Guayaquil, the police said.\n\nNobody was killed in Monday's blast, which a reporter saw.")
    blast = next(e for e in events if e["sub_event_type"] == "Remote explosive/landmine/IED")
    assert "Nobody was killed" in blast["evidence"]
    assert (blast["verification_status"], blast["verification_basis"]) == ("verified", "outlet-own-reporting")

"""What a source leaves unsaid ("he did not say how many attackers had been killed or captured") tells no
capture; the day a quote reached an agency ("was quoted as saying by the state news agency on Friday") is not
the act's; a sentence opening on a past year ("In September 2022, police fired on a protest after Friday
prayers") is background, whatever weekday it names. Each sentence is invented."""

from __future__ import annotations

import datetime as dt

from cedar.coding import classify, dates
from cedar.coding.propose import propose

PUB = dt.date(2026, 2, 7)  # a Saturday


def test_what_a_source_did_not_say_is_no_act() -> None:
    assert classify.trigger("He did not say how many attackers had been killed or captured.") is None
    assert classify.trigger("The governor would not confirm whether the town had been captured.") is None
    t = classify.trigger("Rebels captured the town on Friday.")
    assert t is not None and t.sub_event_type == "Non-state actor overtakes territory"


def test_the_day_an_agency_quoted_a_source_is_not_the_acts() -> None:
    s = ("Gunmen attacked a checkpoint near Zabol on Thursday night, killing two guards, the deputy governor was "
         "quoted as saying by the official news agency on Friday.")
    t = classify.trigger(s)
    assert [w.start for w in dates.find(s, PUB, t.pos if t else None)] == [dt.date(2026, 2, 5)]


def test_a_sentence_opening_on_a_past_year_is_background() -> None:
    raw = ("Published: 2026-02-07\n\nZAHEDAN, Feb 7 (Gulf Wire) - Several hundred worshippers marched in Zahedan "
           "after Friday prayers, residents said.\n\nIn September 2022, security forces killed dozens of people in "
           "Zahedan when they opened fire on a protest after Friday prayers.\n")
    [e] = propose(raw, name="invented.txt").events
    assert (e["sub_event_type"], e["event_date"], e["fatalities"]) == ("Peaceful protest", "2026-02-06", 0)

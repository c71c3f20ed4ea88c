"""A brawl with sticks or bricks between crowds is Riots / Mob violence, not an armed clash; an event is
dated to the day of the act, not to the day a victim died, nor to the dateline's date. Reports invented."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cedar.coding import classify, dates
from cedar.coding.propose import propose

PUB = "Published: 2026-06-03\n\n"  # a Wednesday


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def test_a_brawl_with_sticks_is_mob_violence_between_rioters() -> None:
    for s in ("Supporters of the two candidates fought with sticks and stones near the market on Monday.",
              "A clash between activists of rival unions broke out at the depot on Monday."):
        t = classify.trigger(s)
        assert t is not None and (t.event_type, t.sub_event_type) == ("Riots", "Mob violence"), s
    [e] = _events("Youths of two villages near Kisumu, Kenya, fought with machetes and clubs on Monday, "
                  "police said.")
    assert (e["sub_event_type"], e["actor1"], e["actor2"]) == ("Mob violence", "Rioters (Kenya)", "Rioters (Kenya)")


def test_the_day_a_victim_died_is_not_the_events_day() -> None:
    pub = dt.date(2026, 6, 3)
    [w] = dates.find("A student died in hospital early today, a day after being stabbed in a fight on Monday.", pub)
    assert w.start == dt.date(2026, 6, 1)
    events = _events("A trader died in hospital in Kisumu, Kenya, this morning, hours after being beaten in a clash "
                     "between supporters of two parties yesterday afternoon.")
    assert [(e["sub_event_type"], e["event_date"]) for e in events] == [("Mob violence", "2026-06-02")]


def test_a_dateline_with_a_double_dash_is_not_the_events_day() -> None:
    events = _events("NAIROBI, June 3 (Savanna Wire) -- Gunmen ambushed a police patrol near Garissa, Kenya, "
                     "on Monday, the police said.")
    assert [(e["sub_event_type"], e["event_date"]) for e in events] == [("Armed clash", "2026-06-01")]


def test_a_dateline_of_several_capitalised_words_is_cut() -> None:
    events = _events("EL OBEID, Sudan, June 3 (Nile Courier) - A drone strike on a market in El Obeid on Monday "
                     "killed 15 people, medics said.")
    assert [(e["sub_event_type"], e["event_date"]) for e in events] == [("Air/drone strike", "2026-06-01")]
    # a sentence that opens on a capitalised acronym and a dash is no dateline
    [e] = _events("NATO troops - sent in May - were attacked near Mitrovica, Kosovo, on Monday by masked men.")
    assert e["event_date"] == "2026-06-01"


def test_the_night_of_one_day_to_the_next_is_the_first_day() -> None:
    [w] = dates.find("On the night of Saturday to Sunday, a drone struck a gathering near the town.",
                     dt.date(2026, 6, 3))
    assert w.start == dt.date(2026, 5, 30)


def test_the_day_after_a_reported_act_is_the_acts_not_the_statements() -> None:
    pub = dt.date(2026, 6, 3)
    assert [w.start for w in dates.find("The army said rebels attacked a base on Monday.", pub)] == [
        dt.date(2026, 6, 1)]
    assert [w.start for w in dates.find("A local official said gunmen killed two farmers on Monday.", pub)] == [
        dt.date(2026, 6, 1)]
    # the words of a statement between: the day is when it was said
    assert dates.find("The army said in a statement on Monday that rebels attacked a base.", pub) == []
    assert dates.find("The group said in a statement on its Telegram channel on Monday that it attacked.", pub) == []
    [e] = _events("A local official said gunmen killed two farmers near Garissa, Kenya, on Monday.")
    assert (e["event_date"], e["verification_status"]) == ("2026-06-01", "unverified")


def test_n_days_after_a_dated_announcement_dates_the_act_before_it() -> None:
    pub = dt.date(2026, 6, 3)
    [w] = dates.find("The junta imposed a curfew on Tuesday, two days after fighters attacked a convoy near the "
                     "town.", pub)
    assert w.start == dt.date(2026, 5, 31)
    # a day named after "a day after" is the act's own
    [w] = dates.find("The blast came a day after gunmen abducted a teacher on Sunday evening.", pub)
    assert w.start == dt.date(2026, 5, 31)

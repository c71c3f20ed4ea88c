"""What is not a new event: the acts a court case is about, dated by its hearing; a statement's own day at the
end of a sentence; a tally "in recent years"; a later sentence that refers back to "the fighting on Thursday".
And "on Saturday, a day after X" dates the act told before the phrase to Saturday. Each sentence is invented."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cedar.coding import dates
from cedar.coding.propose import propose

PUB = "Published: 2026-05-08\n\n"  # a Friday
FRIDAY = dt.date(2026, 5, 8)


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def test_a_hearing_day_does_not_date_the_acts_of_the_case() -> None:
    assert _events("RECIFE, May 8 (Nordeste Daily) - A judge in Recife, Brazil, on Tuesday set a trial date for two "
                   "prison guards accused of killing an inmate. The guards, who deny the charges, say they came under "
                   "fire from inmates.") == []


def test_a_statement_day_at_the_end_of_the_sentence_is_not_the_act_day() -> None:
    s = ("Gunmen ambushed a convoy near Gao on Monday, killing five soldiers, the ministry said in a statement read "
         "out on national radio on Tuesday evening.")
    assert [w.start for w in dates.find(s, FRIDAY)] == [dt.date(2026, 5, 4)]
    [e] = _events("BAMAKO, May 8 (Niger Bend Wire) - " + s)
    assert e["event_date"] == "2026-05-04"
    # a verb of action after the statement: the day is the act's
    s = "Witnesses said on the radio that rebels attacked a base on Monday."
    assert [w.start for w in dates.find(s, FRIDAY)] == [dt.date(2026, 5, 4)]


def test_a_tally_in_recent_years_is_no_event() -> None:
    assert _events("Cattle raids between the two communities near Bor, South Sudan, have killed hundreds of people "
                   "in recent years.") == []


def test_a_sentence_that_refers_back_to_the_fighting_adds_to_it() -> None:
    events = _events("SANAA, May 8 (Arabia Daily) - Rebels fought government troops near Harib, Yemen, on Thursday, "
                     "the army said. A local chief said the fighting on Thursday was the fiercest in months, with "
                     "mortar fire heard in the town all morning.")
    assert [e["sub_event_type"] for e in events] == ["Armed clash"]
    assert "mortar fire" in events[0]["evidence"]


def test_an_act_told_before_a_day_after_keeps_its_own_day() -> None:
    s = "Youths burned cars in Lyon on Saturday night, a day after a teenager died in a police chase."
    assert [w.start for w in dates.find(s, FRIDAY, act=7)] == [dt.date(2026, 5, 2)]
    s = "A curfew was imposed on Thursday, two days after fighters attacked a convoy."
    assert [w.start for w in dates.find(s, FRIDAY, act=s.index("attacked"))] == [dt.date(2026, 5, 5)]

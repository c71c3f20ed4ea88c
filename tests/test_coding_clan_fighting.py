"""Clan fighting told over several days: "fighting between the X and Y clans" is a clash of two communal
militias (type 4); "six more died when the fighting resumed on Tuesday" is Tuesday's own event with its own
toll; a lead that "has left eleven dead since the start of the week" is a running tally, no event; gunmen
"believed by police to belong to the X clan" are that clan's militia; "unable to confirm which clan had lost
the most men" hedges a side, not the event. Each sentence is invented."""

from __future__ import annotations

from cedar.coding import facts
from cedar.coding.propose import propose

RAW = ("Published: 2026-01-15\nClan fighting near Mendi\n\nMENDI, Papua New Guinea - Fighting between two clans "
       "near Mendi has left at least nine men dead since the start of the week.\n\n"
       "The fighting between the Tanda and Korop clans broke out on Monday morning about five kilometres south of "
       "Mendi, residents said. Four men were killed on Monday, the provincial police commander said.\n\n"
       "Five more men died when the fighting resumed on Tuesday, the commander said on Wednesday. Police were "
       "unable to confirm which clan had lost the most men.\n\n"
       "On Wednesday, gunmen believed by police to belong to the Tanda clan stopped a bus near Mendi and killed "
       "two passengers, a reporter at the scene saw.\n")


def test_clan_fighting_is_one_clash_a_day_between_communal_militias() -> None:
    events = propose(RAW, name="invented.txt").events
    clashes = [e for e in events if e["sub_event_type"] == "Armed clash"]
    assert [(e["event_date"], e["fatalities"]) for e in clashes] == [("2026-01-12", 4), ("2026-01-13", 5)]
    assert {(e["actor1"], e["inter1"], e["inter2"]) for e in clashes} == {
        ("Tanda Communal Militia (Papua New Guinea)", 4, 4)}
    [attack] = [e for e in events if e["sub_event_type"] == "Attack"]
    assert (attack["actor1"], attack["event_date"]) == ("Tanda Communal Militia (Papua New Guinea)", "2026-01-14")


def test_not_knowing_which_side_lost_most_is_no_hedge_on_the_event() -> None:
    assert facts.TOLL_HEDGE.search("Police were unable to confirm which clan had lost the most men.")

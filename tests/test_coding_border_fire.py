"""Fire across a border: shells "fired from across the border" are the neighbour's force (type 8), not the
home army; "X and Y troops exchanged mortar fire" is an armed clash between the two states' forces, the home
force first; the day a toll was revised is not the act's; a ministry "in a statement issued on Monday" that
"said its troops had" fired acknowledges the act even when it "made no mention" of casualties. Each
sentence is invented."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cedar.coding import actors, classify, dates, facts
from cedar.coding.propose import propose

PUB = "Published: 2026-05-06\n\n"  # a Wednesday


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def test_shells_from_across_the_border_are_the_neighbours_force() -> None:
    [e] = _events("GULISTAN, May 6 (Steppe Wire) - Artillery shells fired from across the border struck houses "
                  "near Gulistan in Uzbekistan on Monday, killing two farmers, residents said. Kazakh officials "
                  "did not comment.")
    assert e["sub_event_type"] == "Shelling/artillery/missile attack"
    assert (e["actor1"].startswith("Military Forces of Kazakhstan"), e["inter1"], e["iso3"]) == (True, 8, "UZB")


def test_two_countries_troops_exchanging_mortar_fire_is_a_clash_of_both() -> None:
    s = "Uzbek and Kazakh troops exchanged machine-gun and mortar fire at border posts near Gulistan on Monday."
    t = classify.trigger(s)
    assert t is not None and (t.event_type, t.sub_event_type) == ("Battles", "Armed clash")
    names = [f.name.split(" (")[0] for f in actors.forces(s, "UZB")]
    assert names[:2] == ["Military Forces of Uzbekistan", "Military Forces of Kazakhstan"]
    [e] = _events("GULISTAN, May 6 (Steppe Wire) - " + s)
    assert (e["inter1"], e["inter2"]) == (1, 8)
    assert e["actor1"].startswith("Military Forces of Uzbekistan")


def test_the_day_a_toll_was_revised_is_not_the_acts() -> None:
    s = ("Gunmen killed five herders near Gulistan late on Sunday, according to the governor, who had first put "
         "the toll at two before revising it on Monday afternoon.")
    t = classify.trigger(s)
    assert [w.start for w in dates.find(s, dt.date(2026, 5, 6), t.pos if t else None)] == [dt.date(2026, 5, 3)]


def test_a_statement_that_says_its_troops_fired_is_on_the_record_despite_silence_on_casualties() -> None:
    s = ("Kazakhstan's defence ministry, in a statement issued on Monday, said its troops had fired at smugglers "
         "near Gulistan, and made no mention of casualties.")
    a = facts.attribution(s, 1, None)
    assert a is not None and (a.source, a.kind) == ("Kazakhstan's defence ministry", "state")


def test_the_neighbours_statement_acknowledges_its_shelling() -> None:
    [e] = _events("GULISTAN, May 6 (Steppe Wire) - Artillery shells fired from across the border struck houses "
                  "near Gulistan in Uzbekistan on Monday, killing two farmers, according to the governor.\n\n"
                  "Kazakhstan's defence ministry, in a statement issued on Monday, said its troops had returned fire "
                  "at smugglers near Gulistan, and made no mention of casualties.")
    assert (e["verification_status"], e["verification_basis"]) == ("verified", "actor-acknowledgement")

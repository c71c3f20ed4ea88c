"""Kinds found by an eighth round of invented reports (a UN statement from Geneva on Congo, Kashmir): a
dateline abroad that the report never names again does not make the report's country; "hit X on Saturday
and Y on Sunday" pairs each place with its day; in "X accused the army", X is not the one blamed; "two
militants and a soldier were killed" is 3; "shot and wounded" is an attack; "the Kupwara district of Jammu
and Kashmir" is Kupwara. Each sentence is invented."""

from __future__ import annotations

from typing import Any

from cedar.coding import classify, facts, places
from cedar.coding.propose import propose

PUB = "Published: 2026-06-09\n\n"  # a Tuesday


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def test_a_dateline_abroad_is_not_the_country() -> None:
    text = "GENEVA, June 9 (Alpine Wire) - Gunmen killed 12 villagers near Bunia, Congolese officials said."
    assert places.main_country(text, "Geneva") == "COD"


def test_each_place_with_its_day() -> None:
    events = _events("KINSHASA, June 9 (Congo Wire) - Drones struck a market in Goma on Saturday and a bus station in "
                     "Bukavu on Sunday, the UN said.")
    assert sorted((e["location"], e["event_date"]) for e in events) == [
        ("Bukavu", "2026-06-07"), ("Goma", "2026-06-06")]


def test_the_accuser_is_not_the_one_blamed() -> None:
    [e] = _events("KINSHASA, June 9 (Congo Wire) - Gunmen shot dead six traders near Rutshuru on Sunday, residents "
                  "said. The M23 accused the army of the killings.")
    assert e["actor1"] != "M23: March 23 Movement"


def test_two_counts_killed_together_and_shot_and_wounded() -> None:
    assert facts.fatalities(["Two suspected militants and a soldier were killed in a gunfight on Thursday."],
                            "Armed clash").best == 3
    t = classify.trigger("Gunmen shot and wounded a migrant worker in Shopian on Wednesday evening.")
    assert t is not None and t.sub_event_type == "Attack"


def test_a_district_before_its_province_is_the_place() -> None:
    w = places.candidates("a gunfight in the Kupwara district of Jammu and Kashmir on Thursday", "IND")[0]
    assert (w.name, w.precision) == ("Kupwara", "near")

"""Reports that tell several events one after another, each in a clause or paragraph of its own: a lead
that names no place is at the dateline's town, an event first told in passing with its own day ("the
arrest on Monday of ...") is news, people gathering in solidarity protest, detentions told after a
demonstration belong to it, a hospital or a road between two towns names a town. Each report is invented."""

from __future__ import annotations

from typing import Any

from cedar.coding import actors, classify, places
from cedar.coding.propose import propose

PUB = "Published: 2026-06-03\n\n"  # a Wednesday


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def _brief(e: dict[str, Any]) -> tuple[str, str, str]:
    return e["sub_event_type"], e["event_date"], e["location"]


RUN = (
    "KAMPALA, June 3 (Lake Wire) - Riot police fired tear gas at protesters outside parliament late on Tuesday "
    "after a group of demonstrators threw stones at officers guarding the gates.\n\n"
    "Police said 14 people were detained and three officers were hurt.\n\n"
    "The protest followed the arrest on Monday of Moses Okello, an opposition organiser, whom police detained "
    "at his office in Kampala.\n\n"
    "In the lakeside town of Entebbe, several hundred people gathered outside the district offices on Tuesday "
    "evening in solidarity with the detained organiser, and went home peacefully.\n\n"
    "In Gulu, a party agent said she had been beaten by two masked men outside her home on Sunday night."
)


def test_each_event_of_a_run_of_paragraphs_is_proposed() -> None:
    events = _events(RUN)
    assert [_brief(e) for e in events] == [
        ("Violent demonstration", "2026-06-02", "Kampala"),  # the dateline's town: the lead names none
        ("Arrests", "2026-06-01", "Kampala"),  # "the arrest on Monday of": told in passing, but news
        ("Peaceful protest", "2026-06-02", "Entebbe"),  # gathered in solidarity; "the detained" is no arrest
        ("Attack", "2026-05-31", "Gulu"),
    ]
    # the detentions at the demonstration are its own, not an arrest event without a day
    assert "14 people were detained" in events[0]["evidence"]


def test_the_detained_person_is_not_an_arrest() -> None:
    t = classify.trigger("Supporters sang outside the court in solidarity with the detained organiser on Friday.")
    assert t is not None and t.sub_event_type == "Peaceful protest"


def test_a_hospital_names_its_town_and_a_road_between_towns_is_near_the_first() -> None:
    [w] = places.candidates("A man died at Kisumu County Hospital on Monday.", "KEN")[:1]
    assert w.place.name == "Kisumu"
    [e] = _events("Two soldiers died on Tuesday when a roadside bomb exploded under their truck on the "
                  "Nakuru-Eldoret highway in Kenya, police said.")
    assert (e["location"], e["geo_precision"]) == ("Nakuru", "near")


def test_each_clause_of_a_run_that_opens_on_another_place_is_an_event() -> None:
    raw = PUB + ("Suspected jihadists killed four civilians in Garissa, Kenya, on Monday; in Mandera, soldiers "
                 "clashed with Al Shabaab fighters on Tuesday, the army said; and in Wajir, a roadside bomb struck "
                 "a bus on Tuesday, killing seven passengers.\n\nResidents of Garissa said the gunmen came at dawn.\n")
    events = propose(raw, name="invented.txt").events
    assert [_brief(e) for e in events] == [("Attack", "2026-06-01", "Garissa"),
                                           ("Armed clash", "2026-06-02", "Mandera"),
                                           ("Remote explosive/landmine/IED", "2026-06-02", "Wajir")]
    assert [e["fatalities"] for e in events] == [4, None, 7]
    for e in events:  # every quote is the report's own words, the clauses too
        assert all(q in raw for q in e["evidence"].split(" [...] "))
    [a, b] = _events("Hundreds of students marched through Nakuru, Kenya, on Monday to demand lower fees, while in "
                     "Eldoret police fired tear gas at traders protesting against new taxes on the same day.")
    assert [_brief(a), _brief(b)] == [("Peaceful protest", "2026-06-01", "Nakuru"),
                                      ("Protest with intervention", "2026-06-01", "Eldoret")]


def test_a_list_of_places_in_one_clause_is_not_split() -> None:
    t = text_of("Protesters marched in Nakuru, in Eldoret and in Kisumu on Monday.")
    assert len(t.sentences) == 1


def text_of(body: str) -> Any:
    from cedar.coding import text

    return text.read(PUB + body + "\n")


def test_a_province_named_like_a_small_town_is_the_province() -> None:
    found = places.candidates("In Sinaloa, gunmen attacked a bar outside Culiacan on Monday.", "MEX")
    assert [(w.name, w.precision) for w in found] == [("Culiacan", "near"), ("Sinaloa", "region")]
    assert found[1].place.name == "Culiacán"  # the province's largest town, not the village named after it


def test_a_later_paragraph_of_rioting_turns_the_march_into_a_riot() -> None:
    events = _events("Police shot dead two protesters on Tuesday as thousands marched on parliament in Nairobi, "
                     "Kenya, a rights group said.\n\nProtesters set fire to part of the city hall and looted shops, "
                     "a Ledger reporter saw.\n\nThe day before, officers arrested four organisers of the protests "
                     "at their homes in Mombasa, their lawyers said.")
    assert [(e["sub_event_type"], e["location"], e["verification_basis"]) for e in events] == [
        ("Violent demonstration", "Nairobi", "outlet-own-reporting"), ("Arrests", "Mombasa", None)]


def test_a_group_named_army_taking_a_town_is_not_the_state() -> None:
    t = classify.trigger("The Arakan Army said it had captured a battalion headquarters in Ann on Sunday.")
    assert t is not None and t.sub_event_type == "Non-state actor overtakes territory"
    t = classify.trigger("The army said it had captured the town on Sunday.")
    assert t is not None and t.sub_event_type == "Government regains territory"


def test_a_part_of_a_town_named_with_a_possessive_after_in_is_at_the_town() -> None:
    found = places.candidates("In El Fasher's Abu Shouk camp, shelling killed eight people on Monday.", "SDN")
    assert found and found[0].place.name == "El Fasher"


def test_a_road_between_two_towns_is_one_event_near_the_first() -> None:
    events = _events("Rebels ambushed a police convoy on the road between Nakuru and Eldoret, Kenya, on Monday, "
                     "killing at least seven officers, two officials said.")
    assert [(e["location"], e["geo_precision"]) for e in events] == [("Nakuru", "near")]


def test_the_country_is_where_the_towns_are_not_the_actors_demonym() -> None:
    raw = PUB + ("KABUL, June 3 (Hindu Kush News) - Pakistani military aircraft bombed houses in the Barmal district "
                 "of Paktika province late on Tuesday, killing nine civilians, a Taliban spokesman said. Pakistan's "
                 "military did not confirm the strikes. The Pakistani army said its troops were on alert. Pakistani "
                 "officials gave no details.\n")
    [e] = propose(raw, name="invented.txt").events
    assert (e["iso3"], e["geo_precision"], e["actor1"], e["inter1"]) == (
        "AFG", "region", "Military Forces of Pakistan (2024-)", 8)


def test_the_department_of_x_is_a_province_and_a_town_after_it_wins() -> None:
    [e, f] = _events("In the neighbouring department of Narino, Colombia, coca growers held a sit-in outside the "
                     "town hall of Tumaco on Monday and Tuesday.")
    assert (e["location"], f["location"], e["event_date"], f["event_date"]) == (
        "Tumaco", "Tumaco", "2026-06-01", "2026-06-02")
    names = [a.name for a in actors.named_groups("FARC dissidents of the Carlos Patino front attacked.", "COL")]
    assert "FARC Dissidents: Carlos Patino Front" in names


def test_an_arabic_town_is_found_without_its_article() -> None:
    found = places.candidates("A drone struck a car near Qamishli on Thursday.", "SYR")
    assert found and found[0].place.name.startswith("Al Q")

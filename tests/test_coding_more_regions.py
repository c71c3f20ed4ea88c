"""Kinds found by coding a second round of invented reports (Sudan, Nigeria, Haiti, Ukraine, Kenya): "calls for
protests" are a plan; relatives of soldiers who rally are protesters; "confirmed the abduction" refers back;
police killing a gang leader is a clash; a foreign force's capture told
from the country it hits is a non-state (foreign) actor's; the outlet's reporters at the scene describe the
event just told; a denied killing disputes excessive force; a dateline with a hyphenated town is cut; an
unknown suburb is near the town the report is from. Each sentence is invented."""

from __future__ import annotations

from typing import Any

from cedar.coding import classify, text
from cedar.coding.propose import propose

PUB = "Published: 2026-06-18\n\n"  # a Thursday


def _events(body: str, source: str | None = None) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt", source=source).events


def _sub(sentence: str) -> str | None:
    t = classify.trigger(sentence)
    return t.sub_event_type if t else None


def test_calls_for_protests_are_a_plan() -> None:
    assert _sub("Parliament on Wednesday passed a finance bill despite opposition calls for protests.") is None
    assert _sub("Relatives of missing soldiers rallied on Sunday outside the presidential office.") == \
        "Peaceful protest"


def test_confirming_the_abduction_refers_back() -> None:
    events = _events("KANO, June 18 (Sahel Standard) - Gunmen abducted 20 villagers in Zurmi, Nigeria, on Monday, "
                     "residents said.\n\nA police spokesman confirmed the abduction and said teams had been deployed.")
    assert [e["sub_event_type"] for e in events] == ["Abduction/forced disappearance"]


def test_police_killing_a_gang_leader_is_a_clash() -> None:
    assert _sub("Police killed a gang leader in an operation in Kenscoff on Tuesday.") == "Armed clash"


def test_a_foreign_capture_told_from_the_country_hit() -> None:
    [e] = _events("KYIV, June 18 (Dnipro Wire) - Russian troops captured the town of Pokrovsk on Monday, Russia's "
                  "defence ministry said.")
    assert (e["sub_event_type"], e["actor1"], e["inter1"]) == (
        "Non-state actor overtakes territory", "Military Forces of Russia (2000-)", 8)


def test_reporters_at_the_scene_describe_the_event_told() -> None:
    [e] = _events("KYIV, June 18 (Dnipro Wire) - Drones struck Kharkiv, Ukraine, overnight, killing two people, the "
                  "regional governor said.\n\nA block of flats was partly destroyed. Dnipro Wire reporters at the "
                  "scene saw four burned-out cars.")
    assert (e["verification_status"], e["verification_basis"]) == ("verified", "outlet-own-reporting")


def test_a_denied_killing_disputes_excessive_force() -> None:
    [e] = _events("LAGOS, June 18 (Coast Wire) - Police fired tear gas yesterday at hundreds of people protesting "
                  "against fuel prices in Abuja, Nigeria. A rights group said two protesters were shot dead; police "
                  "denied that any protester had been killed.")
    assert (e["sub_event_type"], e["verification_status"]) == ("Excessive force against protesters", "disputed")


def test_a_hyphenated_dateline_is_cut_and_an_unknown_suburb_is_near_its_town() -> None:
    r = text.read(PUB + "PORT-AU-PRINCE, June 18 (Caribbean Wire) - Gunmen shot dead four people in Haiti.\n")
    assert r.sentences[0].text.startswith("Gunmen")
    events = _events("PORT-AU-PRINCE, June 18 (Caribbean Wire) - Gunmen shot dead four people in Cite Soleil, Haiti, "
                     "on Monday, police said.\n\nHundreds of people blocked roads with burning tyres in Petion-Ville "
                     "on Tuesday, witnesses said.")
    riot = next(e for e in events if e["event_type"] == "Riots")
    assert (riot["location"], riot["geo_precision"], riot["admin1"]) == ("Petion-Ville", "near", "Ouest")

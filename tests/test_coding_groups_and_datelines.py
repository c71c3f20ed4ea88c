"""A dateline names the town the report comes from, not a larger place that shares an alternate name; a
group the report introduces as "Full Name (ACRONYM)" is named "ACRONYM: Full Name" wherever either form
appears, and a lexicon alias inside that name ("National Liberation Army") is not another group; sources
"close to" a group are anonymous, one partisan claim. Each sentence is invented."""

from __future__ import annotations

from typing import Any

from cedar.coding import actors, facts, places
from cedar.coding.propose import propose

PUB = "Published: 2026-05-06\n\n"  # a Wednesday


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def test_the_dateline_is_the_town_of_that_name_not_a_larger_alias() -> None:
    # GeoNames lists "Jayapura" among the alternate names of Jaipur (India), a far larger city
    text = "JAYAPURA, May 6 (Timur Daily) - Gunmen shot dead two farmers in Wamena on Monday, police said."
    assert places.main_country(text, "Jayapura") == "IDN"
    [e] = _events(text)
    assert (e["iso3"], e["location"]) == ("IDN", "Wamena")


def test_a_group_introduced_with_its_acronym_takes_acled_style_name() -> None:
    [e] = _events("JAYAPURA, May 6 (Timur Daily) - Fighters of the Highland People's Liberation Army (HPLA) "
                  "ambushed an army patrol near Wamena on Monday, killing two soldiers, the army said.\n\n"
                  "An HPLA spokesman said in a statement that the group had carried out the ambush.")
    assert (e["actor1"], e["inter1"]) == ("HPLA: Highland People's Liberation Army", 2)
    assert (e["verification_status"], e["verification_basis"]) == ("verified", "actor-acknowledgement")
    with actors.report_groups("the Highland People's Liberation Army (HPLA) said"):
        names = [a.name for a in actors.named_groups("HPLA fighters attacked a post.", "IDN")]
    assert names == ["HPLA: Highland People's Liberation Army"]
    # the lexicon's "National Liberation Army" (Colombia's ELN) is only part of that name
    with actors.report_groups("the Highland National Liberation Army (HNLA) said"):
        names = [a.name for a in actors.named_groups("the Highland National Liberation Army attacked", "IDN")]
    assert names == ["HNLA: Highland National Liberation Army"]


def test_a_state_force_named_with_its_acronym_is_not_a_group() -> None:
    assert actors.defined_groups("the Armed Forces of the Philippines (AFP) said") == []
    assert actors.defined_groups("the Syrian Democratic Forces (SDF) said") == []  # the lexicon's own name


def test_sources_close_to_a_group_are_anonymous_and_do_not_acknowledge() -> None:
    a = facts.attribution("Sources close to the HPLA claimed its fighters had attacked a post on Monday.", 0, None)
    assert a is not None and a.kind == "anonymous"
    [e] = _events("JAYAPURA, May 6 (Timur Daily) - Sources close to the Highland People's Liberation Army (HPLA) "
                  "said its fighters clashed with troops near Wamena on Monday. There was no independent "
                  "confirmation of the clash.")
    assert e["verification_status"] == "unverified"

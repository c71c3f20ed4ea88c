"""Wording of reports translated from French: "tear gas grenades" are crowd control, not a grenade attack;
leaders "taken from their homes by men in uniform", which their movement "denounced" as "abductions", are
arrests by the state; "sixty women of the movement gathered in front of the prefecture" is a demonstration;
"we observed" and "according to the observations of our reporters" are the outlet's own reporting. Each
sentence is invented."""

from __future__ import annotations

from cedar.coding import classify, facts


def test_tear_gas_grenades_are_no_grenade_attack() -> None:
    t = classify.trigger("Youths threw stones at the police, who responded with tear gas grenades.")
    assert t is None or t.sub_event_type != "Grenade"


def test_abductions_a_party_denounces_by_men_in_uniform_are_arrests() -> None:
    s = ("Two leaders were taken from their homes in Matam by men in uniform, according to a communiqué of the "
         "movement, which denounced \"abductions\".")
    t = classify.trigger(s)
    assert t is not None and (t.event_type, t.sub_event_type) == ("Strategic developments", "Arrests")
    t2 = classify.trigger("Gunmen abducted two traders on the road to Labé.")
    assert t2 is not None and t2.sub_event_type == "Abduction/forced disappearance"


def test_women_of_a_movement_gathering_is_a_demonstration() -> None:
    t = classify.trigger("At Labé, some sixty women of the movement gathered in front of the prefecture.")
    assert t is not None and t.event_type == "Protests"


def test_we_observed_is_the_outlets_own_reporting() -> None:
    for s in ("A fuel station was set on fire in the afternoon, we observed.",
              "Clashes followed, according to the observations of our reporters on the ground."):
        a = facts.attribution(s, 0, None)
        assert a is not None and a.kind == "own", s


def test_a_protest_elsewhere_without_a_day_is_on_the_day_of_the_reports_protests() -> None:
    from cedar.coding.propose import propose

    raw = ("Published: 2026-10-23\nDay of protest in Conakry\n\nCONAKRY - Thursday was tense in Conakry, where "
           "youths erected barricades of burning tyres and threw stones at the police, our reporters saw.\n\n"
           "In the interior of the country, the call was little followed. At Labé, some forty women of the "
           "movement gathered in front of the prefecture in the morning, then dispersed calmly.\n")
    events = propose(raw, name="invented.txt").events
    assert [(e["location"], e["event_date"], e["sub_event_type"]) for e in events] == [
        ("Conakry", "2026-10-22", "Violent demonstration"), ("Labé", "2026-10-22", "Peaceful protest")]

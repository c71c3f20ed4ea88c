"""General rules of the coding assist, each on a small report invented here: plans and background start no
event, passive agents are the perpetrators, a crowd's barricades make a riot, aircraft dropping bombs make
an air strike, a state's capture of a town is the government regaining it, arrests told without a day."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

from conftest import DATA

from benchmarks import coding_score
from cedar.coding import classify, dates, places
from cedar.coding.facts import fatalities
from cedar.coding.propose import propose
from cedar.validate.engine import check_files

PUB = "Published: 2026-06-03\n\n"  # a Wednesday


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def test_aircraft_dropping_bombs_is_an_air_strike() -> None:
    [e] = _events("On Saturday, military aircraft dropped bombs on the market of El Fasher, Sudan, residents said.")
    assert (e["sub_event_type"], e["event_date"]) == ("Air/drone strike", "2026-05-30")


def test_a_state_force_taking_a_town_regains_territory() -> None:
    t = classify.trigger("The defence ministry said its forces took control of the town after heavy fighting.")
    assert t is not None and t.sub_event_type == "Government regains territory"
    t = classify.trigger("The army said the rebels captured the town.")
    assert t is not None and t.sub_event_type == "Non-state actor overtakes territory"
    t = classify.trigger("Officials said troops liberated the village.")
    assert t is not None and t.sub_event_type == "Government regains territory"


def test_arrests_told_without_a_day_are_a_span_up_to_the_report() -> None:
    [e] = _events("Detectives had arrested three activists in Eldoret, Kenya, police said on Monday.")
    assert e["sub_event_type"] == "Arrests"
    assert (e["event_date"], e.get("event_date_end"), e["date_precision"]) == ("2026-05-27", "2026-06-03", "span")


def test_a_day_ahead_of_the_report_is_a_plan_not_last_years_event() -> None:
    pub = dt.date(2026, 6, 3)
    assert dates.find("Opposition leaders said supporters will march starting on June 8.", pub) == []
    assert dates.find("Unions called a strike for June 20.", pub) == []
    # far ahead: last year's day (a January report's December)
    [w] = dates.find("The clashes of December 28 left two dead.", dt.date(2026, 1, 5))
    assert w.start == dt.date(2025, 12, 28)
    assert _events("Opposition leaders in Nairobi, Kenya, said supporters will march starting on June 8.") == []
    assert _events("Unions in Nairobi, Kenya, called for a general strike from next week.") == []


def test_a_date_in_a_past_year_is_background() -> None:
    pub = dt.date(2026, 6, 3)
    assert dates.find("The rally marks the July 7, 1990 protests.", pub) == []
    assert dates.old_date("The rally marks the July 7, 1990 protests.", pub)
    assert _events("The protests in Nairobi, Kenya, mark the July 7, 1990 protests.") == []
    assert _events("The army retook Garissa, Kenya, in 2025 after heavy fighting.") == []


def test_a_clause_recalling_the_past_does_not_set_the_event_type() -> None:
    [e] = _events("Gunmen killed two herders in Garissa, Kenya, on Monday, a town which the army retook in 2025.")
    assert e["sub_event_type"] == "Attack"
    t = classify.trigger("Crowds rallied on Monday, a year after the army captured the city in 2025.")
    assert t is not None and t.event_type == "Protests"


def test_a_force_named_as_the_agent_of_a_passive_is_the_perpetrator() -> None:
    [e] = _events("A trader was shot dead by police in Kisumu, Kenya, on Monday, his family said.")
    assert (e["sub_event_type"], e["actor1"], e["inter1"]) == ("Attack", "Police Forces of Kenya (2022-)", 1)
    [e] = _events("On Monday, shells fired by the Rapid Support Forces (RSF) struck a market in El Fasher, Sudan, "
                  "killing five people, medics said.")
    assert (e["actor1"], e["inter1"]) == ("RSF: Rapid Support Forces", 2)


def test_barricades_and_burning_tyres_make_a_riot() -> None:
    [e] = _events("Youths erected barricades and burned tyres on the main road in Mombasa, Kenya, on Sunday.")
    assert (e["event_type"], e["sub_event_type"], e["actor1"]) == ("Riots", "Violent demonstration",
                                                                    "Rioters (Kenya)")


def test_the_name_of_a_day_or_movement_is_not_a_place() -> None:
    # "Saba Saba" is also a Kenyan village's name in the gazetteer
    assert places.candidates("The Saba Saba protests drew thousands.", "KEN") == []
    assert places.candidates("Thousands marched to mark Saba Saba.", "KEN") == []
    [w] = places.candidates("Thousands marched in Saba Saba.", "KEN")
    assert w.place.name == "Saba Saba"


def test_an_unknown_neighbourhood_is_placed_at_its_town_not_the_capital() -> None:
    [w] = places.candidates("Protesters in Kisumu's Kondele clashed with police.", "KEN")
    assert w.place.name == "Kisumu"
    [e] = _events("Police fired tear gas at protesters in Kondele on Monday, Kenyan police said. Kondele is a "
                  "district of Kisumu.")
    assert (e["location"], e["geo_precision"], e["admin1"]) == ("Kondele", "near", "Kisumu County")


def test_the_outlets_reporters_at_the_scene_verify_the_event() -> None:
    [e] = _events("Gunmen attacked a market in Kisumu, Kenya, on Monday, police said. Rift Daily reporters at the "
                  "scene saw four bodies.")
    assert (e["verification_status"], e["verification_basis"]) == ("verified", "outlet-own-reporting")


def test_both_sides_of_a_clash_on_the_record_verify_it() -> None:
    one = ("JNIM fighters clashed with soldiers near Djibo, Burkina Faso, on Monday, army spokesman Colonel Issa "
           "Kabore said.")
    [e] = _events(one)
    assert e["verification_status"] == "unverified"  # the side that was hit speaks alone
    [e] = _events(one + " The group said in a statement that its fighters had fought soldiers near Djibo.")
    assert (e["verification_status"], e["verification_basis"]) == ("verified", "actor-acknowledgement")
    assert len(e["claimed_by"]) == 2


def test_well_known_groups_take_acleds_names() -> None:
    [e] = _events("Fighters of the Islamic State West Africa Province (ISWAP) attacked an army base in Monguno, "
                  "Nigeria, on Monday, residents said.")
    assert (e["actor1"], e["inter1"]) == ("Islamic State (West Africa) - Lake Chad Faction", 2)
    [e] = _events("Islamic State Mozambique Province fighters killed four villagers in Macomia, Mozambique, on "
                  "Sunday, residents said.")
    assert e["actor1"] == "Islamic State (Mozambique)"


def test_armed_men_marching_in_are_not_a_demonstration() -> None:
    [e] = _events("Jihadists marched into the village of Djibo, Burkina Faso, on Monday and killed 12 civilians, "
                  "residents said.")
    assert (e["sub_event_type"], e["fatalities"]) == ("Attack", 12)
    excessive = "Excessive force against protesters"
    assert classify.protest_kind("Soldiers killed two men at a checkpoint.")[1] != excessive
    assert classify.protest_kind("Soldiers killed two protesters at a rally.")[1] == excessive


def test_the_previous_day_is_the_day_before_the_event_told() -> None:
    first, second = _events("Gunmen killed four farmers in Djibo, Burkina Faso, on Monday, residents said. The "
                            "previous day, soldiers clashed with JNIM fighters near Arbinda.")
    assert (first["event_date"], second["event_date"]) == ("2026-06-01", "2026-05-31")
    [e] = _events("The previous day, soldiers clashed with JNIM fighters near Arbinda, Burkina Faso.")
    assert e["event_date"] == "2026-06-02"


def test_a_groups_count_of_the_enemy_dead_is_a_claim_and_the_hit_sides_figure_the_toll() -> None:
    [e] = _events("JNIM fighters attacked an army post near Djibo, Burkina Faso, on Monday. JNIM said it had killed "
                  "20 soldiers. The army said three soldiers were killed.")
    assert e["fatalities"] == 3


EXTRA = DATA / "coding-extra"


def test_the_extra_reports_score_above_the_floor_and_their_gold_passes_check(tmp_path: Path) -> None:
    """Four more invented reports (Kenya, Nigeria, Sudan, Mozambique) with hand-coded gold: plans, background,
    neighbourhoods, passive perpetrators, claimed kills, both sides on the record."""
    for report in sorted(EXTRA.glob("*.txt")):
        shutil.copy(report, tmp_path / report.name)  # the document the evidence is checked against
        p = propose(report.read_text(encoding="utf-8"), document=report.name, name=report.name)
        (tmp_path / f"{report.stem}.json").write_text(json.dumps(p.events), encoding="utf-8")
        gold = json.loads((EXTRA / f"{report.stem}.gold.json").read_text(encoding="utf-8"))
        for e in gold:
            e.pop("alternatives", None)
        stripped = tmp_path / f"{report.stem}.stripped.json"
        stripped.write_text(json.dumps(gold), encoding="utf-8")
        problems = check_files([stripped]).report.to_dict()["problems"]
        assert [x for x in problems if x["severity"] == "error"] == [], report.name
    scored = coding_score.score_dirs(EXTRA, tmp_path)["overall"]
    assert scored["f1"] >= 0.8 and scored["accuracy"]["verification_status"]["rate"] >= 0.8, scored


def test_shot_dead_with_a_number_is_the_toll() -> None:
    assert fatalities(["Police shot dead two protesters in the town on Monday."], "Attack").best == 2


def test_a_group_speaking_under_its_acronym_acknowledges_its_attack() -> None:
    [e] = _events("Fighters of the Islamic State West Africa Province attacked a military base in Monguno, Nigeria, "
                  "on Saturday, residents said. In a statement, ISWAP said its fighters had fought soldiers at the "
                  "base and claimed to have killed 20 soldiers.")
    assert (e["verification_status"], e["verification_basis"]) == ("verified", "actor-acknowledgement")
    assert e["fatalities"] is None  # the group's count of the enemy dead is a claim


def test_people_at_a_market_hit_by_shelling_are_civilians() -> None:
    [e] = _events("On Monday, shells fired by the RSF struck a market in El Fasher, Sudan, killing eight people.")
    assert (e["actor2"], e["inter2"]) == ("Civilians (Sudan)", 7)


def test_a_protest_on_the_day_that_marks_an_anniversary_is_news() -> None:
    [e] = _events("Thousands marched in Nairobi, Kenya, on Monday to mark the anniversary of the 1990 protests.")
    assert (e["sub_event_type"], e["event_date"]) == ("Peaceful protest", "2026-06-01")
    # a day of this year without the year, under three months back, is still an event
    assert dates.find("Soldiers clashed with rebels on April 20.", dt.date(2026, 6, 3))[0].start == dt.date(2026, 4, 20)
    assert dates.find("Soldiers clashed with rebels on January 20.", dt.date(2026, 6, 3)) == []

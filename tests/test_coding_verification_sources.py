"""Verification from the sources a report quotes: "unable to verify" and "could not independently verify"
hedge the event (but a hedge on the toll alone does not); several eyewitnesses who are not parties, in a
later paragraph, verify what one party told; a person the report introduced with a role speaks for it when
named alone later; contradicting accounts told as such make the event disputed. Each report is invented."""

from __future__ import annotations

from typing import Any

from cedar.coding import classify, facts
from cedar.coding.propose import propose

PUB = "Published: 2026-06-03\n\n"  # a Wednesday


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def _status(e: dict[str, Any]) -> tuple[str, str | None]:
    return e["verification_status"], e["verification_basis"]


def test_unable_to_verify_in_a_later_sentence_hedges_the_event() -> None:
    [e] = _events("In Kisumu, Kenya, a union organiser said she had been beaten by two masked men outside her home "
                  "on Sunday night. Lake Wire was unable to verify her account.")
    assert _status(e) == ("unverified", None)
    [e] = _events("Police fought gunmen for two hours on Tuesday in Mathare, Nairobi, Kenya, police spokesman "
                  "Peter Otieno said. The Ledger could not independently verify the number of gunmen killed.")
    assert _status(e) == ("verified", "actor-acknowledgement")


def test_eyewitnesses_in_a_later_paragraph_verify_a_partys_account() -> None:
    [e] = _events("Two soldiers died on Tuesday when a roadside bomb exploded under their truck near Garissa, Kenya, "
                  "a military source who asked not to be named said.\n\n"
                  "Several residents of Garissa told this paper they heard a loud explosion and saw the burnt truck.")
    assert _status(e) == ("verified", "eyewitnesses")
    [e] = _events("A drone strike hit the cattle market of Wajir, Kenya, on Tuesday, killing at least six people, "
                  "according to two traders who were at the market.")
    assert _status(e) == ("verified", "eyewitnesses")


def test_a_speaker_named_alone_speaks_for_the_role_given_before() -> None:
    roles = facts.speakers("Maj. Paul Kiptoo, spokesperson of the army's 3rd Brigade, said troops were attacked. "
                           "Police spokesman Garry Odhiambo gave no figure.")
    assert "army" in roles["Kiptoo"] and "spokesman" in roles["Odhiambo"]
    events = _events("Gunmen ambushed an army patrol near Garissa, Kenya, on Tuesday, the military said. "
                     "Maj. Paul Kiptoo, spokesperson of the army's 3rd Brigade, said troops returned fire.\n\n"
                     "In the same county, soldiers defused a landmine buried on a road in Dadaab on Monday, "
                     "Kiptoo said.")
    # troops that returned fire are an actor of the clash; the defused mine is the army's own act
    assert [(e["sub_event_type"], *_status(e)) for e in events] == [
        ("Armed clash", "verified", "actor-acknowledgement"),
        ("Disrupted weapons use", "verified", "actor-acknowledgement")]


def test_a_force_that_fought_back_acknowledges_the_clash_one_only_hit_does_not() -> None:
    [e] = _events("A soldier was killed when Al Shabaab fighters ambushed an army patrol near Mandera, Kenya, on "
                  "Tuesday, the army said, adding that troops traded fire with the attackers for an hour.")
    assert (e["actor1"], *_status(e)) == ("Al Shabaab", "verified", "actor-acknowledgement")
    [e] = _events("Gunmen attacked a police post near Mandera, Kenya, on Tuesday, the police said.")
    assert _status(e) == ("unverified", None)


def test_accounts_that_differ_make_the_event_disputed() -> None:
    t = classify.trigger("The army said troops had come under fire in an exchange of fire near the school.")
    assert t is not None and t.sub_event_type == "Armed clash"
    events = _events("Gunmen kidnapped a teacher in Wajir, Kenya, on Tuesday, police said.\n\n"
                     "Meanwhile, accounts differ over what happened in Mandera on Sunday. The army said in a "
                     "statement that troops had come under fire in an exchange of fire in the town. But relatives "
                     "of two men told the paper that soldiers shot them outside their homes.")
    assert [(e["location"], e["event_date"], e["event_type"], e["verification_status"]) for e in events][1:] == [
        ("Mandera", "2026-05-31", "Battles", "disputed")]


def test_a_denial_of_attacking_civilians_does_not_dispute_the_strike() -> None:
    [e] = _events("A military jet bombed a monastery in Monywa, Myanmar, on Monday, killing 12 villagers, two "
                  "residents said. The junta denied attacking civilians and said it had targeted a rebel base.")
    assert _status(e) == ("verified", "eyewitnesses")
    assert any(c["aspect"] == "civilian_targeting" and c["stance"] == "denies" for c in e["claims"])


def test_a_foreign_forces_statement_on_listed_places_acknowledges_each() -> None:
    events = _events("GAZA, June 3 (Levant Daily) - Israeli air strikes on a house in Rafah and on a camp in Khan "
                     "Younis killed at least "
                     "nine people overnight, according to the civil defence agency.\n\n"
                     "The Israeli military said it had struck militants in both areas.")
    assert [(e["location"], *_status(e)) for e in events] == [
        ("Rafah", "verified", "actor-acknowledgement"), ("Khan Younis", "verified", "actor-acknowledgement")]


def test_gunfights_are_armed_clashes() -> None:
    t = classify.trigger("Troops raided the camp on Sunday, sparking gunfights with militants.")
    assert t is not None and t.sub_event_type == "Armed clash"


def test_a_denial_of_the_toll_is_a_toll_claim_not_a_dispute() -> None:
    [e] = _events("SDF fighters and Syrian National Army factions clashed on Wednesday around Manbij, Syria, a war "
                  "monitor said. The SNA denied that any of its fighters had been killed.")
    assert (e["actor1"], e["actor2"], e["verification_status"]) == (
        "SDF: Syrian Democratic Forces", "SNA: Syrian National Army", "unverified")
    assert any(c["aspect"] == "fatalities" and c["stance"] == "denies" for c in e["claims"])
    # rejecting the claim itself still disputes it, whatever else the sentence says
    [e] = _events("Russia's defence ministry said its forces had captured the village of Kupiansk, Ukraine, on "
                  "Wednesday. Ukraine's General Staff denied the claim, saying Russian troops were pushed back "
                  "with heavy losses.")
    assert e["verification_status"] == "disputed"

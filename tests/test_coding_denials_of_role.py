"""A side that "denied that its forces had used mortars" denies who did it, not that the shells fell: the
event seen by the outlet stays verified and the doubt goes to a perpetrator claim; a general accusation that
a government "accuses" another of, "which X denies", is no denial of the event told; but where the coded
type rests on lethal force, "denied that its forces had used live ammunition" disputes it. Each sentence is
invented."""

from __future__ import annotations

from typing import Any

from cedar.coding.propose import propose

PUB = "Published: 2026-06-20\n\n"  # a Saturday


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def test_denying_that_its_forces_fired_leaves_the_event_seen_verified() -> None:
    [e] = _events("OSH, June 20 (Valley Newsline) - Mortar rounds landed on the outskirts of Osh on Friday night, "
                  "destroying a house, the border service said, blaming Tajik forces. A Valley Newsline correspondent "
                  "saw the collapsed house on Saturday. Tajikistan's committee denied that its forces had used "
                  "mortars.")
    assert e["sub_event_type"] == "Shelling/artillery/missile attack"
    assert e["verification_status"] == "verified"


def test_a_general_accusation_denied_does_not_dispute_a_march() -> None:
    [e] = _events("OSH, June 20 (Valley Newsline) - In Osh on Friday, several hundred men marched to the governor's "
                  "office, a Valley Newsline reporter saw. The march ended peacefully. Bishkek accuses the "
                  "neighbouring government of sheltering smugglers, which Dushanbe denies.")
    assert (e["sub_event_type"], e["verification_status"]) == ("Peaceful protest", "verified")


def test_denying_live_ammunition_disputes_excessive_force() -> None:
    [e] = _events("OSH, June 20 (Valley Newsline) - Two men died of gunshot wounds after police broke up a protest in "
                  "Osh on Friday, a doctor said, as the government denied that its forces had used live ammunition.")
    assert (e["sub_event_type"], e["verification_status"]) == ("Excessive force against protesters", "disputed")

"""Verification from who says what: a denial with a counter-accusation, or of being "involved", puts the
perpetrator in doubt, not the event; a side that asserts the event and denies another side's claim does not
dispute it; a force that repelled the attackers fought and acknowledges the clash on the record; a station's
management set off by an apposition is a single outside source; what the outlet verified itself is its own
reporting. Each sentence is invented."""

from __future__ import annotations

from typing import Any

from cedar.coding import facts
from cedar.coding.propose import propose

PUB = "Published: 2026-05-14\n\n"  # a Thursday


def _events(body: str, source: str | None = None) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt", source=source).events


def test_a_denial_with_a_counter_accusation_disputes_the_perpetrator_only() -> None:
    [e] = _events("ADEN, May 14 (Gulf Wire) - Shells hit a market in Hodeidah, Yemen, on Tuesday, killing two "
                  "traders, residents said. The rebels' radio denied that its forces had fired on the market and "
                  "accused government troops of shelling it.")
    assert (e["verification_status"], e["verification_basis"]) == ("verified", "eyewitnesses")
    assert any(c["aspect"] == "perpetrator" and c["stance"] == "denies" for c in e["claims"])
    assert facts.DENIAL_OF_ROLE.search("An official denied that Nuer youths were involved.")


def test_the_asserting_side_denying_another_claim_does_not_dispute_the_event() -> None:
    [e] = _events("ADEN, May 14 (Gulf Wire) - Rebels attacked government positions near Mukalla, Yemen, on "
                  "Wednesday, the defence ministry said, adding that the attackers had been repelled. The rebels' "
                  "radio said its fighters had seized two hills south of the town, a claim the defence ministry "
                  "denied.")
    assert (e["sub_event_type"], e["actor2"]) == ("Armed clash", "Military Forces of Yemen (2012-)")
    assert (e["verification_status"], e["verification_basis"]) == ("verified", "actor-acknowledgement")


def test_a_management_named_with_an_apposition_is_a_single_source() -> None:
    a = facts.attribution("Separately, the board of Kanem FM, a community station in Mongo, said on Wednesday that "
                          "two of its reporters had been arrested by police last week.", 0, None)
    assert a is not None and a.source == "the board of Kanem FM" and a.kind == "other"


def test_what_the_outlet_verified_itself_is_its_own_reporting() -> None:
    [e] = _events("A car bomb exploded outside a police station in Guayaquil, Ecuador, on Monday, police said. "
                  "Video verified by the Lake Post shows the blast.", source="Lake Post")
    assert (e["verification_status"], e["verification_basis"]) == ("verified", "outlet-own-reporting")

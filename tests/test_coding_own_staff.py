"""The outlet's own reporting in other words: "our correspondent there reported", the outlet's own name
("..., the Lake Courier saw"); "according to him" after "Lieutenant X said that" is the lieutenant; a
communiqué of "the Armies" is the state's. Each sentence is invented."""

from __future__ import annotations

from typing import Any

from cedar.coding import facts
from cedar.coding.propose import propose

PUB = "Published: 2026-05-06\n\n"  # a Wednesday


def _events(body: str, source: str | None = None) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt", source=source).events


def test_our_correspondent_there_is_the_outlets_own_reporting() -> None:
    a = facts.attribution("Hundreds of traders marched in Kandi on Tuesday, our correspondent there reported.", 0, None)
    assert a is not None and a.kind == "own"
    [e] = _events("KANDI, May 6 (Niger Valley Wire) - Hundreds of traders marched to the town hall in Kandi on Tuesday "
                  "to protest against a new market tax, our correspondent there reported.")
    assert (e["verification_status"], e["verification_basis"]) == ("verified", "outlet-own-reporting")


def test_the_outlet_named_as_the_witness_is_its_own_reporting() -> None:
    [e] = _events("Police fired tear gas at farmers blocking the highway near Quillacollo on Tuesday and detained "
                  "nine of them, the Lake Courier saw.", source="Lake Courier")
    assert (e["verification_status"], e["verification_basis"]) == ("verified", "outlet-own-reporting")


def test_according_to_him_is_the_speaker_the_sentence_names() -> None:
    a = facts.attribution("Lieutenant Kasongo said that the army had engaged the militiamen near Aru, where, according "
                          "to him, two fighters were killed.", 0, None)
    assert a is not None and a.kind == "state" and "Kasongo" in a.source


def test_a_communique_of_the_armies_is_the_states() -> None:
    assert facts.kind_of("a communiqué of the Directorate of Public Relations of the Armies") == "state"

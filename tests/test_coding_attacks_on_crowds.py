"""Armed men who are no state force firing on a crowd of protesters attack civilians (actor2 the protesters);
police firing on protesters stay a demonstration whose type says how (excessive force). Each sentence is
invented."""

from __future__ import annotations

from typing import Any

from cedar.coding import classify
from cedar.coding.propose import propose

PUB = "Published: 2026-08-20\n\n"  # a Thursday


def _events(body: str) -> list[dict[str, Any]]:
    return propose(PUB + body + "\n", name="invented.txt").events


def test_armed_men_firing_on_protesters_attack_them() -> None:
    [e] = _events("CARACAS, Aug 20 (Llanos Wire) - Armed men on motorbikes fired on opposition supporters protesting "
                  "outside an electoral office in Valencia on Monday, killing one man, a rights group said.")
    assert (e["sub_event_type"], e["inter1"], e["actor2"], e["inter2"]) == (
        "Attack", 3, "Protesters (Venezuela)", 6)


def test_police_firing_on_protesters_is_excessive_force() -> None:
    t = classify.trigger("Police opened fire on protesters outside the electoral office on Monday, killing one man.")
    assert t is not None and t.sub_event_type == "Excessive force against protesters"

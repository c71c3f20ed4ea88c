"""The coding conventions a check can see in one row (cedar.schema.conventions states them all): who is
actor1 in Protests and Riots, the force a protest with intervention needs, and state actors' names with
their government's period. The SQL forms are in rules_sql under the same codes."""

from __future__ import annotations

import re
from typing import Any, Iterator

from . import countries
from .rules_base import Context, Finding, declare, rule

PROTESTERS, RIOTERS = 6, 5
INTERVENTIONS = ("Protest with intervention", "Excessive force against protesters")

# ACLED names a state's forces and government with the period of the government they serve:
# "Police Forces of Kenya (2022-)", "Military Forces of Iraq (2022-) Kurdistan Regional Government".
# The patterns are plain (no {n} counts) so the SQL form, which goes through str.format, is the same text.
STATE_ACTOR = r"^(Military Forces|Police Forces|Government) of "
PERIOD = r"\([0-9][0-9][0-9][0-9]-([0-9][0-9][0-9][0-9])?\)"
_STATE_ACTOR, _PERIOD = re.compile(STATE_ACTOR), re.compile(PERIOD)


# The country a state's forces belong to, from their name: "Military Forces of the Democratic Republic of
# Congo (2019-)" -> "Democratic Republic of Congo" (compared case-folded with the country's names).
FORCES = r"^(?:Military|Police) Forces of (?:the )?(.+?)(?: \(.*)?$"
_FORCES = re.compile(FORCES)


def forces_country(name: str | None) -> str | None:
    m = _FORCES.match(name or "")
    return m.group(1) if m else None


def state_actor_without_period(name: str | None) -> bool:
    return bool(name) and _STATE_ACTOR.search(name or "") is not None and _PERIOD.search(name or "") is None


@rule("protest-actor1-not-protesters",
      "In Protests actor1 is the protesters (inter1 6), but inter1 is {value} ('{actor1}'): put the protesters in "
      "actor1 (such as 'Protesters ({country})') and a force that intervenes in actor2.",
      "In Protests actor1 is always the protesters (inter1 6); a force that intervenes is actor2.",
      columns=("event_type", "actor1", "inter1"))
def _protest_actor1(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.event_type == "Protests" and e.inter1 is not None and e.inter1 != PROTESTERS:
        yield Finding("inter1", e.inter1, {"actor1": e.actor1 or "", "country": e.country or "COUNTRY"})


@rule("riot-actor1-not-rioters",
      "In Riots actor1 is the rioters or the mob (inter1 5), but inter1 is {value} ('{actor1}'): put the rioters in "
      "actor1 (such as 'Rioters ({country})'), or code the event as another type.",
      "In Riots actor1 is always the rioters or the mob (inter1 5).",
      columns=("event_type", "actor1", "inter1"))
def _riot_actor1(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.event_type == "Riots" and e.inter1 is not None and e.inter1 != RIOTERS:
        yield Finding("inter1", e.inter1, {"actor1": e.actor1 or "", "country": e.country or "COUNTRY"})


@rule("protest-intervention-needs-force",
      "A '{sub_event_type}' needs the force that intervened as actor2 (such as 'Police Forces of {country} "
      "(YEAR-)'), but actor2 is empty: name it, or code a 'Peaceful protest'.",
      "A protest with intervention or excessive force names the intervening force as actor2.",
      columns=("sub_event_type", "actor2"))
def _intervention_force(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.sub_event_type in INTERVENTIONS and not e.actor2:
        yield Finding("actor2", e.actor2, {"sub_event_type": e.sub_event_type, "country": e.country or "COUNTRY"})


@rule("state-actor-without-period",
      "'{value}' in {field} names a state actor without its government's period: ACLED writes it as "
      "'{value} (YEAR-)', with the year the government came in (such as 'Police Forces of Kenya (2022-)').",
      "State forces and governments are named with their period: 'Military Forces of X (YEAR-)'.",
      columns=("actor1", "actor2"), severity="warning")
def _state_period(e: Any, ctx: Context) -> Iterator[Finding]:
    for name in ("actor1", "actor2"):
        value = getattr(e, name)
        if state_actor_without_period(value):
            yield Finding(name, value)



@rule("state-forces-type-by-country",
      "{field} is {value}, but '{actor}' {where}: ACLED codes a state's forces 1 in their own country and 8 "
      "(external forces) when they act in another; write {expected}.",
      "A state's forces (\"Military Forces of X\", \"Police Forces of X\") are type 1 in X and type 8 elsewhere.",
      columns=("actor1", "inter1", "actor2", "inter2", "iso3"), severity="warning")
def _forces_type(e: Any, ctx: Context) -> Iterator[Finding]:
    if not e.iso3 or not countries.is_iso3(e.iso3):  # an unknown country is unknown-country's to report
        return
    for actor, inter in (("actor1", "inter1"), ("actor2", "inter2")):
        name, given = getattr(e, actor), getattr(e, inter)
        country = forces_country(name)
        if country is None or given not in (1, 8):
            continue
        home = countries.name_matches_code(country, e.iso3)
        if given == 8 and home:
            yield Finding(inter, given, {"actor": name, "where": f"act in their own country ({e.iso3})",
                                         "expected": 1})
        elif given == 1 and not home and countries.code_for_name(country):
            yield Finding(inter, given, {"actor": name, "where": f"act outside their country (the event is in "
                                         f"{e.iso3})", "expected": 8})


# Found across the rows of a submission (cedar.validate.repeats), not in one row: no check of its own.
declare("possible-double-coding",
        "This row has the place ({location}, {iso3}), day ({day}), actors ({pair}) and sub-event type '{value}' of "
        "{first}: ACLED codes one event per place, day, actor pair and sub-event type. Merge the two rows if they "
        "report one event; otherwise correct the one that differs.",
        "Two rows of one submission (in any of its files) share place, day, actor pair and sub-event type: likely "
        "one event coded twice.", columns=("location", "event_date", "actor1", "actor2", "sub_event_type"),
        severity="warning")

"""An event's verification status, basis, claimants and claims from the attribution of its sentences
(the rules are in facts.py's docstring and in docs/coding-assist.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import facts
from .actors import Actor
from .places import country_named


@dataclass
class Verdict:
    status: str
    basis: str | None
    claimed_by: list[str] = field(default_factory=list)
    denied_by: list[str] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""


def _is_actor_side(a: facts.Attribution, actor1: Actor, iso3: str, text: str) -> bool:
    """The statement comes from actor1 itself: its ministry, army, police or spokesman (of its country), or
    the named group."""
    if actor1.kind in ("military", "police", "government"):
        if a.kind != "state":
            return False
        home = country_named(a.source) or country_named(text[:text.find(a.source)][-40:] if a.source in text else "")
        actor_home = actor1.name
        return home is None or _country_in(home, actor_home)
    if actor1.kind == "group":
        short = actor1.name.split(":")[0]
        return short.lower() in a.source.lower() or (a.kind == "group" and short.lower() in text.lower())
    return False


def _country_in(iso3: str, name: str) -> bool:
    from .actors import country_label

    return country_label(iso3) in name


def _clip(text: str, n: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0]


def verify(sentences: list[str], actor1: Actor, actor2: Actor | None, iso3: str, outlet: str) -> Verdict:
    core = sentences[0]
    atts: list[facts.Attribution] = []
    prev = None
    for i, s in enumerate(sentences):
        if facts.SILENCE.search(s):
            continue
        a = facts.attribution(s, i, prev)
        if a:
            atts.append(a)
            prev = a
    core_att = next((a for a in atts if a.sentence == 0), None)
    claims: list[dict[str, Any]] = []
    # a group that claims the act on the record, or actor1's own side speaking
    ack = next((a for a in atts if _is_actor_side(a, actor1, iso3, sentences[a.sentence])), None)
    if ack is None and actor1.kind == "group":
        short = actor1.name.split(":")[0]
        for s in sentences:
            if re.search(rf"\b{re.escape(short)}\b[^.]{{0,40}}\bclaimed (?:the|responsibility)", s) or (
                    re.search(rf"\b{re.escape(short)}\b", s) and re.search(r"\bclaimed (?:the attack|responsibility)",
                                                                        s)):
                ack = facts.Attribution(actor1.name, "group", sentences.index(s))
                break
    denial = next((i for i, s in enumerate(sentences) if facts.DENIAL.search(s) and not facts.DENIAL_OF_ROLE.search(s)
                   and not facts.SILENCE.search(s)), None)
    hedged = bool(facts.HEDGE.search(core))
    if denial is not None:
        denier = _denier(sentences[denial], atts, denial, actor1, actor2, iso3)
        asserter = (actor1.name if ack else core_att.source if core_att else outlet)
        claims = [_claim("occurrence", asserter, "asserts", "disputed", core),
                  _claim("occurrence", denier, "denies", "disputed", sentences[denial])]
        return Verdict("disputed", None, [asserter], [denier], claims,
                       "Contradicting accounts in the report: one side asserts what the coding rests on, the other "
                       "denies it.")
    if ack is not None and not hedged:
        claims.append(_claim("occurrence", actor1.name, "asserts", "verified", sentences[ack.sentence]))
        v = Verdict("verified", "actor-acknowledgement", [actor1.name], [], claims,
                    f"Acknowledged on the record by {ack.source}, as reported by the outlet.")
    elif hedged or (core_att and core_att.kind in ("anonymous", "other", "group", "state")):
        who = core_att.source if core_att else "unnamed sources"
        claims.append(_claim("occurrence", who, "asserts", "unverified", core))
        why = "hedged by the outlet" if hedged else f"rests on one source ({who}) the outlet does not adopt"
        v = Verdict("unverified", None, [who] if core_att else [], [], claims, f"The report {why}.")
    elif core_att and core_att.kind == "eyewitnesses":
        claims.append(_claim("occurrence", core_att.source, "asserts", "verified", core))
        v = Verdict("verified", "eyewitnesses", [core_att.source], [], claims,
                    "Several eyewitnesses who are not parties, unhedged and uncontradicted.")
    else:
        claims.append(_claim("occurrence", outlet, "asserts", "verified", core))
        v = Verdict("verified", "outlet-own-reporting", [], [], claims, "The outlet states it in its own voice.")
    for i, s in enumerate(sentences):
        if facts.DENIAL.search(s) and facts.DENIAL_OF_ROLE.search(s):
            denier = _denier(s, atts, i, actor1, actor2, iso3)
            v.claims.append(_claim("perpetrator", denier, "denies", "unverified", s))
    return v


def _denier(s: str, atts: list[facts.Attribution], i: int, actor1: Actor, actor2: Actor | None, iso3: str) -> str:
    from .actors import named_groups

    groups = named_groups(s, iso3)
    if groups:
        return groups[0].name
    a = next((a for a in atts if a.sentence == i), None)
    if a:
        return _clip(a.source, 80)
    m = re.match(r"\s*((?:The |A |An )?[^,.]{2,80}?)\s+(?:denied|denies|rejected|dismissed)", s)
    return _clip(m.group(1), 80) if m else (actor2.name if actor2 else "another party")


def _claim(aspect: str, claimant: str, stance: str, status: str, statement: str) -> dict[str, Any]:
    return {"aspect": aspect, "claimant": claimant, "stance": stance, "status": status,
            "statement": _clip(statement)}

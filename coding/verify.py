"""An event's verification status, basis, claimants and claims from the attribution of its sentences
(the rules are in facts.py's docstring and in docs/coding-assist.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import facts
from .actors import Actor
from .places import country_named

_FOUGHT_BACK = re.compile(r"\b(?:troops|soldiers|police|policemen|officers|forces|army|units|military|patrol)\b"
                          r"[^.;]{0,60}\b(?:returned fire|traded fire|exchanged fire|repelled|repulsed|fought|"
                          r"engaged (?:them|the)|pursued (?:them|the))\b|"
                          # "the attackers had been repelled": by the side they attacked
                          r"\b(?:attackers|assailants|militants|rebels|fighters|insurgents|attack)\b[^.;]{0,25}\b(?:were|was|"
                          r"had been|been)\s+[\"“]?(?:repelled|repulsed|pushed back|beaten back|foiled)\b|"
                          # fighting told as such: both sides fought
                          r"\bthe (?:\w+ )?fighting\b|\bfighting (?:on|between|in|that)\b|"
                          r"\bshoot-?outs?\b|\bgun ?battles?\b|\bfirefights?\b|\bgunfights?\b", re.I)


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
    the named group. An anonymous source from its side ("sources close to the group") is one partisan claim."""
    if a.kind == "anonymous":
        return False
    if re.search(r"\bboth (?:sides|parties|governments|countries|armies)\b|\bthe two sides\b", a.source, re.I):
        return True  # "identical statements issued by both sides": each actor on the record
    if actor1.kind in ("military", "police", "government"):
        if a.kind != "state":
            return False
        home = country_named(a.source) or country_named(text[:text.find(a.source)][-40:] if a.source in text else "")
        actor_home = actor1.name
        if home is None:  # "officials said": the actor's side at home; abroad, its country must be named
            return actor1.inter != 8
        return _country_in(home, actor_home)
    if actor1.kind == "group":
        from .actors import named_groups

        short = actor1.name.split(":")[0]
        if a.kind == "group" and re.fullmatch(r"(?:the|its|their) (?:group|militants|rebels|insurgents|jihadists|"
                                              r"movement|fighters)", a.source, re.I):
            return True  # "The group claimed the attack": the group the event names
        return short.lower() in a.source.lower() or (a.kind == "group" and short.lower() in text.lower()) or any(
            g.name == actor1.name for g in named_groups(a.source, iso3))  # the group by an alias ("ISWAP said")
    return False


def _country_in(iso3: str, name: str) -> bool:
    from .actors import country_label

    return country_label(iso3) in name


def _clip(text: str, n: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0]


_ON_TOLL = re.compile(r"\s*(?:any\s+)?(?:civilian\s+)?(?:casualties|deaths|dead|losses|victims|the toll)\b", re.I)


def _attributions(sentences: list[str], previous: str | None,
                  roles: dict[str, str] | None = None, outlet: str | None = None) -> list[facts.Attribution]:
    """The attribution of each sentence; "it said" takes the speaker of the sentence before; a person named
    alone speaks for the role the report gave them (`roles`, by surname)."""
    atts: list[facts.Attribution] = []
    prev = facts.attribution(previous, -1, None, roles) if previous else None
    for i, s in enumerate(sentences):
        quiet = facts.SILENCE.search(s)
        if quiet and not (re.search(r"\b(?:said|says|stated)\b[^.;]{0,40}\b(?:had|has|its|their)\b", s[:quiet.start()])
                          and _ON_TOLL.match(s[quiet.end():])):
            continue  # silence is not denial, nor acknowledgement ("said its troops had ..., and made no mention of
            # casualties": the silence is on one aspect, the statement stands)
        a = facts.attribution(s, i, prev, roles)
        if a and outlet and len(outlet) > 3 and re.sub(r"^the\s+", "", outlet.lower()) in a.source.lower():
            a = facts.Attribution(a.source, "own", i)  # "..., the Valley Daily saw": the outlet by its name
        if a:
            atts.append(a)
            prev = a
    return atts


def _elsewhere(sentence: str, iso3: str, place: str | None) -> bool:
    """The sentence speaks of another town than the event's: what it acknowledges is another event."""
    from .places import candidates

    return place is not None and any(w.place.name != place and w.precision != "region"
                                     for w in candidates(sentence, iso3))


def _acknowledged(sentences: list[str], atts: list[facts.Attribution], acting: list[Actor],
                  iso3: str, place: str | None = None) -> tuple[Actor, facts.Attribution] | None:
    """The actor that put its act on the record (its ministry, army, police, or the group claiming it)."""
    for actor in acting:
        for a in atts:
            if a.sentence > 0 and _elsewhere(sentences[a.sentence], iso3, place):
                continue
            if facts.DENIAL.search(sentences[a.sentence]):
                continue  # "the RSF denied targeting civilians and said it had fought militias": no acknowledgement
            if _is_actor_side(a, actor, iso3, sentences[a.sentence]):
                return actor, a
        if actor.kind == "group":
            short = re.escape(actor.name.split(":")[0])
            for i, s in enumerate(sentences):
                if re.search(rf"\b{short}\b", s) and re.search(r"\bclaimed (?:the attack|responsibility|the)\b", s) \
                        and not re.search(r"\b(?:no (?:group|one)|nobody|not|never)\b[^.;,]{0,20}\bclaimed\b", s, re.I):
                    return actor, facts.Attribution(actor.name, "group", i)
    return None


def verify(sentences: list[str], actor1: Actor, actor2: Actor | None, iso3: str, outlet: str,
           previous: str | None = None, intervention: bool = False, place: str | None = None,
           clash: bool = False, roles: dict[str, str] | None = None, excessive: bool = False) -> Verdict:
    """The status of the event whose sentences are given (the first states it); `previous` is the sentence
    before it in the report; with `intervention`, the force that intervened (actor2) is an actor too."""
    core = sentences[0]
    atts = _attributions(sentences, previous, roles, outlet)
    core_att = next((a for a in atts if a.sentence == 0), None)
    # a force that fought back ("traded fire") is an actor of the clash: on the record, it acknowledges its part;
    # a force that was only hit (an attack on its post) is a party, not an actor
    fought = clash and bool(_FOUGHT_BACK.search(" ".join(sentences)))
    acting = [actor1] + ([actor2] if (intervention or fought) and actor2 is not None else [])
    ack = _acknowledged(sentences, atts, acting, iso3, place)
    # excessive force rests on the killing or wounding: denying it disputes the event, not only the toll
    denial = next((i for i, s in enumerate(sentences) if facts.DENIAL.search(s) and (
        not facts.DENIAL_OF_ASPECT.search(s) or (excessive and re.search(
            facts.TOLL_DENIAL + r"|live (?:ammunition|rounds|fire)|lethal force|firearms|opened fire", s, re.I)))
                   and not facts.SILENCE.search(s) and not _denies_another_claim(s, ack, core_att, iso3)), None)
    # a hedge in the sentence, or in the next one about it ("This claim has yet to be verified"), unless
    # the actor put its own act on the record: then the hedge is on what it claims besides (the toll)
    # a hedge later in the event ("the outlet was unable to verify her account") too, unless it is on the toll
    # (the hedge stands too when the acknowledging side is the only one that speaks: "the army said ... The claim
    # could not be independently verified")
    later = any(facts.HEDGE.search(s) and not facts.TOLL_HEDGE.search(s) for s in sentences[1:])
    alone = ack is not None and len({a.kind for a in atts if a.kind != "own"}) <= 1
    hedged = bool(facts.HEDGE.search(core)) or ((ack is None or alone) and later)
    if denial is None and (dispute := next((i for i, s in enumerate(sentences) if facts.DISPUTE.search(s)), None)) \
            is not None:
        sides = list(dict.fromkeys(a.source for a in atts if a.kind not in ("own",)))
        asserter, denier = (sides + [outlet, "another party"])[:2] if sides else (outlet, "another party")
        claims = [_claim("occurrence", asserter, "asserts", "disputed", core),
                  _claim("occurrence", denier, "denies", "disputed", sentences[dispute])]
        return Verdict("disputed", None, [asserter], [denier], claims,
                       "The report gives contradicting accounts of what happened.")
    if denial is not None:
        denier = _denier(sentences[denial], atts, denial, actor2, iso3)
        asserter = (ack[0].name if ack and ack[1].sentence != denial else core_att.source if core_att else outlet)
        claims = [_claim("occurrence", asserter, "asserts", "disputed", core),
                  _claim("occurrence", denier, "denies", "disputed", sentences[denial])]
        return Verdict("disputed", None, [asserter], [denier], claims,
                       "Contradicting accounts in the report: one side asserts what the coding rests on, the other "
                       "denies it.")
    own = _own_sentence(sentences, outlet)
    if own is not None and not hedged:  # the outlet's reporter saw it: its own reporting, whoever else spoke
        v = Verdict("verified", "outlet-own-reporting", [], [], [_claim("occurrence", outlet, "asserts", "verified",
                                                                        sentences[own])],
                    "Seen by the outlet's own reporter.")
    elif core_att is None and not hedged:
        v = Verdict("verified", "outlet-own-reporting", [], [], [_claim("occurrence", outlet, "asserts", "verified",
                                                                        core)],
                    "The outlet states it in its own voice.")
    elif clash and actor2 is not None and not hedged and (both := _both_sides(sentences, atts, actor1, actor2,
                                                                                iso3, place)):
        v = Verdict("verified", "actor-acknowledgement", [actor1.name, actor2.name], [],
                    [_claim("occurrence", a.source, "asserts", "verified", sentences[a.sentence]) for a in both],
                    "Both sides of the fighting acknowledge it on the record, as reported by the outlet.")
    elif ack is not None and not hedged:
        v = Verdict("verified", "actor-acknowledgement", [ack[0].name], [],
                    [_claim("occurrence", ack[0].name, "asserts", "verified", sentences[ack[1].sentence])],
                    f"Acknowledged on the record by {ack[1].source}, as reported by the outlet.")
    elif not hedged and (eye := next((a for a in atts if a.kind in ("eyewitnesses", "own")), None)) is not None:
        # several eyewitnesses who are not parties, anywhere in the event, confirm what one party told
        basis = "eyewitnesses" if eye.kind == "eyewitnesses" else "outlet-own-reporting"
        v = Verdict("verified", basis, [eye.source] if basis == "eyewitnesses" else [], [],
                    [_claim("occurrence", eye.source, "asserts", "verified", sentences[eye.sentence])],
                    "Seen by the outlet's reporter, or by several eyewitnesses who are not parties, unhedged and "
                    "uncontradicted.")
    else:
        who = core_att.source if core_att else "unnamed sources"
        why = "hedged by the outlet" if hedged else f"rests on one source ({who}) the outlet does not adopt"
        v = Verdict("unverified", None, [who] if core_att else [], [],
                    [_claim("occurrence", who, "asserts", "unverified", core)], f"The report {why}.")
    for i, s in enumerate(sentences):
        if facts.DENIAL.search(s) and facts.DENIAL_OF_ASPECT.search(s):
            aspect = ("civilian_targeting" if re.search(r"\bcivilian", s, re.I) else
                      "fatalities" if re.search(facts.TOLL_DENIAL, s, re.I) else "perpetrator")
            v.claims.append(_claim(aspect, _denier(s, atts, i, actor2, iso3), "denies", "unverified", s))
    return v


_CLAIM_DENIED = re.compile(r"\b(?:a |the |this |that )?(?:claim|account|report)s?\s+(?:that\s+)?((?:the|a|an|its)\s+"
                           r"[^,.;]{2,60}?)\s+(?:denied|rejected|dismissed)\b", re.I)


def _denies_another_claim(sentence: str, ack: tuple[Actor, facts.Attribution] | None,
                          asserter: facts.Attribution | None, iso3: str) -> bool:
    """"Saba said its forces had taken positions, a claim the defence ministry denied": a denial by the side that
    put the event on the record (or asserts it) denies another side's claim, not the event."""
    m = _CLAIM_DENIED.search(sentence)
    if m is None:
        return False
    a = facts.Attribution(m.group(1), facts.kind_of(m.group(1)), 0)
    if ack is not None and _is_actor_side(a, ack[0], iso3, sentence):
        return True

    def tail(src: str) -> str:
        return " ".join(re.sub(r"^(?:the|a|an|its)\s+|^[\w'’]+'s\s+", "", src.lower()).split()[-2:])

    return asserter is not None and a.kind == asserter.kind and tail(a.source) == tail(asserter.source)


def _own_sentence(sentences: list[str], outlet: str) -> int | None:
    """The sentence in which the outlet's reporter saw the event, or the outlet verified what it shows ("video
    verified by the Andean Courier")."""
    by_outlet = re.compile(rf"\b(?:verified|authenticated|geolocated|confirmed|seen|reviewed|analy[sz]ed|examined) by "
                           rf"(?:the )?{re.escape(outlet)}", re.I) if outlet else None
    return next((i for i, s in enumerate(sentences) if facts.OWN.search(s) or (by_outlet and by_outlet.search(s))),
                None)


def _both_sides(sentences: list[str], atts: list[facts.Attribution], actor1: Actor, actor2: Actor, iso3: str,
                place: str | None) -> list[facts.Attribution]:
    """A fight both parties speak of on the record (an army spokesman and the group's statement): each
    side's statement, or nothing."""
    sides = []
    for actor in (actor1, actor2):
        # a group's side may speak as "the group" or "the rebels": the only group in the fight
        a = next((a for a in atts if a.kind != "anonymous" and (_is_actor_side(a, actor, iso3, sentences[a.sentence])
                                                                 or (actor.kind == "group" and a.kind == "group"))
                  and not (a.sentence > 0 and _elsewhere(sentences[a.sentence], iso3, place))), None)
        if a is None:
            return []
        sides.append(a)
    return sides if sides[0].source != sides[1].source else []


def _denier(s: str, atts: list[facts.Attribution], i: int, actor2: Actor | None, iso3: str) -> str:
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

"""Actor1 and actor2 of a drafted event, by its sub-event type: who acts and who is hit, as ACLED
assigns them (the protesters are actor1 of a protest, the intervening force actor2; a claimed or blamed
group that does not deny it is the perpetrator; an unclaimed attack is an Unidentified Armed Group's)."""

from __future__ import annotations

import re
from typing import Any, Optional

from . import actors
from .actors import Actor
from .facts import DENIAL, DENIAL_OF_ROLE
from .places import country_named

_CLAIMED = re.compile(r"\b(?:claimed|blamed|accused|attributed)\b", re.I)
# "No group claimed the attack, but JNIM is active in the area": no claim names the group
_NO_CLAIM = re.compile(r"\b(?:no (?:group|one|organi[sz]ation)|nobody|not|never)\b[^.;,]{0,20}\b(?:claimed|blamed)\b",
                       re.I)
# "two soldiers were killed", "two soldiers died": the force named is the side hit
_HIT = re.compile(r"[^.,;]{0,30}\b(?:(?:were|was) (?:killed|wounded|injured)|died)")
_STATE_TARGET = re.compile(r"\b(?:police (?:station|checkpost|checkpoint|post|patrol|officers|van)|checkpost|"
                           r"checkpoint|army (?:post|base|camp|detachment|patrol|convoy)|military (?:base|post|convoy)|"
                           r"patrol|soldiers|troops|policemen|barracks)\b", re.I)


def _perpetrator(core: str, text: str, iso3: str, drafts_before: list[Any]) -> Actor | None:
    """A named group that claims the event or that someone blames, unless it denies it; else the group named
    in the trigger sentence."""
    groups = actors.named_groups(text, iso3)
    denied = {g.name for g in groups for s in re.split(r"(?<=[.!?])\s+", text)
              if DENIAL.search(s) and DENIAL_OF_ROLE.search(s) and _mentions(s, g, iso3)}
    for s in re.split(r"(?<=[.!?])\s+", text):
        verb = _CLAIMED.search(s)
        if verb and not _NO_CLAIM.search(s):
            # "The M23 accused the army of the strikes": the one blamed follows the verb; one who claims, before it
            after = verb.group(0).lower() in ("blamed", "accused", "attributed")
            for g in actors.named_groups(s[verb.end():] if after else s, iso3):
                if g.name not in denied:
                    return g
    core_groups = [g for g in actors.named_groups(core, iso3) if g.name not in denied]
    if core_groups:
        return core_groups[0]
    if re.search(r"\b(?:the rebels|the group|the militants|the insurgents)\b", core, re.I) and drafts_before:
        prev = drafts_before[-1].get("actor1_obj")
        if prev is not None and prev.kind == "group":
            return prev
    return None


_BY = re.compile(r"\b(?:killed|shot(?: dead)?|fired|launched|dropped|carried out|beaten|abducted|kidnapped|"
                 r"attacked|struck|hit|targeted|wounded|injured|detained|arrested|bombed|shelled)\s+by\s+(?:the\s+)?",
                 re.I)


def _passive_agent(core: str, iso3: str) -> Actor | None:
    """The force or group named after "by" in a passive ("killed by soldiers", "fired by the RSF")."""
    for m in _BY.finditer(core):
        rest = core[m.end():m.end() + 80]
        first = re.match(r"[^,.;]{0,40}", rest)
        head = first.group(0) if first else rest
        groups = [g for g in actors.named_groups(head, iso3) if g.pos < 25]  # "by the paramilitary RSF"
        if groups:
            return groups[0]
        fs = [f for f in actors.forces(head, iso3) if f.pos < 25 and f.kind in ("military", "police")]
        if fs:
            return fs[0]
    return None


def _mentions(s: str, g: Actor, iso3: str) -> bool:
    return any(x.name == g.name for x in actors.named_groups(s, iso3))


def _force_before(core: str, pos: int, iso3: str) -> Actor | None:
    fs = [f for f in actors.forces(core, iso3) if f.pos < pos + 5]
    by = re.search(r"\b(?:by|from)\s+((?:the\s+)?[A-Z][\w']+)", core)
    if by and country_named(by.group(1)) and (not fs):
        return actors.state("military", country_named(by.group(1)) or iso3, iso3)
    return fs[-1] if fs else (actors.state("military", country_named(by.group(1)) or iso3, iso3)
                              if by and country_named(by.group(1)) else None)


Pair = tuple[Actor, Optional[Actor]]


def assign(sub: str, core: str, text: str, pos: int, iso3: str, before: list[Any]) -> Pair:
    """(actor1, actor2) for the event whose trigger is at `pos` of its first sentence `core`; `text` is
    all its sentences; `before` the events proposed before it."""
    pair = _demonstration(sub, text, iso3) or _state_act(sub, core, iso3, before)
    if pair:
        return pair
    perp = _perpetrator(core, text, iso3, before)
    if sub in ("Non-state actor overtakes territory", "Non-violent transfer of territory"):
        return perp or foreign_taker(core, pos, iso3) or actors.generic("armed", iso3), (
            None if sub.startswith("Non-violent") else actors.state("military", iso3, iso3))
    if sub == "Government regains territory":
        groups = actors.named_groups(text, iso3) or [b["actor1_obj"] for b in before
                                                     if b.get("actor1_obj") and b["actor1_obj"].kind == "group"]
        return actors.state("military", iso3, iso3), (groups[0] if groups else actors.generic("armed", iso3))
    if sub == "Armed clash":
        return _clash(core, text, pos, iso3, perp, before)
    return _violence(sub, core, text, pos, iso3, perp, before)


def foreign_taker(core: str, pos: int, iso3: str) -> Actor | None:
    """The foreign state whose forces take a place: the country named before the act ("Russian troops captured",
    "Russia's defence ministry said its forces had liberated"), when it is not the event's."""
    if actors.named_groups(core[:pos], iso3):
        return None
    home = country_named(core[:pos])
    return actors.state("military", home, iso3) if home and home != iso3 else None


def _demonstration(sub: str, text: str, iso3: str) -> Pair | None:
    # the force that intervenes: the police before the army, when both are named
    forces = sorted((f for f in actors.forces(text, iso3) if f.kind in ("police", "military")),
                    key=lambda f: (f.kind != "police", f.pos))
    if sub in ("Peaceful protest", "Protest with intervention", "Excessive force against protesters"):
        force = None if sub == "Peaceful protest" else (forces[0] if forces else actors.state("police", iso3, iso3))
        return actors.generic("protesters", iso3), force
    if sub == "Violent demonstration":
        return actors.generic("rioters", iso3), (forces[0] if forces else None)
    if sub == "Mob violence":  # two crowds that clash are both rioters; a mob's victims are civilians
        other = "rioters" if _TWO_CROWDS.search(text) else "civilians"
        return actors.generic("rioters", iso3), actors.generic(other, iso3)
    return None


_TWO_CROWDS = re.compile(r"\bclash(?:ed|es)?\b|\bfought\b|\beach other\b|\bbetween (?:the )?two\b|\bcommunal\b", re.I)
_BOTH = re.compile(r"\bbetween (?:the )?two (?:\w+ )?(?:groups|sides|militias|factions|gangs|parties)\b|"
                   r"\bbetween (?:the )?(?:warring|rival) (?:sides|groups|factions|parties)\b", re.I)


def _state_act(sub: str, core: str, iso3: str, before: list[Any] | None = None) -> Pair | None:
    """Arrests, agreements and defused devices: the state acts (actor1)."""
    fs = actors.forces(core, iso3)
    if sub == "Arrests":
        return (fs[0] if fs else actors.state("police", iso3, iso3)), actors.generic("civilians", iso3)
    if sub == "Disrupted weapons use":
        return (fs[0] if fs else actors.state("police", iso3, iso3)), None
    if sub == "Agreement":
        govs = [f for f in fs if f.kind == "government"]
        groups = actors.named_groups(core, iso3)
        # "a ceasefire between the two groups": the sides of the fight told before
        fought = [b for b in before or [] if b.get("actor2_obj") is not None and b["actor1_obj"].kind == "group"]
        if not groups and _BOTH.search(core) and fought:
            return fought[-1]["actor1_obj"], fought[-1]["actor2_obj"]
        a1 = govs[0] if govs else (groups.pop(0) if groups else actors.state("government", iso3, iso3))
        return a1, (groups[0] if groups else None)
    return None


_TWO_SIDES = re.compile(r"\b(?:two|rival)\s+(?:armed\s+|criminal\s+)?(?:groups|militias|gangs|factions)\b", re.I)


def _clash(core: str, text: str, pos: int, iso3: str, perp: Actor | None, before: list[Any] | None = None) -> Pair:
    militias = actors.ethnic_militias(core, iso3)
    if len(militias) >= 2:
        return militias[0], militias[1]
    last = before[-1] if before else None
    if last is not None and re.search(r"\bthe (?:fighting|clashes)\b", core, re.I) and last.get("inter1") == \
            last.get("inter2") == 4 and last.get("sub_event_type") == "Armed clash":
        return last["actor1_obj"], last["actor2_obj"]  # "when the fighting resumed": the same two militias
    groups = actors.named_groups(core, iso3)
    if len(groups) < 2 and _TWO_SIDES.search(core):
        # "two armed groups fought ...", named in the next sentence ("the fighting pitted X against Y")
        groups = actors.named_groups(text, iso3)
    if len(groups) >= 2:
        first_group = perp or groups[0]
        return first_group, next(g for g in groups if g.name != first_group.name)
    fs = [f for f in actors.forces(core, iso3) if f.kind != "government"]
    unidentified = actors.generic("armed", iso3)
    # "A soldier was killed when NPA rebels ambushed a patrol": the force named first is the side hit
    hit = bool(fs) and bool(_HIT.match(core[fs[0].pos:]))
    if fs and groups and fs[0].pos < groups[0].pos and not _CLAIMED.search(text) and not hit:
        return fs[0], (perp if perp and perp.name != fs[0].name else groups[0])  # "Soldiers killed five rebels"
    if fs and groups and hit:
        return (perp or groups[0]), fs[0]
    first = perp or (groups[0] if groups else None)
    if first is None:
        before_forces = [f for f in fs if f.pos <= pos]  # "a police operation against ...": the police act
        sides = list({f.name: f for f in sorted(before_forces, key=lambda f: f.inter)}.values())
        if len(sides) >= 2 and sides[0].kind == sides[1].kind == "military" and sides[0].inter != sides[1].inter:
            return sides[0], sides[1]  # "Afghan and Pakistani troops exchanged fire": the home force first
        if before_forces and not actors.armed_generic(core[:pos]):
            other = next(iter(actors.named_groups(text, iso3)), unidentified)
            return before_forces[0], other
        first = unidentified
    target = next((f for f in fs if f.pos >= pos - 2), None) or (fs[0] if fs else None)
    return first, target or unidentified


def _violence(sub: str, core: str, text: str, pos: int, iso3: str, perp: Actor | None, before: list[Any]) -> Pair:
    """Remote violence and violence against civilians: the force or group that struck, and whom it hit."""
    after = core[pos:]
    agent = _passive_agent(core, iso3)
    if agent is not None and not (perp and _CLAIMED.search(text)):
        perp = agent  # "shot dead by police", "shells fired by the RSF": the agent named is the perpetrator
    clan = [m for m in actors.ethnic_militias(core, iso3) if m.pos < pos]
    if perp is None and len(clan) == 1:
        perp = clan[0]  # "gunmen believed by police to belong to the Yanaitin clan"
    found: Actor | None = perp
    if sub in ("Air/drone strike", "Shelling/artillery/missile attack"):
        # a group named as the one that struck, or claimed or blamed, before a force named near the strike
        subject = next((g for g in actors.named_groups(core, iso3) if g.pos < pos), None)
        found = (perp if perp and (_CLAIMED.search(text) or perp is agent) else subject) or \
            _force_before(core, pos, iso3) or perp
    bodies = bool(re.search(r"\b(?:bodies|remains|corpses)\b", core[pos:pos + 40], re.I))
    if found is None and sub in ("Attack", "Abduction/forced disappearance") and not bodies:
        # bodies found: those who found them (the police) are not who killed
        found = next((f for f in actors.forces(core[:pos], iso3) if f.kind in ("military", "police")
                      and not _HIT.match(core[f.pos:])), None)
    a1 = found or actors.generic("armed", iso3)
    if re.search(r"\b(?:assailants|attackers)\b", after, re.I) and before:
        prev = before[-1].get("actor1_obj")
        if prev is not None and prev.name != a1.name:
            return a1, prev
    if _STATE_TARGET.search(after) and sub != "Attack":
        kind = "police" if re.search(r"\bpolice|checkpost|policemen\b", after, re.I) else "military"
        return a1, actors.state(kind, iso3, iso3)
    victims = next((f for f in actors.forces(core, iso3) if f.name != a1.name and f.kind in ("military", "police")
                    and _HIT.match(core[f.pos:])), None)
    if victims is not None:  # "two soldiers were killed when their vehicle hit a landmine"
        return a1, victims
    if sub == "Attack" and re.match(r"[^.]{0,40}\b(?:protest\w*|demonstrat\w+|marchers|crowd)\b", after, re.I):
        return a1, actors.generic("protesters", iso3)  # "fired on opposition supporters protesting"
    hit = after if sub in ("Attack", "Armed clash") else core
    remote = sub in ("Air/drone strike", "Shelling/artillery/missile attack")
    if (actors.civilians_in(hit) or sub in ("Attack", "Abduction/forced disappearance")) and not (
            remote and not re.search(r"\b(?:civilians|children|villagers|residents|passengers|people|shoppers|"
                                  r"traders|worshippers|market|displaced)\b", after, re.I)):
        return a1, actors.generic("civilians", iso3)
    other = [g for g in actors.named_groups(text, iso3) if g.name != a1.name]
    return a1, (other[0] if other else None)


def target_kind(sub: str, actor2: Actor | None, text: str) -> str:
    if actor2 is not None:
        return {1: "state_forces", 8: "state_forces", 2: "armed_group", 3: "armed_group", 4: "armed_group",
                5: "rioters", 6: "protesters", 7: "civilians"}[actor2.inter]
    if sub in ("Peaceful protest", "Agreement", "Non-violent transfer of territory", "Disrupted weapons use"):
        return "none"
    if re.search(r"\b(?:facilit\w+|depots?|storage|bridge|road|power|pipeline|infrastructure)\b", text, re.I):
        return "infrastructure"
    if re.search(r"\b(?:farmland|houses|homes|shops|vehicles|buildings?|property|office)\b", text, re.I):
        return "property"
    return "unknown"


_ACROSS = re.compile(r"\bfrom (?:across|over|the other side of) the (?:border|frontier)\b", re.I)


def across_border(core: str, report: str, iso3: str) -> Actor | None:
    """"Shells fired from across the border": the force of the neighbour the report names first, not the home
    army (type 8, coded where the shells fell)."""
    if not _ACROSS.search(core):
        return None
    from .places import _neighbours

    near = _neighbours(iso3)
    for m in re.finditer(r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?", report):
        code = country_named(m.group(0))
        if code and code != iso3 and code in near:
            return actors.state("military", code, iso3)
    return None


_FORCE_WORDS = r"(?:armed forces|forces|military|army|troops|General Staff|defen[cs]e ministry|air force)"
_BLAMED_FORCE = re.compile(rf"\bblam(?:ed|ing|es)\s+(?:the\s+)?((?:[A-Z][\w'’-]+\s+){{1,2}}{_FORCE_WORDS})")
_OWN_STRIKE = re.compile(rf"((?:[A-Z][\w'’-]+\s+){{1,3}}(?:of\s+)?(?:[A-Z][\w'’-]+\s+)?{_FORCE_WORDS})"
                         rf"[^.]{{0,80}}?\bsaid\b[^.]{{0,60}}\b(?:its|their)\s+(?:units|forces|troops|drones|aircraft)\s+had\s+"
                         rf"(?:struck|hit|attacked|targeted|destroyed)")


def foreign_striker(text: str, iso3: str) -> Actor | None:
    """A strike a foreign state's force is blamed for ("blaming the Ukrainian armed forces") or that it puts
    on the record ("the General Staff of Ukraine's armed forces said its units had struck the depot")."""
    for pattern in (_OWN_STRIKE, _BLAMED_FORCE):
        for m in pattern.finditer(text):
            code = country_named(m.group(1))
            if code and code != iso3:
                return actors.state("military", code, iso3)
    return None


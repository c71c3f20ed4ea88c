"""The crosswalk from CAMEO event codes (GDELT's action codes) to Cedar's event and sub-event types.

CAMEO codes are strings (leading zeros matter: '010' is not '10'). The most specific entry wins:
a four-digit code, then its three-digit base, then its two-digit root. Codes with no entry are
not events Cedar codes (statements, consultations, aid, threats, sanctions ...) and are refused
with the reason below. The table is printed in docs/importers.md.
"""

from __future__ import annotations

# code -> (event_type, sub_event_type, what the second side is: 'armed' | 'civilians' | 'any' | None)
CROSSWALK: dict[str, tuple[str, str, str | None]] = {
    # 14 PROTEST
    "14": ("Protests", "Peaceful protest", None),
    "145": ("Riots", "Violent demonstration", None),
    "1451": ("Riots", "Violent demonstration", None),
    "1452": ("Riots", "Violent demonstration", None),
    "1453": ("Riots", "Violent demonstration", None),
    "1454": ("Riots", "Violent demonstration", None),
    # 17 COERCE: only the parts ACLED codes as strategic developments
    "171": ("Strategic developments", "Looting/property destruction", "any"),
    "1711": ("Strategic developments", "Looting/property destruction", "any"),
    "1712": ("Strategic developments", "Looting/property destruction", "any"),
    "173": ("Strategic developments", "Arrests", "any"),
    # 18 ASSAULT
    "18": ("Violence against civilians", "Attack", "civilians"),
    "181": ("Violence against civilians", "Abduction/forced disappearance", "civilians"),
    "1821": ("Violence against civilians", "Sexual violence", "civilians"),
    "183": ("Explosions/Remote violence", "Remote explosive/landmine/IED", "any"),
    "1831": ("Explosions/Remote violence", "Suicide bomb", "any"),
    "1832": ("Explosions/Remote violence", "Remote explosive/landmine/IED", "any"),
    "1833": ("Explosions/Remote violence", "Remote explosive/landmine/IED", "any"),
    "1834": ("Explosions/Remote violence", "Remote explosive/landmine/IED", "any"),
    # 19 FIGHT
    "19": ("Battles", "Armed clash", "armed"),
    "190": ("Battles", "Armed clash", "armed"),
    "193": ("Battles", "Armed clash", "armed"),
    "194": ("Explosions/Remote violence", "Shelling/artillery/missile attack", "any"),
    "195": ("Explosions/Remote violence", "Air/drone strike", "any"),
    "1951": ("Explosions/Remote violence", "Air/drone strike", "any"),
    "1952": ("Explosions/Remote violence", "Air/drone strike", "any"),
    "196": ("Battles", "Armed clash", "armed"),
    # 20 USE UNCONVENTIONAL MASS VIOLENCE
    "20": ("Violence against civilians", "Attack", "civilians"),
    "2041": ("Explosions/Remote violence", "Chemical weapon", "any"),
}

# Codes under a mapped root that Cedar does not code, and why.
REFUSED: dict[str, str] = {
    "191": "a blockade is not an act of violence in ACLED's taxonomy (no sub-event type fits)",
    "192": "occupying territory says nothing of who held it before (no sound territory sub-event)",
    "201": "a mass expulsion has no ACLED sub-event type",
    "204": "weapons of mass destruction other than chemical ones have no ACLED sub-event type",
    "2042": "a nuclear detonation has no ACLED sub-event type",
}

ROOTS: dict[str, str] = {
    "01": "Make public statement", "02": "Appeal", "03": "Express intent to cooperate", "04": "Consult",
    "05": "Engage in diplomatic cooperation", "06": "Engage in material cooperation", "07": "Provide aid",
    "08": "Yield", "09": "Investigate", "10": "Demand", "11": "Disapprove", "12": "Reject", "13": "Threaten",
    "14": "Protest", "15": "Exhibit force posture", "16": "Reduce relations", "17": "Coerce", "18": "Assault",
    "19": "Fight", "20": "Use unconventional mass violence",
}


# Why a code under a root of ROOTS that has no entry is refused.
NOT_CODED = ("Cedar codes political violence, protests and the strategic developments of ACLED's taxonomy; verbal "
             "and material cooperation, demands, threats, force postures and sanctions are not events in it")


def lookup(code: str) -> tuple[str, str, str | None] | str | None:
    """The (event type, sub-event type, second side) a CAMEO code maps to, the reason it is not an event Cedar
    codes, or None when it is no CAMEO event code (its root is not 01-20)."""
    code = code.strip()
    root = code[:2]
    if root not in ROOTS:
        return None
    for k in (code, code[:3]):
        if k in CROSSWALK:
            return CROSSWALK[k]
        if REFUSED.get(k):
            return REFUSED[k]
    if root in CROSSWALK and root != "17":
        return CROSSWALK[root]
    return NOT_CODED

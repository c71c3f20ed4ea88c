"""Controlled vocabularies: ACLED's taxonomy and Cedar's own code lists, as data.

Everything that names a permitted value lives here, so the model, the rules, the codebook and
the expectation suite all read the same lists.
"""

from __future__ import annotations

# ACLED's six event types and their 25 sub-event types, in ACLED's order and spelling.
SUB_EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": (
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": (
        "Violent demonstration",
        "Mob violence",
    ),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}
EVENT_TYPES: tuple[str, ...] = tuple(SUB_EVENT_TYPES)
ALL_SUB_EVENT_TYPES: tuple[str, ...] = tuple(s for subs in SUB_EVENT_TYPES.values() for s in subs)
EVENT_TYPE_OF: dict[str, str] = {s: t for t, subs in SUB_EVENT_TYPES.items() for s in subs}

# ACLED's three disorder types. An event of "Excessive force against protesters" belongs to two
# of them, and ACLED writes that as "Political violence; Demonstrations".
DISORDER_TYPES: tuple[str, ...] = ("Political violence", "Demonstrations", "Strategic developments")
DISORDER_OF_EVENT_TYPE: dict[str, str] = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}
DISORDER_OF_SUB_EVENT: dict[str, str] = {
    "Mob violence": "Political violence",
    "Excessive force against protesters": "Political violence; Demonstrations",
}
DISORDER_LABELS: tuple[str, ...] = DISORDER_TYPES + ("Political violence; Demonstrations",)


def disorder_type_of(sub_event_type: str) -> str:
    """ACLED's disorder type for a sub-event type."""
    return DISORDER_OF_SUB_EVENT.get(sub_event_type) or DISORDER_OF_EVENT_TYPE[EVENT_TYPE_OF[sub_event_type]]


# ACLED's actor (inter) codes; 0 stands for "no second actor".
ACTOR_TYPES: dict[int, str] = {
    1: "State forces",
    2: "Rebel groups",
    3: "Political militias",
    4: "Identity militias",
    5: "Rioters",
    6: "Protesters",
    7: "Civilians",
    8: "External/Other forces",
}
ARMED_ACTOR_TYPES: frozenset[int] = frozenset({1, 2, 3, 4, 8})


def interaction_of(inter1: int, inter2: int | None) -> int:
    """ACLED's interaction code: 10*inter1 alone, else 10*min + max of the two actor types."""
    if not inter2:
        return 10 * inter1
    low, high = sorted((inter1, inter2))
    return 10 * low + high


# What the second side of an event is, when it is not (only) an actor with an inter code.
TARGET_KINDS: dict[str, str] = {
    "civilians": "Unarmed non-combatants, as a group or as individuals",
    "state_forces": "Military, police or other armed forces of a state",
    "armed_group": "A non-state armed group: rebels, militias",
    "peacekeepers": "An international peacekeeping or monitoring force",
    "protesters": "People demonstrating, peacefully or not",
    "rioters": "People engaged in violent demonstration",
    "infrastructure": "Roads, bridges, power, water, communications, military infrastructure",
    "property": "Buildings, vehicles and goods of private owners or the state",
    "population_at_large": "The population of a place as a whole (a blockade, a curfew, aid)",
    "none": "The event has no target (an agreement, a headquarters established)",
    "unknown": "The source does not say",
}

DATE_PRECISIONS: dict[str, str] = {
    "day": "The exact day is known (ACLED time_precision 1; UCDP date_prec 1)",
    "week": "Known to within about a week (ACLED 2; UCDP 2-3)",
    "month": "Known to within a month (ACLED 3; UCDP 4)",
    "span": "A range from event_date to event_date_end (UCDP 5); event_date_end is required",
}

GEO_PRECISIONS: dict[str, str] = {
    "exact": "The named place itself (ACLED geo_precision 1; UCDP where_prec 1)",
    "near": "Near a named place or part of a region (ACLED 2; UCDP 2-3)",
    "region": "Only the region is known; coded to its capital or centroid (ACLED 3; UCDP 4-5)",
    "country": "Only the country is known (UCDP 6)",
}

VERIFICATION_STATUSES: dict[str, str] = {
    "verified": "Confirmed: the basis must be stated in verification_basis",
    "unverified": "Reported, but not confirmed by an independent source or an acknowledgement on record",
    "disputed": "Contradicting accounts: needs a claimant on each side (claimed_by and denied_by)",
    "retracted": "Withdrawn by the outlet or proven fabricated; leaves releases through a deletion",
}

VERIFICATION_BASES: dict[str, str] = {
    "independent-sources": "Two or more independent sources agree (the event lists at least two sources)",
    "actor-acknowledgement": "The actor acknowledged it on the record, as reported by an independent source",
    "outlet-own-reporting": "The outlet states it in its own voice, not attributed (coding rule 1)",
    "eyewitnesses": "Several eyewitnesses who are not parties, unhedged and uncontradicted (coding rule 4)",
}

CLAIM_ASPECTS: dict[str, str] = {
    "occurrence": "That the event happened at all",
    "perpetrator": "Who did it (actor1)",
    "target": "Whom or what it hit (actor2, target_kind)",
    "fatalities": "The toll",
    "civilian_targeting": "That civilians were the target",
}

CLAIM_STANCES: dict[str, str] = {
    "asserts": "The claimant says the aspect is so",
    "denies": "The claimant says it is not so",
}

SOURCE_SCALES: dict[str, str] = {
    "local": "A local outlet or source",
    "subnational": "An outlet covering a province or region of a country",
    "national": "A national outlet",
    "regional": "An outlet covering several countries of a region",
    "international": "An international outlet or wire service",
    "new_media": "Social media and messaging channels",
    "other": "Anything else: reports of NGOs, governments, partners",
}

SOURCE_KINDS: dict[str, str] = {
    "news_agency": "A wire service (Reuters, AFP, AP)",
    "newspaper": "A newspaper or news website",
    "broadcaster": "Radio or television",
    "government": "A ministry, army, police or other state body",
    "armed_group": "A statement of a non-state armed group",
    "ngo": "A non-governmental, human-rights or humanitarian organisation",
    "international_organisation": "The UN, a monitoring mission, a peacekeeping force",
    "social_media": "A post on a social network or messaging channel",
    "partner": "A local partner organisation of the dataset",
    "other": "Anything else",
}

# ACLED's regions, and the ACLED region of each country (extended in the gazetteer work).
REGIONS: tuple[str, ...] = (
    "Western Africa", "Middle Africa", "Eastern Africa", "Southern Africa", "Northern Africa",
    "South Asia", "Southeast Asia", "East Asia", "Middle East", "Europe",
    "Caucasus and Central Asia", "Central America", "South America", "Caribbean",
    "North America", "Oceania", "Antarctica",
)

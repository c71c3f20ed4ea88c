"""Actors in a sentence, named as ACLED names them: a state's forces with their government period
("Military Forces of Turkey (2016-)", type 1 at home and 8 abroad), named armed groups (the registry's
names and aliases, then the lexicon's), and the generic groups ("Protesters (Iraq)", "Civilians (Iraq)",
"Unidentified Armed Group (Iraq)")."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

from cedar.schema import countries

from .lexicon import ACLED_COUNTRY, DEMONYMS, GOVERNMENT_SINCE, GROUPS, ISLAMIC_STATE
from .places import country_named


@dataclass(frozen=True)
class Actor:
    name: str
    inter: int
    kind: str  # military, police, government, group, armed, civilians, protesters, rioters, militia
    pos: int = 0


def country_label(iso3: str) -> str:
    return ACLED_COUNTRY.get(iso3) or countries.country_name(iso3) or iso3


def _plain(iso3: str) -> str:
    return country_label(iso3).removeprefix("the ")


def state(kind: str, home: str, event_iso3: str, pos: int = 0) -> Actor:
    since = GOVERNMENT_SINCE.get(home)
    period = f" ({since}-)" if since else ""
    label = {"police": "Police Forces of", "government": "Government of"}.get(kind, "Military Forces of")
    return Actor(f"{label} {country_label(home)}{period}", 1 if home == event_iso3 else 8, kind, pos)


def generic(kind: str, iso3: str, pos: int = 0) -> Actor:
    name, inter = {"civilians": ("Civilians", 7), "protesters": ("Protesters", 6), "rioters": ("Rioters", 5),
                   "armed": ("Unidentified Armed Group", 3)}[kind]
    return Actor(f"{name} ({_plain(iso3)})", inter, kind, pos)


_POLICE = r"(?:riot |traffic |federal |local )?police(?:men|man| officers?| personnel| forces?)?|gendarm\w+|" \
          r"bomb disposal squad|General Security(?: forces)?|security personnel|officers"
_MILITARY = r"(?:government|army|military) positions|" \
            r"army|soldiers?|troops|military|armed forces|air force|aircraft|warplanes?|air support|units|navy|" \
            r"artillery|fighter jets?|helicopters?|drones?|security forces|forces|paramilitar\w+|national guard|" \
            r"[A-Z][a-z]+ Rifles|junta|air ?strikes?|airstrikes?|warplanes|jets|missiles|rockets|(?<!gas )shells|" \
            r"tanks|gunboats|warships|border guards?|border (?:service|troops|forces)|frontier guards?"
_FORCE = re.compile(rf"\b(?:{_POLICE}|{_MILITARY})\b", re.I)
_GOV = re.compile(r"\b(?:the government|government of|authorities)\b", re.I)
_ARMED = re.compile(r"\b(?:gunmen|militants|jihadists?(?: fighters)?|insurgents|assailants|attackers|rebels|"
                    r"guerrillas|armed men|men armed with|bandits|suicide bomber|extremists|terrorists)\b", re.I)
_CIVILIANS = re.compile(r"\b(?:civilians|villagers|passengers|residents|traders|farmers|contractors|workers|"
                        r"children|women|families|worshippers|students|journalists?|two men|people|a village|"
                        r"vendors?|(?:tricycle |taxi |bus |truck )?drivers?|shopkeepers?|shoppers|market-goers|"
                        r"bystanders|motorists|pilgrims|mourners|pupils|(?:a|one) (?:man|woman|child|boy|girl))\b",
                        re.I)
_PROTESTERS = re.compile(r"\b(?:protesters|demonstrators|marchers|teachers|members|students|workers|people|crowd)\b",
                         re.I)
_ETHNIC = re.compile(r"\b(?:volunteers|militia(?:men|s)?|fighters|youths|armed men|gunmen)\s+(?:from|of)\s+the\s+"
                     r"([A-Z][\w-]+)"
                     r"(?:\s+and\s+([A-Z][\w-]+))?\s+(?:communit|tribe|clan|ethnic)", re.I)
_NAMED_GROUP = re.compile(r"(?:the\s+)?((?:[A-Z][\w'’-]*\s+)*?[A-Z][\w'’-]*"
                          r"(?:\s+(?:del|de|of|la)\s+[A-Z][\w'’-]*)*),\s+"
                          r"(?:a|an)\s+(?:\w+\s+){0,3}(armed|rebel|militant|militia|insurgent|jihadist)\s+group")
_FRONT = re.compile(r"(?:the\s+)?((?:\d+(?:st|nd|rd|th)|[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)\s+[Ff]ront)\b"
                    r"(?:[^.]{0,40}?FARC)|(?:[A-Z][\w-]+\s+)?(?:\d+(?:st|nd|rd|th)\s+Front)\s+of\s+FARC")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


@lru_cache(maxsize=1)
def _alias_table() -> list[tuple[re.Pattern[str], str, int]]:
    """Named groups: the registry's seed first (its canonical names and aliases), then the lexicon."""
    from cedar.ingest.actor_seed import seed_entries

    rows: list[tuple[str, int, tuple[str, ...]]] = []
    for e in seed_entries():
        if e["actor_type"] in (2, 3, 4, 8) and not e["name"].startswith(("Military Forces", "Unidentified")):
            rows.append((e["name"], e["actor_type"], tuple(e.get("aliases") or ())))
    rows.extend(GROUPS)
    table = []
    for name, inter, aliases in rows:
        for alias in sorted({name, *aliases}, key=len, reverse=True):
            flags = 0 if alias.isupper() else re.I
            table.append((re.compile(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", flags), name, inter))
    return table


# "the West Papua National Liberation Army (TPNPB)": a group the report introduces by its full name and acronym
_DEFINED = re.compile(r"(?<![\w'’-])((?:[A-Z][\w'’-]*\s+(?:(?:of|for|the|and|de|del|la)\s+)*){1,7}"
                      r"(?:Army|Front|Movement|Organi[sz]ation|Brigades?|Council|Alliance|Union|Militia|Coalition|"
                      r"Resistance|Party|Group|Forces))\s+\(([A-Z][A-Za-z0-9-]{1,11})\)")
_STATE_NAME = re.compile(r"\b(?:Armed Forces|Defen[cs]e Forces|Police|Gendarmerie|Military|Navy|Air Force|Guard)\b")
_REPORT_GROUPS: ContextVar[tuple[tuple[re.Pattern[str], re.Pattern[str] | None, str, int], ...]] = \
    ContextVar("report_groups", default=())


def defined_groups(text: str) -> list[tuple[str, int, str, str | None]]:
    """Groups a report introduces as "Full Name (ACRONYM)" that the lexicon does not know under that name:
    (ACLED-style name "ACRONYM: Full Name", inter, full name, acronym). A state's force so named is not one."""
    out: list[tuple[str, int, str, str | None]] = []
    for m in _DEFINED.finditer(text):
        # "Fighters of the X Army (XA)": the people before "of the" are not part of the name
        full = re.sub(r"^(?:(?:[A-Z]\w*s|Spokes\w+|Leader|Commander|Chief|Head)\s+(?:of|from)\s+(?:the\s+)?|"
                      r"(?:The|A|An)\s+)", "", m.group(1).strip())
        acr = m.group(2)
        if _STATE_NAME.search(full) or (country_named(full) and not re.search(
                r"Liberation|Revolution|Resistance|Islamic|Free|Rebel|Front|Movement", full)):
            continue
        if any(p.fullmatch(full) or p.fullmatch(acr) for p, _, _ in _alias_table()):
            continue  # the lexicon's own name for it
        out.append((f"{acr}: {full}", 3 if "Militia" in full else 2, full, acr))
    return out + _sides(text, {n for n, _, _, _ in out})


_SIDE = r"((?:\d+(?:st|nd|rd|th)\s+)?[A-Z][\w'’-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w'’-]*){0,5})" \
        r"(?:\s+\(([A-Z][A-Za-z0-9-]{1,11})\))?"
# the outlet naming the two sides of a fight: "pitted the X (XA) against the Y", "shooting between Los A and Los B"
_SIDES = re.compile(rf"\b(?:pitted|pitting)\s+(?:the\s+)?{_SIDE}\s+against\s+(?:the\s+)?{_SIDE}|"
                    rf"\b(?:clash(?:es)?|fighting|battles?|gunfights?|shooting)\s+between\s+(?:members\s+of\s+)?"
                    rf"(?:the\s+)?{_SIDE}\s+and\s+(?:members\s+of\s+)?(?:the\s+)?{_SIDE}")


def _sides(text: str, known: set[str]) -> list[tuple[str, int, str, str | None]]:
    """The two sides a report names as fighting each other, when the lexicon does not know them: named by
    their own words ("ACRONYM: Full Name" given an acronym); rebels are type 2, other armed groups (militias,
    gangs) type 3."""
    inter = 2 if re.search(r"\b(?:rebels?|insurgents?|jihadists?|separatists?)\b", text, re.I) else 3
    out: list[tuple[str, int, str, str | None]] = []
    for m in _SIDES.finditer(text):
        groups = [g for g in m.groups()]
        pairs = [(groups[i], groups[i + 1]) for i in range(0, 8, 2) if groups[i]]
        for full, acr in pairs:
            full = full.strip()
            if len(full.split()) < 2 and not acr or _STATE_NAME.search(full) or country_named(full) \
                    or full.split()[0].lower() in DEMONYMS or named_groups(full, ""):
                continue
            name = f"{acr}: {full}" if acr else full
            if name not in known and all(name != o[0] for o in out):
                out.append((name, inter, full, acr))
    return out



@contextmanager
def report_groups(text: str) -> Iterator[None]:
    """While a report is coded, the groups it defines are named groups of every sentence of it."""
    def word(w: str) -> re.Pattern[str]:
        return re.compile(rf"(?<![\w-]){re.escape(w)}(?![\w-])")

    rows = tuple((word(full), word(acr) if acr else None, name, inter)
                 for name, inter, full, acr in defined_groups(text))
    token = _REPORT_GROUPS.set(rows)
    try:
        yield
    finally:
        _REPORT_GROUPS.reset(token)


def named_groups(text: str, iso3: str) -> list[Actor]:
    found: dict[str, Actor] = {}
    inside: list[tuple[int, int]] = []  # the report's defined names: a lexicon alias inside one is not that group
    for full, acr, name, inter in _REPORT_GROUPS.get():
        spans = [(m.start(), m.end()) for m in full.finditer(text)]
        inside.extend(spans)
        m = full.search(text) or (acr.search(text) if acr else None)
        if m:
            found.setdefault(name, Actor(name, inter, "group", spans[0][0] if spans else m.start()))
    for pattern, name, inter in _alias_table():
        m = next((x for x in pattern.finditer(text) if not any(a < x.start() < b for a, b in inside)), None)
        if m and name not in found:
            found[name] = Actor(name, inter, "group", m.start())
    for alias in ISLAMIC_STATE:
        m = re.search(rf"\b{alias}\b(?!(?:'s)? (?:in the )?(?:Sahel|West Africa|Greater Sahara))", text)
        if m:
            found.setdefault("is", Actor(f"Islamic State ({_plain(iso3)})", 2, "group", m.start()))
    for m in re.finditer(r"((?:\d+(?:st|nd|rd|th))|(?:[A-Z][\w-]+\s+){1,2})\s*[Ff]ront\b(?:[^.]{0,60}?\bFARC)|"
                         r"((?:\d+(?:st|nd|rd|th))|(?:[A-Z][\w-]+\s+){1,2})\s*Front of FARC", text):
        front = (m.group(1) or m.group(2)).strip()
        front = re.sub(r"^(?:the|The)\s+", "", front)
        name = f"FARC Dissidents: {_ascii(front)} Front"
        found.setdefault(name, Actor(name, 2, "group", m.start()))
    for m in re.finditer(r"FARC dissidents? (?:of|from) the ((?:[A-Z][\w-]+\s+){1,3})[Ff]ront\b|"
                         r"dissidents? (?:of|from) the FARC'?s? ((?:[A-Z][\w-]+\s+){1,3})[Ff]ront\b", text):
        front = m.group(1) or m.group(2)
        name = f"FARC Dissidents: {_ascii(front.strip())} Front"  # "dissidents of the FARC's X front"
        found.setdefault(name, Actor(name, 2, "group", m.start()))
    if "FARC" in text and not any(a.name.startswith("FARC") for a in found.values()):
        m = re.search(r"FARC", text)
        found["FARC Dissidents"] = Actor("FARC Dissidents", 2, "group", m.start() if m else 0)
    known = [(a.pos, a.pos + 60) for a in found.values()]
    for m in re.finditer(r"\b([A-Z][\w-]+)\s+(militia(?:men|s)?|militants|rebels|insurgents)\b", text):
        if any(a <= m.start() < b for a, b in known) or any(p.search(m.group(1)) for p, _, _ in _alias_table()):
            continue  # a group already named ("Al-Shabaab militants")
        if m.group(1) not in ("The", "A", "An", "Armed", "Suspected") and not country_named(m.group(1)):
            name = f"{m.group(1)} Militia" if m.group(2).startswith("militia") else m.group(1)
            found.setdefault(name, Actor(name, 3 if m.group(2).startswith("militia") else 2, "group", m.start()))
    for m in _NAMED_GROUP.finditer(text):
        name = m.group(1).strip()
        if name and name not in found and not re.match(r"(?:The|A|An)\b", name):
            found[name] = Actor(name, 3 if m.group(2) == "militia" else 2, "group", m.start())
    for m in _KIND_NAMED.finditer(text):  # "the Viv Ansanm gang coalition": the group by the outlet's name for it
        name = m.group(1).strip()
        if m.group(2).lower() == "cartel":
            name = f"{name} Cartel"  # ACLED keeps the word: "Sinaloa Cartel", "Gulf Cartel"
        if name not in found and not any(a <= m.start(1) < b for a, b in known) and not _generic_name(name):
            found[name] = Actor(name, 2 if m.group(2).lower().startswith(("rebel", "insurgent")) else 3, "group",
                                m.start(1))
    return sorted(found.values(), key=lambda a: a.pos)


_KIND_NAMED = re.compile(r"\bthe\s+((?:[A-Z][\w'’-]*\s+){0,3}[A-Z][\w'’-]*)\s+((?i:gang(?:\s+(?:coalition|alliance|"
                         r"federation))?|cartel|criminal (?:group|organi[sz]ation)|vigilante group|self-defen[cs]e "
                         r"(?:group|force)|rebel group|insurgent group|armed group))\b")


def _generic_name(name: str) -> bool:
    """A country, a demonym or a capitalised common word is no group's name ("the Haitian gang")."""
    first = name.split()[0].lower()
    return bool(country_named(name)) or name.lower() in DEMONYMS or first in DEMONYMS or first in (
        "main", "largest", "local", "rival", "powerful", "notorious", "same", "new", "other")


# forces a report names by their own name or acronym
STATE_FORCES: dict[str, tuple[str, str]] = {
    "IDF": ("ISR", "military"), "Israel Defense Forces": ("ISR", "military"), "FARDC": ("COD", "military"),
    "SAF": ("SDN", "military"), "Tatmadaw": ("MMR", "military"), "Hashd al-Shaabi": ("IRQ", "military"),
    "Popular Mobilization Forces": ("IRQ", "military"), "Assam Rifles": ("IND", "military"),
    "CRPF": ("IND", "police"), "Carabineros": ("CHL", "police"), "National Guard": ("", "military"),
}


def forces(text: str, iso3: str) -> list[Actor]:
    """State forces a sentence names, each with the country its words give ("Turkish drone", "Israel's
    military"; "its jets" after "the IDF" are the IDF's), else the event's country."""
    out = [state(kind, home or iso3, iso3, m.start()) for name, (home, kind) in STATE_FORCES.items()
           for m in re.finditer(rf"\b{re.escape(name)}\b", text)]
    named = [(m.start(), m.end()) for name in STATE_FORCES for m in re.finditer(rf"\b{re.escape(name)}\b", text)]
    for m in _FORCE.finditer(text):
        if any(a <= m.start() < b for a, b in named):
            continue
        before = text[max(0, m.start() - 30):m.start()]
        proper = re.search(r"((?:[A-Z][\w-]+\s+){1,3})$", before)
        if m.group(0)[0].isupper() and proper and not country_named(proper.group(1)):
            continue  # "Rapid Support Forces", "Allied Democratic Forces": a group's name, not a state's force
        earlier = [a for a in out if a.pos < m.start()]
        if re.search(r"\b(?:its|their)\s+$", before) and earlier:
            out.append(Actor(earlier[-1].name, earlier[-1].inter, earlier[-1].kind, m.start()))
            continue
        # "warplanes of the Saudi-led coalition": the country named after the force
        of = re.match(r"\s+of\s+the\s+([A-Z][\w'-]+)", text[m.end():m.end() + 40])
        home = country_named(before.split(",")[-1]) or (country_named(of.group(1)) if of else None) or iso3
        word = m.group(0).lower()
        if word in ("missiles", "rockets", "shells") and not country_named(before.split(",")[-1]):
            continue  # "shells struck a street": munitions any side fires name no state's force by themselves
        kind = "police" if re.match(_POLICE, m.group(0), re.I) else "military"
        pair = re.search(r"\b([A-Z][\w'-]+)\s+and\s+([A-Z][\w'-]+)\s+$", before)
        first = country_named(pair.group(1)) if pair else None
        if pair and first and country_named(pair.group(2)) not in (None, first):
            # "Kyrgyz and Tajik border guards", "Afghan and Pakistani troops": a force of each country
            out.append(state(kind, first, iso3, m.start() - len(pair.group(0))))
            home = country_named(pair.group(2)) or home
        if word in ("forces", "units", "security forces") and re.search(r"\bGeneral Security\b", before + word):
            kind = "police"
        out.append(state(kind, home, iso3, m.start()))
    out.sort(key=lambda a: a.pos)
    for m in _GOV.finditer(text):
        out.append(state("government", country_named(text[max(0, m.start() - 30):m.end() + 30]) or iso3, iso3,
                         m.start()))
    return out


# "fighting between the Yanaitin and Pupukin clans", "gunmen believed to belong to the Yanaitin clan": ACLED's
# communal militias, named by their clan
_CLANS = re.compile(r"\bbetween (?:the )?([A-Z][\w-]+) and (?:the )?([A-Z][\w-]+) (?:clans|sub-clans)\b|"
                    r"\b(?:belong(?:ing)? to|members of|from) the ([A-Z][\w-]+) (?:clan|sub-clan)\b")


def ethnic_militias(text: str, iso3: str) -> list[Actor]:
    """Armed men of a community ("volunteers of the Meitei community": A Ethnic Militia) or of a clan (X Communal
    Militia)."""
    c = _CLANS.search(text)
    if c:
        return [Actor(f"{n} Communal Militia ({_plain(iso3)})", 4, "militia", c.start()) for n in c.groups() if n]
    m = _ETHNIC.search(text)
    if not m:
        return []
    names = [n for n in (m.group(1), m.group(2)) if n]
    return [Actor(f"{n.split('-')[0]} Ethnic Militia ({_plain(iso3)})", 4, "militia", m.start()) for n in names]


def armed_generic(text: str) -> re.Match[str] | None:
    return _ARMED.search(text)


def civilians_in(text: str) -> re.Match[str] | None:
    return _CIVILIANS.search(text)

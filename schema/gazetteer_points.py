"""Whether points lie in their stated countries, judged by the nearest GeoNames places of the
gazetteer's tables (`g`, a `cedar.schema.gazetteer.Gazetteer`): many points at once, in one k-d tree
query and numpy. numpy is imported inside the functions: a command that checks no point never loads it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .geometry import EARTH_KM, chord_km, haversine_km, kdtree, query, xyz

BORDER_KM = 25.0  # a point this close to a place of the stated country is inside it, whatever lies nearer
K_NEAREST = 12
SPACING_FACTOR = 1.5  # the tolerance, at least, in times the spacing of the stated country's places there
SURE_MARGIN_KM = 20.0  # past the tolerance by this much, among another country's towns: outside beyond doubt
NEAR_TOWN_KM = 10.0  # a point this close to a town of another country, far from the stated one, lies in it
FAR_OUTSIDE_KM = 300.0  # a point this far from every place of the stated country lies outside it
# A point with no place of any country within the border tolerance lies at sea (or in an empty land): within
# 200 nautical miles of a place of the stated country (an EEZ's breadth, measured from its towns, which lie
# at or inside the coast) it may be the country's waters, and it is flagged, never refused: ACLED places a
# missile test, a boarding or a shipwreck at sea under the country it concerns.
SEA_KM = 370.4

# Dependencies count as their sovereign's territory: ACLED gives an event in Longyearbyen (Svalbard) the
# country Norway, while GeoNames files its places under SJM.
SOVEREIGN = {code: owner for owner, codes in {
    "NOR": "SJM BVT", "DNK": "GRL FRO", "FIN": "ALA", "CHN": "HKG MAC",
    "GBR": "GIB IMN JEY GGY BMU CYM VGB TCA AIA MSR FLK SGS SHN PCN IOT",
    "FRA": "GLP MTQ GUF REU MYT SPM BLM MAF WLF PYF NCL ATF", "USA": "PRI GUM VIR ASM MNP UMI",
    "NLD": "ABW CUW SXM BES", "AUS": "CXR CCK NFK HMD", "NZL": "TKL NIU COK",
}.items() for code in codes.split()}


@dataclass
class PointBatch:
    """`check_points`' answer for n points, as arrays (`Gazetteer.check_point` reads one of them)."""

    known: Any  # bool: the stated country has places in the gazetteer (else nothing is known about the point)
    inside: Any  # bool
    sure: Any  # bool: outside beyond doubt
    nearest_any: Any  # int: index of the nearest place of any country (its country is the one found)
    own: Any  # int: index of the nearest place of the stated country (-1 when not known)
    d_own: Any  # float: km to that place
    d_any: Any  # float: km to the nearest place of any country
    admin1: Any  # (n, K) int: admin1 codes of the stated country's places around the point, nearest first; -1 none


def check_points(g: Any, iso3s: list[str], lats: Any, lons: Any) -> PointBatch:
    """The nearest places of every point in one k-d tree query, and the verdicts as numpy arrays.

    A point is inside its stated country when its nearest place is of that country, or a place of that
    country lies within the border tolerance (25 km, wider where the country has few places) or within
    the tolerance of the nearest place of any country. Outside beyond doubt: well past the tolerance and
    among another country's towns, or far from the country; between that and the tolerance the point
    may lie across the border (flagged, not refused)."""
    import numpy as np

    lat, lon = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
    n = len(lat)
    c = np.fromiter((g.country_of.get(code, -1) for code in iso3s), dtype=np.int32, count=n)
    known = c >= 0
    out = PointBatch(known, np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, np.int64), np.full(n, -1, np.int64),
                     np.full(n, np.nan), np.full(n, np.nan), np.full((n, K_NEAREST), -1, np.int32))
    rows = np.flatnonzero(known)
    if not len(rows):
        return out
    ck, points = c[rows], xyz(lat[rows], lon[rows])
    chords, idx = query(g.tree, points, K_NEAREST)
    place_country = g.cidx[idx]
    own = (place_country == ck[:, None]) | (_sovereign(g)[place_country] == ck[:, None])
    has_own = own.any(axis=1)
    first = own.argmax(axis=1)
    m = np.arange(len(rows))
    i_own = np.where(has_own, idx[m, first], -1)
    d_own = np.where(has_own, chord_km(chords[m, first]), np.nan)
    for code in np.unique(ck[~has_own]).tolist():  # none of the stated country among the nearest: look further
        sel = np.flatnonzero(~has_own & (ck == code))
        members, tree = _country_tree(g, code)
        j = members[query(tree, points[sel], 1)[1]]
        i_own[sel] = j
        d_own[sel] = haversine_km(lat[rows][sel], lon[rows][sel], g.lat[j], g.lon[j])
    d_any = chord_km(chords[:, 0])
    limit = 2 * np.sin(np.minimum(np.pi / 2, (d_own + BORDER_KM) / (2 * EARTH_KM)))  # as a chord
    a1 = g.a1[idx]
    a1 = np.where(own & (chords <= limit[:, None]) & (a1 >= 0), a1, -1)
    none = (a1 < 0).all(axis=1)
    a1[none, 0] = g.a1[i_own[none]]  # no admin1 around: the nearest own place's, if it has one
    tolerance = np.maximum(BORDER_KM, SPACING_FACTOR * g.spacing[i_own])
    inside = own[:, 0] | (d_own <= tolerance) | (d_own <= d_any + tolerance)
    at_sea = (d_any > BORDER_KM) & (d_own <= SEA_KM)
    sure = ~inside & ~at_sea & (((d_own > tolerance + SURE_MARGIN_KM) & (d_any <= NEAR_TOWN_KM))
                                | (d_own > FAR_OUTSIDE_KM))
    out.inside[rows], out.sure[rows], out.nearest_any[rows], out.own[rows] = inside, sure, idx[:, 0], i_own
    out.d_own[rows], out.d_any[rows], out.admin1[rows] = d_own, d_any, a1
    return out


@lru_cache(maxsize=None)
def _sovereign(g: Any) -> Any:
    """Each country's sovereign, by index (a country not a dependency is its own; -1 for no place)."""
    import numpy as np

    index = {code: i for i, code in enumerate(g.countries)}
    return np.array([index.get(SOVEREIGN.get(code, code), i) for i, code in enumerate(g.countries)] + [-2],
                    dtype=np.int64)


@lru_cache(maxsize=None)
def _country_tree(g: Any, code: int) -> tuple[Any, Any]:
    """The places of one country (by its index), with those of its dependencies, and a k-d tree over them."""
    import numpy as np

    members = np.flatnonzero((g.cidx == code) | (_sovereign(g)[g.cidx] == code))
    return members, kdtree(xyz(g.lat[members], g.lon[members]))

"""What the row rules ask of the gazetteer: each answer is one call, worked out once per distinct
point or name (the gazetteer caches its lookups), so a file of many rows at few places costs little.
numpy is imported inside the batch functions, which only the place checks of many rows call."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, Iterator

from .countries import country_name, is_iso3, point_in_country
from .regions import region_of

FAR_KM = 100.0  # a point farther than this from every place is at sea or in an empty land: flagged

_gazetteer_of: Callable[[], Any] | None = None  # cedar.schema.gazetteer.gazetteer, once imported


def _gazetteer() -> Any:
    """The gazetteer of this process. Its modules are imported on the first place looked up, not with
    the rules: a command that looks no place up (the codebook, the reports, the store's queries) loads
    neither them nor the tables. Kept once imported: each distinct point asks for it."""
    global _gazetteer_of
    if _gazetteer_of is None:
        from .gazetteer import gazetteer

        _gazetteer_of = gazetteer
    return _gazetteer_of()


def _name(iso3: str | None) -> str:
    return f"{country_name(iso3) or iso3} ({iso3})" if iso3 else "another country"


@lru_cache(maxsize=100_000)  # rows repeat their points: each answer is worked out once
def point_outside(iso3: str, latitude: float, longitude: float) -> str | None:
    """None when the point lies in the country (or nothing is known about it), else what was found."""
    g = _gazetteer()
    check = g.check_point(iso3, latitude, longitude)
    if check.inside is None:  # no GeoNames place in the country: the coarse box
        return None if point_in_country(iso3, latitude, longitude) is not False else "it lies outside its box"
    if check.inside or not check.sure:
        return None
    return (f"it falls in {_name(check.found_iso3)}, and the nearest place of {iso3} ({check.nearest.name}) is "
            f"{check.distance_km:.0f} km away")


@lru_cache(maxsize=100_000)
def point_near_border(iso3: str, latitude: float, longitude: float) -> dict[str, Any] | None:
    """The point may lie across a border (not sure enough to refuse it): what was found, else None."""
    check = _gazetteer().check_point(iso3, latitude, longitude)
    if check.inside is None or check.inside or check.sure:
        return None
    return {"found": _name(check.found_iso3), "km": f"{check.nearest_any_km:.0f}",
            "own_km": f"{check.distance_km:.0f}", "nearest": check.nearest.name}


@lru_cache(maxsize=100_000)
def point_far(iso3: str, latitude: float, longitude: float) -> dict[str, Any] | None:
    check = _gazetteer().check_point(iso3, latitude, longitude)
    if check.inside and check.nearest_any_km is not None and check.nearest_any_km > FAR_KM:
        return {"km": f"{check.distance_km:.0f}", "nearest": check.nearest.name}
    return None


@lru_cache(maxsize=100_000)
def admin1_mismatch(iso3: str, admin1: str, latitude: float, longitude: float) -> str | None:
    """None when the stated admin1 agrees with the point (or cannot be judged), else the admin1 found."""
    g = _gazetteer()
    check = g.check_point(iso3, latitude, longitude)
    if not check.inside or not check.admin1s:
        return None
    if g.admin1_matches(iso3, admin1, check.admin1s):
        return None
    return check.admin1s[0]


@lru_cache(maxsize=100_000)
def quiet(iso3: str, latitude: float, longitude: float, admin1: str | None) -> bool:
    """Whether none of the point answers above has anything to say of this cell (and admin1)."""
    return (point_outside(iso3, latitude, longitude) is None and point_near_border(iso3, latitude, longitude) is None
            and point_far(iso3, latitude, longitude) is None
            and (admin1 is None or admin1_mismatch(iso3, admin1, latitude, longitude) is None))


def fill(e: Any) -> Iterator[tuple[str, Any, dict[str, Any]]]:
    """Fill what the gazetteer can give a row: the region from the country, and the coordinates (with
    admin1, admin2 and geo_precision where empty) from a place name, when both coordinates are empty.
    Yields (field, value, params) for each row filled from a place name."""
    if not e.iso3 or not is_iso3(e.iso3):
        return
    if e.region is None:
        e.region = region_of(e.iso3)
    if e.latitude is not None or e.longitude is not None:
        return
    g = _gazetteer()
    found = None
    precision = None
    for name, level in ((e.location, None), (e.admin2, "near"), (e.admin1, "region")):
        if name:
            found = g.resolve(name, e.iso3, e.admin1)
            if found:
                precision = level or found.precision  # a town found by the admin1's name stands for the admin1
                break
    if found is None:
        return
    p = found.place
    e.latitude, e.longitude = round(p.latitude, 5), round(p.longitude, 5)
    if not e.admin1 and p.admin1:
        e.admin1 = p.admin1
    if not e.admin2 and p.admin2 and precision == "exact":
        e.admin2 = p.admin2
    if e.geo_precision is None:
        e.geo_precision = precision
    yield ("latitude", name, {"how": found.how, "latitude": e.latitude, "longitude": e.longitude,
                              "admin1": e.admin1 or "unknown", "admin2": e.admin2 or "unknown",
                              "geo_precision": e.geo_precision})


def cells(values: Any) -> Any:
    """Coordinates to 0.01 degree, the cell the point rules judge (rows at nearby points share one answer):
    the nearest whole number of hundredths, ties to even, as `round(v * 100) / 100` gives one value
    (rules_places._cell), so that both engines judge the same cell. (Python's round(v, 2) rounds the exact
    decimal value instead, which differs from any vectorised form on a few halves.)"""
    import numpy as np

    return np.rint(np.asarray(values, dtype=float) * 100) / 100


def point_verdicts(iso3s: list[str], lats: Any, lons: Any, admin1s: list[str | None]) -> dict[str, Any]:
    """The point rules for many rows at once: for each rule code, a boolean array saying on which rows it
    fires. The points are cells (rounded as `rules_places._cell` rounds them) of countries that `is_iso3` knows;
    each verdict is the one `point_outside`, `point_near_border`, `point_far` and `admin1_mismatch` give
    for a single point, worked out in numpy over one k-d tree query for all the points."""
    import numpy as np

    g = _gazetteer()
    b = g.check_points(iso3s, lats, lons)
    outside = b.known & ~b.inside & b.sure
    for r in np.flatnonzero(~b.known).tolist():  # no GeoNames place in the country: the coarse box
        outside[r] = point_in_country(iso3s[r], float(lats[r]), float(lons[r])) is False
    stated = np.array([a is not None for a in admin1s], dtype=bool)
    judged = np.flatnonzero(stated & b.known & b.inside & (b.admin1 >= 0).any(axis=1))
    mismatch = np.zeros(len(admin1s), dtype=bool)
    if len(judged):
        mismatch[judged] = ~g.admin1_matches_many([iso3s[r] for r in judged.tolist()],
                                                  [admin1s[r] for r in judged.tolist()], b.admin1[judged])
    return {"point-outside-country": outside,
            "point-maybe-outside-country": b.known & ~b.inside & ~b.sure,
            "point-far-from-places": b.known & b.inside & (b.d_any > FAR_KM),
            "admin1-mismatch": mismatch}

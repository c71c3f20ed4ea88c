"""The place rules: the country code and name, the point against the stated country (judged by the
gazetteer's nearest places), the stated admin1 against the point, and the region. The rules that fill
coordinates from a place name are in `rules_fill`."""

from __future__ import annotations

from typing import Any, Iterator

from . import countries, places
from .regions import region_of
from .rules_base import Context, Finding, rule


@rule("unknown-country",
      "'{value}' is not an ISO 3166-1 alpha-3 country code: use the code of the country, e.g. AZE for Azerbaijan.",
      "iso3 is an assigned ISO 3166-1 alpha-3 code.",
      columns=("iso3",))
def _known_country(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.iso3 and not countries.is_iso3(e.iso3):
        yield Finding("iso3", e.iso3)


@rule("iso3-country-mismatch",
      "country '{value}' does not match iso3 {iso3} ({expected}): correct one of the two.",
      "iso3 matches country.",
      columns=("country", "iso3"))
def _iso3_matches(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.iso3 and e.country and countries.is_iso3(e.iso3) and not countries.name_matches_code(e.country, e.iso3):
        yield Finding("country", e.country, {"iso3": e.iso3, "expected": countries.country_name(e.iso3)})


def _cell(e: Any) -> tuple[float, float]:
    """The point to 0.01 degree (about a kilometre, well within the border tolerance), as the gazetteer
    answers it: rows at nearby points share one cached answer."""
    return round(e.latitude * 100) / 100, round(e.longitude * 100) / 100  # places.cells, one point at a time


@rule("point-outside-country",
      "The point {value} lies outside {country} ({iso3}): {found}. Check the coordinates (swapped latitude and "
      "longitude? a lost minus sign?) or the country.",
      "latitude and longitude lie inside the stated country, judged by the nearest GeoNames places: a tolerance "
      "of 25 km near borders and coasts (wider where the country has few places); the country found is named. "
      "A dependency's places count as its sovereign's (Svalbard and Jan Mayen as Norway's). A point at sea (no "
      "place of any country within 25 km) within 370 km, 200 nautical miles, of a place of the stated country "
      "is never refused (see point-maybe-outside-country).",
      columns=("latitude", "longitude", "iso3"))
def _point_in_country(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.latitude is None or e.longitude is None or not e.iso3 or not countries.is_iso3(e.iso3):
        return
    found = places.point_outside(e.iso3, *_cell(e))
    if found is not None:
        yield Finding("latitude", f"{e.latitude}, {e.longitude}", {"country": e.country, "iso3": e.iso3,
                                                                     "found": found})


@rule("point-maybe-outside-country",
      "The point {value} may lie outside {iso3}: it is {km} km from a place of {found} and {own_km} km from the "
      "nearest place of {iso3} ({nearest}). Check the coordinates and the country.",
      "A point past the border tolerance but not beyond doubt in another country (GeoNames has few places there), "
      "or at sea within 370 km (200 nautical miles) of a place of the stated country, is flagged (a warning) "
      "with the country it may lie in.",
      columns=("latitude", "longitude", "iso3"), severity="warning")
def _point_maybe_outside(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.latitude is None or e.longitude is None or not e.iso3 or not countries.is_iso3(e.iso3):
        return
    near = places.point_near_border(e.iso3, *_cell(e))
    if near:
        yield Finding("latitude", f"{e.latitude}, {e.longitude}", {"iso3": e.iso3, **near})


@rule("point-far-from-places",
      "The point {value} is {km} km from the nearest place of {iso3} in the gazetteer ({nearest}): at sea, or in "
      "an empty land? Check the coordinates.",
      "A point more than 100 km from every place of the gazetteer is flagged (a warning): at sea, or a slip.",
      columns=("latitude", "longitude"), severity="warning")
def _point_far(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.latitude is None or e.longitude is None or not e.iso3 or not countries.is_iso3(e.iso3):
        return
    far = places.point_far(e.iso3, *_cell(e))
    if far:
        yield Finding("latitude", f"{e.latitude}, {e.longitude}", {"iso3": e.iso3, **far})


@rule("admin1-mismatch",
      "admin1 '{value}' is not where the point lies: the gazetteer puts it in {found} ({iso3}). Correct admin1 "
      "or the coordinates.",
      "A stated admin1 agrees with the admin1 of the GeoNames places around the point (GeoNames' and ISO "
      "3166-2's spellings accepted); a warning, since admin borders are not drawn exactly.",
      columns=("admin1", "latitude", "longitude"), severity="warning")
def _admin1(e: Any, ctx: Context) -> Iterator[Finding]:
    if not e.admin1 or e.latitude is None or e.longitude is None or not e.iso3 or not countries.is_iso3(e.iso3):
        return
    found = places.admin1_mismatch(e.iso3, e.admin1, *_cell(e))
    if found:
        yield Finding("admin1", e.admin1, {"found": found, "iso3": e.iso3})


@rule("region-mismatch",
      "region '{value}' is not ACLED's region of {iso3}, which is {expected}: write '{expected}' or leave region "
      "empty (it is filled from the country).",
      "region is ACLED's region of the country (a table of every country).",
      columns=("region", "iso3"))
def _region(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.region and e.iso3 and countries.is_iso3(e.iso3):
        expected = region_of(e.iso3)
        if expected and e.region != expected:
            yield Finding("region", e.region, {"iso3": e.iso3, "expected": expected})


# The point rules: what they find depends only on the row's country, cell and admin1.
POINT_RULES = frozenset(("point-outside-country", "point-maybe-outside-country", "point-far-from-places",
                         "admin1-mismatch"))


def point_rules_quiet(e: Any) -> bool:
    """True when no rule of POINT_RULES can fire on this row, worked out once per (country, cell, admin1):
    the row engine then skips them (four rule calls a row were most of what place checks cost it)."""
    if e.latitude is None or e.longitude is None or not e.iso3 or not countries.is_iso3(e.iso3):
        return True
    return places.quiet(e.iso3, *_cell(e), e.admin1 or None)

"""The rules that fill or replace values of the draft row before the other rules run: coordinates
from a place name, and actor aliases replaced by their canonical names (their findings say what was
changed). The row engine runs them first (`filling_rules`)."""

from __future__ import annotations

from typing import Any, Iterator

from . import countries, places
from .rules_base import Context, Finding, rule


@rule("place-filled",
      "latitude and longitude were empty and are filled from the gazetteer: '{value}' is {how}. Filled: "
      "latitude {latitude}, longitude {longitude}, admin1 {admin1}, admin2 {admin2}, geo_precision "
      "{geo_precision}. Check them, or give the coordinates yourself.",
      "A row without coordinates whose location (or admin2, admin1) names a place in its country gets the "
      "place's coordinates, admin1, admin2 and a geo_precision (exact for a town, region for an admin1); a warning "
      "that says how the place was found.",
      columns=("location", "latitude", "longitude", "admin1", "admin2", "geo_precision", "region"),
      severity="warning", fills=True)
def _fill_place(e: Any, ctx: Context) -> Iterator[Finding]:
    if ctx.row_failed & {"latitude", "longitude", "iso3"}:
        return  # a coordinate was given and is faulty: reported as such, never replaced
    for name, value, params in places.fill(e):
        yield Finding(name, value, params)


@rule("place-not-found",
      "latitude and longitude are empty and '{value}' names no place in {iso3} that the gazetteer knows: give the "
      "coordinates, or a town's name (GeoNames spelling or an alternate name) in location.",
      "A row without coordinates needs a location the gazetteer can find within the stated country.",
      columns=("location", "latitude", "longitude"), fills=True)
def _place_not_found(e: Any, ctx: Context) -> Iterator[Finding]:
    if ctx.row_failed & {"latitude", "longitude", "iso3"}:
        return
    if e.latitude is None and e.longitude is None and e.iso3 and countries.is_iso3(e.iso3):
        yield Finding("latitude", e.location or e.admin1 or "", {"iso3": e.iso3})


# The actor columns (the registry's rules in `rules_event` are about them too).
ACTOR_FIELDS = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")


@rule("actor-alias-replaced",
      "'{value}' in {field} is an alias of '{canonical}' in the actor registry and was replaced by it.",
      "An actor name that the registry knows as an alias is replaced by its canonical name (a warning listing "
      "each replacement; checks without a store have no registry).",
      columns=ACTOR_FIELDS, severity="warning", fills=True)
def _actor_alias(e: Any, ctx: Context) -> Iterator[Finding]:
    if ctx.actors is None:
        return
    for name in ("actor1", "actor2"):
        value = getattr(e, name)
        canonical = ctx.actors.canonical(value) if value else None
        if canonical and canonical != value:
            setattr(e, name, canonical)
            yield Finding(name, value, {"canonical": canonical})
    for name in ("assoc_actor_1", "assoc_actor_2"):
        items = list(getattr(e, name) or ())
        for i, value in enumerate(items):
            canonical = ctx.actors.canonical(value) if value else None
            if canonical and canonical != value:
                items[i] = canonical
                yield Finding(f"{name}[{i}]", value, {"canonical": canonical})
        if items != list(getattr(e, name) or ()):
            setattr(e, name, items)

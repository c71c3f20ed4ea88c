"""Place names and admin1 names looked up in the gazetteer's tables (`g`, a
`cedar.schema.gazetteer.Gazetteer`): a name (or an alternate name) resolved within a country, and the
GeoNames admin1s a stated admin1 may mean. Each distinct question is worked out once per process.
rapidfuzz is imported inside the functions: most names are settled before a fuzzy comparison."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .placenames import fold, unit_key


@dataclass(frozen=True)
class Resolved:
    """A place name resolved within a country: the place, how it was found, and how sure."""

    place: Any  # the gazetteer's Place
    precision: str  # exact (a town), region (an admin1, coded to its largest town)
    how: str  # a sentence for the report
    candidates: int  # places of that name in the country


@lru_cache(maxsize=50_000)
def resolve(g: Any, name: str, iso3: str, admin1: str | None) -> Resolved | None:
    key = fold(name)
    if not key:
        return None
    idx = [i for i in g.named(key) if g.iso3[i] == iso3]
    if idx:
        chosen = idx
        if admin1:
            wanted = set(admin1_candidates(g, iso3, admin1))
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
def admin1_candidates(g: Any, iso3: str, stated: str) -> tuple[str, ...]:
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


@lru_cache(maxsize=100_000)
def fuzzy_admin1(stated: str, found: tuple[str, ...]) -> bool:
    """Whether a stated admin1 is one of these spelled a little differently."""
    from rapidfuzz import fuzz

    key = unit_key(stated)
    return any(fuzz.ratio(key, unit_key(f)) >= 85 for f in found)


def _iso_subdivision_admin1(g: Any, iso3: str, stated: str) -> str | None:
    """A stated ISO 3166-2 code or subdivision name, as the GeoNames admin1 of the same name."""
    by_code, by_key = _subdivision_keys(g, iso3)
    key = by_code.get(stated.strip().upper()) or by_key.get(unit_key(stated))
    if key is None:
        return None
    names = g.admin1_names.get(iso3, {})
    return names[key] if key in names else _closest(key, names)


@lru_cache(maxsize=None)
def _subdivision_keys(g: Any, iso3: str) -> tuple[dict[str, str], dict[str, str]]:
    """A country's ISO 3166-2 subdivisions as unit keys of their names, by code and by that key (the
    first listed wins, as a scan in ISO's order would find it)."""
    by_code: dict[str, str] = {}
    by_key: dict[str, str] = {}
    for code, name in g.subdivisions(iso3):
        by_code.setdefault(code, unit_key(name))
        by_key.setdefault(unit_key(name), unit_key(name))
    return by_code, by_key


def _closest(key: str, names: dict[str, str]) -> str | None:
    from rapidfuzz import fuzz, process

    best = process.extractOne(key, list(names), scorer=fuzz.ratio, score_cutoff=80)
    return names[best[0]] if best else None

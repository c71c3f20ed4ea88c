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
import re
from pathlib import Path
from typing import Any, Iterator

from cedar.schema import countries, vocab
from cedar.schema.acled_layout import CURRENT, DELETED, GEO_PRECISION, OLD, OLD_IDS, SCALES, TIME_PRECISION
from cedar.schema.acled_layout import INTER_LABELS as _INTER_LABELS

from .common import LayoutError, Mapped, Note, Refuse, date, integer, jsonable, number, read_rows, split_list, text

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
    return mapped_rows(path, layout, header, rows)


def mapped_rows(path: Path, layout: str, header: list[str], rows: Iterator[Any]) -> Iterator[Mapped]:
    known = set(CURRENT) | set(OLD) | set(DELETED)
    unknown = [h for h in header if h not in known]
    first = True
    for raw in rows:
        if raw.error:
            yield Mapped(raw.line, refusal=Refuse("cut-off-row" if raw.error == "unexpected end of data" else
                                                  "bad-csv", f"the row cannot be read as CSV ({raw.error})"
                                                  + (": the file ends inside a quoted value, it looks cut off in "
                                                     "its last row." if raw.error == "unexpected end of data"
                                                     else ": check its quotation marks.")))
            continue
        if not any(c.strip() for c in raw.cells):
            continue
        m = Mapped(raw.line)
        if first and unknown:
            m.notes.append(Note("unknown-peer-column", f"Column(s) {', '.join(unknown)} are not ACLED columns this "
                                "importer knows; they are left out.", None, unknown))
        first = False
        if len(raw.cells) != len(header):
            m.refusal = Refuse("wrong-cell-count", f"the row has {len(raw.cells)} cells and the header "
                               f"{len(header)}" + (": the file looks cut off in its last row"
                                                   if len(raw.cells) < len(header) else "") + ".",
                               None, len(raw.cells))
            yield m
            continue
        cells = dict(zip(header, raw.cells))
        try:
            m.data, m.external_id = map_row(cells, layout, m.notes)
        except Refuse as r:
            m.refusal = r
            m.external_id = None
        yield m


def inter_code(value: str | None, name: str) -> int:
    v = (value or "").strip()
    if re.fullmatch(r"[0-8](\.0*)?", v):
        return int(float(v))
    code = _INTER_LABELS.get(v.casefold())
    if code is None:
        raise Refuse("not-in-vocabulary", f"{name} '{v}' is neither an ACLED inter code (0-8) nor one of its labels "
                     f"({', '.join(vocab.ACTOR_TYPES.values())}).", name, v)
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
    code = countries.code_for_name(name)
    if code:
        return code
    raise Refuse("unknown-country", f"neither iso '{num}' nor country '{name}' names a country with an ISO 3166-1 "
                 "code.", "iso", num)


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
        notes.append(Note("misspelled-label", f"{name} '{v}' is a misspelling in ACLED's data: read as '{fixed}'.",
                          name, v))
        return fixed
    raise Refuse("not-in-vocabulary", f"{name} '{v}' is not one of ACLED's labels ({', '.join(allowed)}).", name, v)


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
            notes.append(Note("unknown-label", f"source_scale part '{part}' is not one of ACLED's scales "
                              f"({', '.join(sorted(SCALES))}); it is left out.", "source_scale", scale))
        elif s not in scales:
            scales.append(s)
    one = scales[0] if len(scales) == 1 else None
    out = [{"name": n, "scale": one} for n in names]
    if scale and (text(scale) or "").casefold() == "local partner":
        for s in out:
            s["kind"] = "partner"
    combined = "-".join(s for s in vocab.SOURCE_SCALES if s in scales) if len(scales) > 1 else None
    return out, combined


def fatalities_of(value: str | None, notes_text: str | None) -> int | None:
    n = integer(value, "fatalities")
    if n == 0 and not (notes_text and NO_DEATHS.search(notes_text)):
        return None  # ACLED's 0 also means "no information": Cedar keeps that apart from a reported 0
    return n


def map_row(cells: dict[str, str], layout: str, notes: list[Note]) -> tuple[dict[str, Any], str]:
    event_id = text(cells.get("event_id_cnty"))
    if not event_id:
        raise Refuse("missing-value", "event_id_cnty is empty: an ACLED row without its id cannot be kept apart "
                     "from others or updated later.", "event_id_cnty")
    external = f"{DATASET}:{event_id}"
    event_date = date(cells.get("event_date"), "event_date")
    year = integer(cells.get("year"), "year")
    if year is not None and year != event_date.year:
        notes.append(Note("year-mismatch", f"year {year} disagrees with event_date {event_date}: event_date is kept.",
                          "year", year))
    tp = integer(cells.get("time_precision"), "time_precision")
    if tp not in TIME_PRECISION:
        raise Refuse("not-in-vocabulary", f"time_precision '{cells.get('time_precision')}' is not 1, 2 or 3.",
                     "time_precision", cells.get("time_precision"))
    event_type = _label(cells.get("event_type"), "event_type", vocab.EVENT_TYPES, notes)
    sub = _label(cells.get("sub_event_type"), "sub_event_type", vocab.ALL_SUB_EVENT_TYPES, notes)
    if event_type is None or sub is None:
        raise Refuse("missing-value", "event_type or sub_event_type is empty.", "event_type")
    disorder = _label(cells.get("disorder_type"), "disorder_type", vocab.DISORDER_LABELS, notes)
    if disorder and disorder != vocab.disorder_type_of(sub):
        notes.append(Note("derived-differs", f"disorder_type '{disorder}' disagrees with sub_event_type '{sub}'; "
                          f"Cedar derives '{vocab.disorder_type_of(sub)}'.", "disorder_type", disorder))
    inter1 = inter_code(cells.get("inter1"), "inter1")
    inter2 = inter_code(cells.get("inter2"), "inter2")
    actor1 = text(cells.get("actor1"))
    actor2 = text(cells.get("actor2"))
    if actor2 is None:
        inter2 = 0
    interaction = text(cells.get("interaction"))
    if interaction and interaction.isdigit() and inter1 and int(interaction) != vocab.interaction_of(inter1, inter2):
        notes.append(Note("derived-differs", f"interaction {interaction} disagrees with inter1 {inter1} and inter2 "
                          f"{inter2}; Cedar derives {vocab.interaction_of(inter1, inter2)}.", "interaction",
                          interaction))
    target = TARGET_OF_INTER.get(inter2) if actor2 else None
    target = target or TARGET_OF_SUB_EVENT.get(sub, "unknown")
    if event_type == "Violence against civilians" and inter2 in (0, 7):
        target = "civilians"
    given_ct = text(cells.get("civilian_targeting"))
    if given_ct is not None or "civilian_targeting" in cells:
        from cedar.schema.derive import civilian_targeting

        derived_ct = civilian_targeting(event_type, target)
        if bool(given_ct) != derived_ct:
            notes.append(Note("derived-differs", f"civilian_targeting '{given_ct or ''}' disagrees with event_type "
                              f"'{event_type}' and actor2's type; Cedar derives "
                              f"{'Civilian targeting' if derived_ct else 'no civilian targeting'}.",
                              "civilian_targeting", given_ct))
    iso3 = iso3_of(cells, notes)
    country = text(cells.get("country")) or ""
    if not countries.name_matches_code(country, iso3):
        country = countries.country_name(iso3) or country
    region = text(cells.get("region"))
    if region and region not in vocab.REGIONS:
        notes.append(Note("unknown-label", f"region '{region}' is not one of ACLED's regions; left out.", "region",
                          region))
        region = None
    gp = integer(cells.get("geo_precision"), "geo_precision")
    if gp not in GEO_PRECISION:
        raise Refuse("not-in-vocabulary", f"geo_precision '{cells.get('geo_precision')}' is not 1, 2 or 3.",
                     "geo_precision", cells.get("geo_precision"))
    notes_text = text(cells.get("notes"))
    sources, combined = sources_of(cells.get("source"), cells.get("source_scale"), notes)
    n_sources = len(sources)
    data = {
        "ref": external,
        "event_date": event_date,
        "date_precision": TIME_PRECISION[tp],
        "event_type": event_type,
        "sub_event_type": sub,
        "actor1": actor1,
        "assoc_actor_1": split_list(cells.get("assoc_actor_1")),
        "inter1": inter1,
        "actor2": actor2,
        "assoc_actor_2": split_list(cells.get("assoc_actor_2")),
        "inter2": inter2,
        "target_kind": target,
        "country": country,
        "iso3": iso3,
        "region": region,
        "admin1": text(cells.get("admin1")),
        "admin2": text(cells.get("admin2")),
        "admin3": text(cells.get("admin3")),
        "location": text(cells.get("location")),
        "latitude": number(cells.get("latitude"), "latitude"),
        "longitude": number(cells.get("longitude"), "longitude"),
        "geo_precision": GEO_PRECISION[gp],
        "fatalities": fatalities_of(cells.get("fatalities"), notes_text),
        "verification_status": "unverified",
        "verification_note": f"Imported from ACLED ({event_id}): coded by ACLED from {n_sources} named report"
                             f"{'s' * (n_sources != 1)}; ACLED publishes no verification status and does not say "
                             "whether its sources are independent of one another.",
        "sources": sources,
        "source_scale": combined,
        "notes": notes_text,
        "tags": split_list(cells.get("tags")),
        "coder": "ACLED",
        "external_ids": [external],
    }
    return jsonable(data), external


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

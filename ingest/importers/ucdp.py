"""UCDP Georeferenced Event Dataset (GED) exports into Cedar events: the standard 49-column CSV layout.

The file is read twice, streaming: a first pass notes which actors fight a government in
state-based dyads (their actor type is then "Rebel groups" everywhere in the file), the second maps
the rows. Every choice is documented in docs/importers.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

from cedar.schema import countries

from .common import LayoutError, Mapped, Note, Refuse, date, integer, jsonable, number, read_rows, split_list, text

DATASET = "ucdp-ged"

COLUMNS = ("id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
           "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id",
           "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources",
           "source_article", "source_office", "source_date", "source_headline", "source_original", "where_prec",
           "where_coordinates", "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt",
           "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec", "date_start", "date_end",
           "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob")
# Older GED versions (up to 5.0) spell some columns differently; they are read under the new names.
RENAMED = {"conflict_new_id": ("conflict_new_id",), "best": ("best", "best_est"), "high": ("high", "high_est"),
           "low": ("low", "low_est"), "deaths_civilians": ("deaths_civilians",)}

VIOLENCE = {1: "state-based", 2: "non-state", 3: "one-sided"}
DATE_PREC = {1: "day", 2: "week", 3: "week", 4: "month", 5: "span"}
WHERE_PREC = {1: "exact", 2: "near", 3: "near", 4: "region", 5: "region", 6: "country", 7: "region"}

# UCDP country names ISO's names and Cedar's aliases do not cover: "Name (former name)" is tried without
# its bracket as well.
UCDP_COUNTRIES = {"bosnia-herzegovina": "BIH", "kingdom of eswatini (swaziland)": "SWZ", "macedonia, fyr": "MKD",
                  "north macedonia": "MKD", "yemen (north yemen)": "YEM", "dr congo (zaire)": "COD",
                  "russia (soviet union)": "RUS", "serbia (yugoslavia)": "SRB", "cambodia (kampuchea)": "KHM",
                  "madagascar (malagasy)": "MDG", "zimbabwe (rhodesia)": "ZWE", "ivory coast": "CIV",
                  "vietnam (north vietnam)": "VNM", "myanmar (burma)": "MMR", "iran": "IRN", "syria": "SYR",
                  "united states of america": "USA", "turkey": "TUR"}


# UCDP writes the kind of unit after an admin name, in lower case ("Kayin state", "Bogale district");
# Cedar's admin1/admin2 hold the name. A capitalised word ("Northern Region") is part of the name.
_UNIT_WORDS = ("state", "division", "region", "province", "district", "county", "governorate", "prefecture",
               "department", "municipality", "oblast", "township", "zone", "city", "town", "area", "territory")
_UNIT = re.compile(r"\s+(?:" + "|".join(_UNIT_WORDS) + r")$")


def admin_name(value: str | None) -> str | None:
    """'Ayeyarwady division' -> 'Ayeyarwady'; names without a lower-case unit word stay as they are."""
    v = text(value)
    if v is None:
        return None
    stripped = _UNIT.sub("", v)
    return stripped or v


def iso3_of(name: str) -> str | None:
    folded = name.casefold().strip()
    code = UCDP_COUNTRIES.get(folded) or countries.code_for_name(name)
    if code is None and "(" in name:
        code = countries.code_for_name(name.split("(")[0].strip())
    return code


def open_file(path: Path, encoding: str = "utf-8") -> tuple[list[str], Iterator[Any]]:
    rows = read_rows(path, encoding=encoding)
    first = next(rows, None)
    if first is None or not any(c.strip() for c in first.cells):
        raise LayoutError(path, "no header row (the file is empty)", "UCDP GED's CSV with its 49-column header")
    header = [h.strip().lower() for h in first.cells]
    for new, olds in RENAMED.items():
        for old in olds:
            if old in header and new not in header:
                header[header.index(old)] = new
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise LayoutError(path, f"{len(header)} columns ({', '.join(first.cells[:6])}, ...) and lacks "
                          f"{', '.join(missing)}", f"UCDP GED's standard 49-column layout "
                          f"({', '.join(COLUMNS[:5])}, ..., gwnoa, gwnob)",
                          "Export the GED file again with all columns (the CSV from ucdp.uu.se, not a subset).")
    return header, rows


def _rebels(path: Path, encoding: str) -> set[str]:
    """Actor ids that fight a government in a state-based dyad of this file (UCDP's side_b there)."""
    header, rows = open_file(path, encoding)
    i_type, i_side = header.index("type_of_violence"), header.index("side_b_new_id")
    i_gw = header.index("gwnob")
    out = set()
    for raw in rows:
        if raw.error or len(raw.cells) != len(header):
            continue
        if raw.cells[i_type].strip() == "1" and not raw.cells[i_gw].strip():
            out.update(s.strip() for s in raw.cells[i_side].split(","))
    return out


def read(path: Path, encoding: str = "utf-8") -> Iterator[Mapped]:
    rebels = _rebels(path, encoding)
    header, rows = open_file(path, encoding)
    known = set(COLUMNS)
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
            m.notes.append(Note("unknown-peer-column", f"Column(s) {', '.join(unknown)} are not GED columns this "
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
            m.data, m.external_id = map_row(cells, rebels, m.notes)
        except Refuse as r:
            m.refusal = r
        yield m


def _actor_type(side: str, side_ids: str, gwno: str, country_gw: str, rebels: set[str]) -> int:
    """ACLED inter code of a GED side: a government (gwno given) is State forces in its own country and
    External/Other forces abroad; an actor that fights a government in the file is a Rebel group; any other
    organised side is a Political militia."""
    gw = [g.strip() for g in gwno.split(",") if g.strip()]
    if gw:
        return 1 if country_gw.strip() in gw else 8
    if any(s.strip() in rebels for s in side_ids.split(",")):
        return 2
    return 3


def _sources(cells: dict[str, str]) -> list[dict[str, Any]]:
    """source_article is UCDP's ';'-separated list of the reports; source_office and source_date, where
    given, name the outlet and the date of each (same order)."""
    articles = [a.strip() for a in (cells.get("source_article") or "").split(";")]
    offices = [a.strip() for a in (cells.get("source_office") or "").split(";")]
    dates = [a.strip() for a in (cells.get("source_date") or "").split(";")]
    out: list[dict[str, Any]] = []
    for i, article in enumerate(articles):
        office = offices[i] if i < len(offices) and len(offices) == len(articles) else ""
        name = " ".join((office or article).replace(";", ",").split())
        if not name:
            continue
        s: dict[str, Any] = {"name": name}
        if office and article and article != office:
            s["name"] = f"{office}: {' '.join(article.split())}"[:500]
        if i < len(dates) and len(dates) == len(articles) and dates[i]:
            try:
                s["published"] = date(dates[i][:10], "source_date", ("%Y-%m-%d",)).isoformat()
            except Refuse:
                pass
        if s["name"] not in [o["name"] for o in out]:
            out.append(s)
    return out


def map_row(cells: dict[str, str], rebels: set[str], notes: list[Note]) -> tuple[dict[str, Any], str]:
    ged_id = text(cells.get("id"))
    if not ged_id:
        raise Refuse("missing-value", "id is empty: a GED row without its id cannot be kept apart or updated.", "id")
    external = f"{DATASET}:{ged_id}"
    tov = integer(cells.get("type_of_violence"), "type_of_violence")
    if tov not in VIOLENCE:
        raise Refuse("not-in-vocabulary", f"type_of_violence '{cells.get('type_of_violence')}' is not 1, 2 or 3.",
                     "type_of_violence", cells.get("type_of_violence"))
    start = date(cells.get("date_start"), "date_start", ("%Y-%m-%d",))
    end = date(cells.get("date_end") or cells.get("date_start"), "date_end", ("%Y-%m-%d",))
    dp = integer(cells.get("date_prec"), "date_prec")
    if dp not in DATE_PREC:
        raise Refuse("not-in-vocabulary", f"date_prec '{cells.get('date_prec')}' is not 1-5.", "date_prec",
                     cells.get("date_prec"))
    precision = DATE_PREC[dp]
    if end < start:
        raise Refuse("end-before-start", f"date_end {end} is before date_start {start}.", "date_end", str(end))
    if precision == "day" and end > start:
        precision = "span"  # an exact day that lasts several days is a span
    wp = integer(cells.get("where_prec"), "where_prec")
    if wp not in WHERE_PREC:
        raise Refuse("not-in-vocabulary", f"where_prec '{cells.get('where_prec')}' is not 1-7.", "where_prec",
                     cells.get("where_prec"))
    name = text(cells.get("country")) or ""
    iso3 = iso3_of(name)
    if iso3 is None:
        raise Refuse("unknown-country", f"country '{name}' has no ISO 3166-1 code this importer knows.", "country",
                     name)
    country = name if countries.name_matches_code(name, iso3) else (countries.country_name(iso3) or name)
    side_a, side_b = text(cells.get("side_a")), text(cells.get("side_b"))
    if not side_a or not side_b:
        raise Refuse("missing-value", "side_a or side_b is empty: the event has no actors.", "side_a")
    gw = cells.get("country_id") or ""
    inter1 = _actor_type(side_a, cells.get("side_a_new_id") or "", cells.get("gwnoa") or "", gw, rebels)
    best, low, high = (integer(cells.get(k), k) for k in ("best", "low", "high"))
    for k, v in (("best", best), ("low", low), ("high", high)):
        if v is not None and v < 0:
            raise Refuse("out-of-range", f"{k} is {v}: a death toll is 0 or more.", k, v)
    if best is not None and ((low is not None and low > best) or (high is not None and high < best)):
        new_low = min(low, best) if low is not None else None
        new_high = max(high, best) if high is not None else None
        notes.append(Note("fatalities-range-repaired", f"low {low} <= best {best} <= high {high} does not hold: the "
                          f"best estimate is kept and the range widened to hold it (low {new_low}, high {new_high}).",
                          "best", f"{low}/{best}/{high}"))
        low, high = new_low, new_high
    if tov == 3:
        event_type, sub = "Violence against civilians", "Attack"
        actor2, inter2, target = f"Civilians ({country})", 7, "civilians"
    else:
        event_type, sub = "Battles", "Armed clash"
        actor2 = side_b
        inter2 = _actor_type(side_b, cells.get("side_b_new_id") or "", cells.get("gwnob") or "", gw, rebels)
        target = {1: "state_forces", 8: "state_forces"}.get(inter2, "armed_group")
    n_sources = integer(cells.get("number_of_sources"), "number_of_sources")
    clarity = integer(cells.get("event_clarity"), "event_clarity")
    sources = _sources(cells)
    if not sources:
        raise Refuse("missing-source", "source_article is empty: Cedar keeps no event without a source.",
                     "source_article")
    claims = [{"aspect": "occurrence", "claimant": c, "stance": "asserts", "status": "unverified",
               "note": "UCDP's source_original: the original source of the information"}
              for c in split_list(cells.get("source_original"))]
    counted = "unknown" if n_sources in (None, -1) else str(n_sources)
    deaths = ", ".join(f"{label} {cells.get(k) or '?'}" for k, label in (
        ("deaths_a", "side A"), ("deaths_b", "side B"), ("deaths_civilians", "civilians"),
        ("deaths_unknown", "unknown")))
    where = text(cells.get("where_description"))
    notes_text = (f"UCDP GED {VIOLENCE[tov]} violence, conflict '{text(cells.get('conflict_name'))}', dyad "
                  f"'{text(cells.get('dyad_name'))}'" + (f", at {where}" if where else "")
                  + (" (international waters or airspace)" if wp == 7 else "")
                  + f". Deaths by UCDP: {deaths}; best {best}, low {low}, high {high}.")
    tags = [f"ucdp-conflict:{text(cells.get('conflict_new_id'))}", f"ucdp-dyad:{text(cells.get('dyad_new_id'))}"]
    if text(cells.get("active_year")) in ("True", "true", "1"):
        tags.append("ucdp-active-year")
    if clarity == 2:
        tags.append("ucdp-low-clarity")
    data = {
        "ref": external,
        "event_date": start,
        "event_date_end": end if (end > start or precision == "span") else None,
        "date_precision": precision,
        "event_type": event_type,
        "sub_event_type": sub,
        "actor1": side_a,
        "inter1": inter1,
        "actor2": actor2,
        "assoc_actor_2": [side_b] if tov == 3 and side_b != "Civilians" else [],
        "inter2": inter2,
        "target_kind": target,
        "country": country,
        "iso3": iso3,
        "admin1": admin_name(cells.get("adm_1")),
        "admin2": admin_name(cells.get("adm_2")),
        "location": text(cells.get("where_coordinates")) or where or country,
        "latitude": number(cells.get("latitude"), "latitude"),
        "longitude": number(cells.get("longitude"), "longitude"),
        "geo_precision": WHERE_PREC[wp],
        "fatalities": best,
        "fatalities_low": low,
        "fatalities_high": high,
        "verification_status": "unverified",
        "verification_note": f"Imported from UCDP GED (id {ged_id}, {text(cells.get('relid'))}): UCDP counts "
                             f"{counted} source{'s' * (counted != '1')} (number_of_sources), event clarity "
                             f"{'clear' if clarity == 1 else 'lower' if clarity == 2 else 'not given'}, code status "
                             f"{text(cells.get('code_status')) or 'not given'}; UCDP publishes no verification status.",
        "claims": claims,
        "sources": sources,
        "notes": notes_text,
        "tags": [t.replace(";", ",") for t in tags],
        "coder": "UCDP",
        "external_ids": [external],
    }
    return jsonable(data), external

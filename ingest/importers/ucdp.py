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
    read_rows,
    text,
)

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
    out: set[str] = set()
    for raw in rows:
        if raw.error or len(raw.cells) != len(header):
            continue
        if raw.cells[i_type].strip() == "1" and not raw.cells[i_gw].strip():
            out.update(s.strip() for s in raw.cells[i_side].split(","))
    return out


def read(path: Path, encoding: str = "utf-8") -> Iterator[Mapped]:
    rebels = _rebels(path, encoding)
    header, rows = open_file(path, encoding)
    unknown = [h for h in header if h not in set(COLUMNS)]
    note = Note("unknown-peer-column", None, unknown, columns=", ".join(unknown), peer="GED") if unknown else None
    return mapped_rows(rows, header, "the header", lambda cells, notes: map_row(cells, rebels, notes), note=note)


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
    """source_article is UCDP's ';'-separated list of the reports, each quoted ("Outlet,date,headline");
    source_office and source_date, where given, name the outlet and the date of each (same order). A ';'
    inside a quoted report belongs to its headline: the list is split only outside quotes, and where the
    lists still do not align, each report's own outlet and date are read from its quoted form."""
    articles = split_outside_quotes(cells.get("source_article"))
    offices = [a.strip() for a in (cells.get("source_office") or "").split(";")]
    dates = [a.strip() for a in (cells.get("source_date") or "").split(";")]
    aligned = len(offices) == len(articles)
    out: list[dict[str, Any]] = []
    for i, article in enumerate(articles):
        office = offices[i] if aligned else ""
        day = dates[i] if len(dates) == len(articles) else ""
        own = _REPORT.match(article.strip('"'))
        if own and not aligned:
            office = own["outlet"].strip(" ;")  # GED's data has a stray ';' opening a quoted report
        if own and not day:
            day = own["date"]
        name = " ".join((office or article).replace(";", ",").split())
        if not name:
            continue
        s: dict[str, Any] = {"name": name}
        if office and article and article != office:
            s["name"] = f"{office}: {' '.join(article.replace(';', ',').split())}"[:500]  # ';' separates names
        if day:
            try:
                s["published"] = date(day[:10], "source_date", ("%Y-%m-%d",)).isoformat()
            except Refuse:
                pass
        if s["name"] not in [o["name"] for o in out]:
            out.append(s)
    return out


# A report as GED quotes it in source_article: "Outlet,YYYY-MM-DD,headline".
_REPORT = re.compile(r"(?P<outlet>[^,]+),(?P<date>\d{4}-\d{2}-\d{2}),")


def split_outside_quotes(value: str | None, sep: str = ";") -> list[str]:
    """'"a;b";"c"' -> ['"a;b"', '"c"']: a ';'-separated list whose items may be quoted (a doubled quote inside
    a quoted item is a quote), split only at separators outside quotes; items stripped, empty ones dropped."""
    items: list[str] = []
    part: list[str] = []
    quoted = False
    for ch in value or "":
        if ch == '"':
            quoted = not quoted  # a doubled quote toggles twice: still inside
        elif ch == sep and not quoted:
            items.append("".join(part))
            part = []
            continue
        part.append(ch)
    items.append("".join(part))
    return [item.strip() for item in items if item.strip()]


def map_row(cells: dict[str, str], rebels: set[str], notes: list[Note]) -> tuple[dict[str, Any], str]:
    """One GED row as a Cedar event (nested, JSON-ready) and its external id; a Refuse says why it cannot be."""
    ged_id = text(cells.get("id"))
    if not ged_id:
        raise Refuse("missing-peer-id", "id", peer="GED")
    external = f"{DATASET}:{ged_id}"
    tov = _coded(cells, "type_of_violence", VIOLENCE, "1, 2, 3")
    when = _dates(cells)
    wp = _coded(cells, "where_prec", WHERE_PREC, "1-7")
    iso3, country = _country(cells)
    side_a, side_b = text(cells.get("side_a")), text(cells.get("side_b"))
    if not side_a or not side_b:
        raise Refuse("missing-value", "side_a" if not side_a else "side_b")
    gw = cells.get("country_id") or ""
    inter1 = _actor_type(side_a, cells.get("side_a_new_id") or "", cells.get("gwnoa") or "", gw, rebels)
    best, low, high = _deaths(cells, notes)
    (event_type, sub), who = _second_side(cells, tov, country, side_b, gw, rebels)
    n_sources = integer(cells.get("number_of_sources"), "number_of_sources")
    clarity = integer(cells.get("event_clarity"), "event_clarity")
    sources = _sources(cells)
    if not sources:
        raise Refuse("missing-source", "source_article")
    claims = [{"aspect": "occurrence", "claimant": c, "stance": "asserts", "status": "unverified",
               "note": "UCDP's source_original: the original source of the information"}
              for c in dict.fromkeys(c.strip('"').strip() for c in split_outside_quotes(cells.get("source_original")))
              if c]
    where = text(cells.get("where_description"))
    data = {
        "ref": external,
        **when,
        "event_type": event_type,
        "sub_event_type": sub,
        "actor1": side_a,
        "inter1": inter1,
        **who,
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
        "verification_note": _verification_note(cells, ged_id, n_sources, clarity),
        "claims": claims,
        "sources": sources,
        "notes": _notes(cells, tov, wp, where, (best, low, high)),
        "tags": _tags(cells, clarity),
        "coder": "UCDP",
        "external_ids": [external],
    }
    return jsonable(data), external


def _coded(cells: dict[str, str], name: str, codes: dict[int, str], allowed: str) -> int:
    """A cell of one of GED's codes (type_of_violence, date_prec, where_prec)."""
    n = integer(cells.get(name), name)
    if n not in codes:
        raise Refuse("not-in-vocabulary", name, cells.get(name), allowed=allowed)
    return n


def _dates(cells: dict[str, str]) -> dict[str, Any]:
    """date_start and date_end; an exact day that lasts several days is a span."""
    start = date(cells.get("date_start"), "date_start", ("%Y-%m-%d",))
    end = date(cells.get("date_end") or cells.get("date_start"), "date_end", ("%Y-%m-%d",))
    precision = DATE_PREC[_coded(cells, "date_prec", DATE_PREC, "1-5")]
    if end < start:
        raise Refuse("end-before-start", "date_end", str(end), event_date=start)
    if precision == "day" and end > start:
        precision = "span"
    return {"event_date": start, "event_date_end": end if (end > start or precision == "span") else None,
            "date_precision": precision}


def _country(cells: dict[str, str]) -> tuple[str, str]:
    """The ISO code of GED's country, and its name (GED's where it names the code)."""
    name = text(cells.get("country")) or ""
    iso3 = iso3_of(name)
    if iso3 is None:
        raise Refuse("no-iso-country", "country", name, given=f"country '{name}'")
    return iso3, name if countries.name_matches_code(name, iso3) else (countries.country_name(iso3) or name)


def _deaths(cells: dict[str, str], notes: list[Note]) -> tuple[int | None, int | None, int | None]:
    """best, low and high; a range that does not hold best is widened around it, with a warning."""
    best, low, high = (integer(cells.get(k), k) for k in ("best", "low", "high"))
    for k, v in (("best", best), ("low", low), ("high", high)):
        if v is not None and v < 0:
            raise Refuse("out-of-range", k, v, bound="0 or more (a death toll)")
    if best is not None and ((low is not None and low > best) or (high is not None and high < best)):
        new_low = min(low, best) if low is not None else None
        new_high = max(high, best) if high is not None else None
        notes.append(Note("fatalities-range-repaired", "best", f"{low}/{best}/{high}", low=low, best=best, high=high,
                          new_low=new_low, new_high=new_high))
        low, high = new_low, new_high
    return best, low, high


def _second_side(cells: dict[str, str], tov: int, country: str, side_b: str, gw: str,
                 rebels: set[str]) -> tuple[tuple[str, str], dict[str, Any]]:
    """The event's type and its second actor: one-sided violence is an attack on civilians (side_b, who
    did it with side_a, is kept as an associate), the rest are armed clashes with side_b."""
    if tov == 3:
        return ("Violence against civilians", "Attack"), {
            "actor2": f"Civilians ({country})", "assoc_actor_2": [side_b] if side_b != "Civilians" else [],
            "inter2": 7, "target_kind": "civilians"}
    inter2 = _actor_type(side_b, cells.get("side_b_new_id") or "", cells.get("gwnob") or "", gw, rebels)
    return ("Battles", "Armed clash"), {
        "actor2": side_b, "assoc_actor_2": [], "inter2": inter2,
        "target_kind": {1: "state_forces", 8: "state_forces"}.get(inter2, "armed_group")}


def _verification_note(cells: dict[str, str], ged_id: str, n_sources: int | None, clarity: int | None) -> str:
    counted = "unknown" if n_sources in (None, -1) else str(n_sources)
    return (f"Imported from UCDP GED (id {ged_id}, {text(cells.get('relid'))}): UCDP counts "
            f"{counted} source{'s' * (counted != '1')} (number_of_sources), event clarity "
            f"{'clear' if clarity == 1 else 'lower' if clarity == 2 else 'not given'}, code status "
            f"{text(cells.get('code_status')) or 'not given'}; UCDP publishes no verification status.")


def _notes(cells: dict[str, str], tov: int, wp: int, where: str | None,
           deaths: tuple[int | None, int | None, int | None]) -> str:
    """What GED says that Cedar has no column for: the conflict, the dyad, the place and its deaths by side
    (best, low and high as imported, after any repair)."""
    by_side = ", ".join(f"{label} {cells.get(k) or '?'}" for k, label in (
        ("deaths_a", "side A"), ("deaths_b", "side B"), ("deaths_civilians", "civilians"),
        ("deaths_unknown", "unknown")))
    best, low, high = deaths
    return (f"UCDP GED {VIOLENCE[tov]} violence, conflict '{text(cells.get('conflict_name'))}', dyad "
            f"'{text(cells.get('dyad_name'))}'" + (f", at {where}" if where else "")
            + (" (international waters or airspace)" if wp == 7 else "")
            + f". Deaths by UCDP: {by_side}; best {best}, low {low}, high {high}.")


def _tags(cells: dict[str, str], clarity: int | None) -> list[str]:
    tags = [f"ucdp-conflict:{text(cells.get('conflict_new_id'))}", f"ucdp-dyad:{text(cells.get('dyad_new_id'))}"]
    if (text(cells.get("active_year")) or "").casefold() in ("true", "t", "1", "1.0", "yes"):  # Python's, R's, 0/1
        tags.append("ucdp-active-year")
    if clarity == 2:
        tags.append("ucdp-low-clarity")
    return [t.replace(";", ",") for t in tags]

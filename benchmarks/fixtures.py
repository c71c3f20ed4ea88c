"""Files for the benchmarks, made from the bundled seed."""

from __future__ import annotations

import csv
from pathlib import Path

from cedar.sample_data import SEED_DOCUMENT, seed_path
from cedar.schema import flat
from cedar.validate.check import check_files


def seed_csv(path: Path, rows: int) -> Path:
    """The seed's events, flattened and repeated to `rows` rows, with the article beside them."""
    events = [c.event for c in check_files([seed_path()], keep_events=True).events]
    kinds = flat.column_kinds()
    columns = list(flat.event_columns())
    (path.parent / SEED_DOCUMENT).write_text((seed_path().parent / SEED_DOCUMENT).read_text(encoding="utf-8"),
                                             encoding="utf-8")
    source_kinds = flat.kinds_of(flat.Source)
    with path.open("w", newline="", encoding="utf-8") as f, \
            path.with_name(f"{path.stem}.sources.csv").open("w", newline="", encoding="utf-8") as sf:
        w, sw = csv.writer(f), csv.writer(sf)
        w.writerow(columns)
        sw.writerow(flat.SOURCE_COLUMNS)
        for i in range(rows):
            event = events[i % len(events)].model_copy(update={"ref": f"r{i}"})
            row, sources, _ = flat.to_flat(event, f"r{i}")
            w.writerow([flat.format_cell(kinds[c], row[c]) for c in columns])
            for s in sources:
                sw.writerow([s[flat.EVENT_KEY]]
                            + [flat.format_cell(source_kinds[c], s[c]) for c in flat.SOURCE_COLUMNS[1:]])
    return path


# --- ACLED-layout rows ------------------------------------------------------------------------

# Real places (town, admin1, latitude, longitude) of a few countries (ISO numeric, ISO3, ACLED's region
# and country name). The events set there are invented: ACLED's own rows may not be shipped.
ACLED_PLACES = {
    ("231", "ETH", "Eastern Africa", "Ethiopia"): [
        ("Addis Ababa", "Addis Ababa", 9.0250, 38.7469), ("Gondar", "Amhara", 12.6000, 37.4667),
        ("Mekele", "Tigray", 13.4967, 39.4753), ("Dire Dawa", "Dire Dawa", 9.5931, 41.8661)],
    ("706", "SOM", "Eastern Africa", "Somalia"): [
        ("Mogadishu", "Banadir", 2.0371, 45.3438), ("Baidoa", "Bay", 3.1137, 43.6498),
        ("Beledweyne", "Hiraan", 4.7358, 45.2036)],
    ("404", "KEN", "Eastern Africa", "Kenya"): [
        ("Nairobi", "Nairobi", -1.2833, 36.8167), ("Mombasa", "Mombasa", -4.0547, 39.6636),
        ("Kisumu", "Kisumu", -0.1022, 34.7617)],
    ("484", "MEX", "Central America", "Mexico"): [
        ("Culiacan", "Sinaloa", 24.7994, -107.3897), ("Morelia", "Michoacan", 19.7008, -101.1844),
        ("Chilpancingo", "Guerrero", 17.5506, -99.5058)],
}

# (event_type, sub_event_type, actor1, inter1, actor2, inter2); "{c}" is the event's country name, "{home}" a
# state's forces at home and "{abroad}" Ethiopia's forces in Somalia (inter 8: ACLED's external forces).
ACLED_SHAPES = (
    ("Protests", "Peaceful protest", "Protesters ({c})", 6, "", 0),
    ("Protests", "Protest with intervention", "Protesters ({c})", 6, "Police Forces of {c} (2018-)", 1),
    ("Riots", "Mob violence", "Rioters ({c})", 5, "Civilians ({c})", 7),
    ("Battles", "Armed clash", "Military Forces of {c} (2018-)", 1, "Unidentified Armed Group ({c})", 3),
    ("Violence against civilians", "Attack", "Unidentified Armed Group ({c})", 3, "Civilians ({c})", 7),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "Military Forces of {c} (2018-)", 1,
     "Unidentified Armed Group ({c})", 3),
    ("Strategic developments", "Arrests", "Police Forces of {c} (2018-)", 1, "Civilians ({c})", 7),
)
ABROAD = ("Battles", "Armed clash", "Military Forces of Ethiopia (2018-)", 8, "Al Shabaab", 2)


def acled_csv(path: Path, rows: int, seed: int = 1) -> Path:
    """`rows` invented events at real places in ACLED's current 31-column layout (ACLED's ids with a
    'BENCH' infix, so they cannot be taken for ACLED's own), Ethiopian forces at home and abroad among them."""
    import random
    from datetime import date, timedelta

    from cedar.ingest.importers.acled import TARGET_OF_INTER
    from cedar.schema import vocab
    from cedar.schema.acled_layout import CURRENT
    from cedar.schema.derive import civilian_targeting

    rnd = random.Random(seed)
    places = [(k, p) for k, ps in ACLED_PLACES.items() for p in ps]
    start = date(2020, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(CURRENT)
        for i in range(rows):
            (num, iso3, region, country), (town, admin1, lat, lon) = places[rnd.randrange(len(places))]
            shape = ABROAD if iso3 == "SOM" and rnd.random() < 0.3 else ACLED_SHAPES[rnd.randrange(len(ACLED_SHAPES))]
            etype, sub, a1, i1, a2, i2 = shape
            a1, a2 = a1.format(c=country), a2.format(c=country)
            day = start + timedelta(days=rnd.randrange(1400))
            targeting = "Civilian targeting" if civilian_targeting(etype, TARGET_OF_INTER.get(i2, "unknown")) else ""
            deaths = rnd.choice((0, 0, 1, 2, 5)) if etype not in ("Protests", "Strategic developments") else 0
            w.writerow([
                f"{iso3}BENCH{i}", day.isoformat(), day.year, 1, vocab.disorder_type_of(sub), etype, sub, a1, "",
                i1, a2, "", i2 if a2 else 0, "", targeting, num, region, country, admin1, "", "", town,
                f"{lat + rnd.uniform(-0.01, 0.01):.4f}", f"{lon + rnd.uniform(-0.01, 0.01):.4f}", 1,
                "Invented Daily; Invented Wire", "National", f"On {day.isoformat()}, an invented event in {town}.",
                deaths, "", 1700000000 + i])
    return path


def disputed_claims(path: Path, claims: int) -> Path:
    """The seed's first event with `claims` disputed claims, alternately asserting and denying one aspect each
    pair (the worst case for "a disputed claim needs both sides": every claim asks it), as nested JSON with the
    article beside it."""
    import json

    event = json.loads(seed_path().read_text(encoding="utf-8"))[0]
    (path.parent / SEED_DOCUMENT).write_text((seed_path().parent / SEED_DOCUMENT).read_text(encoding="utf-8"),
                                             encoding="utf-8")
    aspects = ("occurrence", "perpetrator", "target", "fatalities")
    head = json.dumps({k: v for k, v in event.items() if k != "claims"}, ensure_ascii=False)[:-1]
    with path.open("w", encoding="utf-8") as f:
        f.write("[" + head + ', "claims": [')
        for i in range(claims):
            stance = "asserts" if i % 2 == 0 else "denies"
            f.write(("," if i else "") + json.dumps({"aspect": aspects[(i // 2) % len(aspects)],
                                                     "claimant": f"claimant {i}", "stance": stance,
                                                     "status": "disputed"}))
        f.write("]}]\n")
    return path


# --- GDELT 2.0 daily exports ---------------------------------------------------------------------

# Real places (ActionGeo_FullName, FIPS 10-4 country, ADM1 code, latitude, longitude); the events are invented.
GDELT_PLACES = (
    ("Kabul, Kabol, Afghanistan", "AF", "AF13", 34.5167, 69.1833),
    ("Mogadishu, Banaadir, Somalia", "SO", "SO02", 2.0667, 45.3667),
    ("Aleppo, Halab, Syria", "SY", "SY09", 36.2028, 37.1586),
    ("Khartoum, Khartoum, Sudan", "SU", "SU29", 15.5881, 32.5342),
    ("Kharkiv, Kharkivs'ka Oblast', Ukraine", "UP", "UP07", 49.9808, 36.2527),
)
# (EventCode, Actor1Type1Code, Actor2Type1Code): protests, riots, arrests, clashes, strikes; and codes Cedar
# refuses (statements, appeals: most of a real daily file), so that the refusal path is exercised too.
GDELT_SHAPES = (("145", "CVL", ""), ("1451", "CVL", "COP"), ("173", "COP", "CVL"), ("190", "MIL", "REB"),
                ("195", "MIL", ""), ("183", "REB", ""), ("040", "GOV", "GOV"), ("036", "GOV", ""))


def gdelt_daily(path: Path, rows: int, day: int = 0, seed: int = 1) -> Path:
    """`rows` invented events of one day in GDELT 2.0's export layout (61 tab-separated columns, no header),
    GLOBALEVENTIDs starting at 9e9 so that they cannot be taken for GDELT's own. A name ending in .zip
    writes the export zipped, one member inside, as GDELT publishes it."""
    import io
    import random
    import zipfile
    from datetime import date, timedelta

    rnd = random.Random(seed * 1000 + day)
    when = date(2024, 1, 1) + timedelta(days=day)
    stamp = when.strftime("%Y%m%d")
    out = io.StringIO()
    for i in range(rows):
        name, fips, adm1, lat, lon = GDELT_PLACES[rnd.randrange(len(GDELT_PLACES))]
        code, t1, t2 = GDELT_SHAPES[rnd.randrange(len(GDELT_SHAPES))]
        country = name.rsplit(", ", 1)[1].upper()
        a1 = [f"{fips}{t1}", f"{country} {t1}", fips, "", "", "", "", t1, "", ""]
        a2 = [f"{fips}{t2}", f"{country} {t2}", fips, "", "", "", "", t2, "", ""] if t2 else [""] * 10
        geo = ["4", name, fips, adm1, "", f"{lat + rnd.uniform(-0.05, 0.05):.4f}",
               f"{lon + rnd.uniform(-0.05, 0.05):.4f}", str(rnd.randrange(10**6))]
        cells = [str(9_000_000_000 + day * 1_000_000 + i), stamp, stamp[:6], stamp[:4], f"{when.year}.{day:04d}",
                 *a1, *a2, "1", code, code[:3], code[:2], "4" if code[:2] in ("18", "19") else "3",
                 f"{rnd.uniform(-10, 0):.1f}", str(rnd.randrange(1, 20)), str(rnd.randrange(1, 5)),
                 str(rnd.randrange(1, 20)), f"{rnd.uniform(-8, 2):.4f}", *geo, *geo, *geo,
                 f"{stamp}{rnd.randrange(24):02d}0000", f"https://news.invalid/{stamp}/{i}.html"]
        out.write("\t".join(cells) + "\n")
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(path.name.removesuffix(".zip"), out.getvalue())
    else:
        path.write_text(out.getvalue(), encoding="utf-8")
    return path

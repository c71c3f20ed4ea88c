"""ACLED's region follows from the country: an export's region is read against ACLED's table, today's and
earlier ones (2020's "Southern Asia" and "South-Eastern Asia"; Mexico in "North America", Afghanistan in
"Caucasus and Central Asia" or "South Asia"), and a region that disagrees is a warning, never a refusal.
The rows are invented events in ACLED's current layout."""

from __future__ import annotations

import csv
from pathlib import Path

from conftest import ACLED

from cedar.ingest.importers import import_file
from cedar.schema.regions import acled_placed, region_name, region_of

# (event id, iso, country, region as an export gives it, latitude, longitude, location)
PLACES = [
    ("MEX1", "484", "Mexico", "North America", "19.4326", "-99.1332", "Mexico City"),
    ("MEX2", "484", "Mexico", "Central America", "19.4326", "-99.1332", "Mexico City"),
    ("AFG1", "4", "Afghanistan", "Caucasus and Central Asia", "34.5553", "69.2075", "Kabul"),
    ("AFG2", "4", "Afghanistan", "Southern Asia", "34.5553", "69.2075", "Kabul"),
    ("BGD1", "50", "Bangladesh", "Southern Asia", "23.8103", "90.4125", "Dhaka"),
    ("PHL1", "608", "Philippines", "South-Eastern Asia", "14.5995", "120.9842", "Manila"),
    ("MOZ1", "508", "Mozambique", "Southern Africa", "-25.9692", "32.5732", "Maputo"),
    ("MWI1", "454", "Malawi", "Eastern Africa", "-13.9626", "33.7741", "Lilongwe"),
    ("AGO1", "24", "Angola", "Southern Africa", "-8.8390", "13.2894", "Luanda"),
    ("ARG1", "32", "Argentina", "Europe", "-34.6083", "-58.3712", "Buenos Aires"),
]


def export_with(tmp_path: Path) -> Path:
    with ACLED.open(encoding="utf-8", newline="") as f:
        header, template = list(csv.reader(f))[:2]
    col = {name: i for i, name in enumerate(header)}
    rows = [header]
    for event_id, iso, country, region, lat, lon, location in PLACES:
        row = list(template)
        for name, value in (("event_id_cnty", event_id), ("iso", iso), ("country", country), ("region", region),
                            ("latitude", lat), ("longitude", lon), ("location", location), ("admin1", ""),
                            ("admin2", ""), ("admin3", ""), ("actor1", f"Protesters ({country})"),
                            ("assoc_actor_1", "")):
            row[col[name]] = value
        rows.append(row)
    path = tmp_path / "regions.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def test_every_row_is_imported_with_its_countrys_region(tmp_path):
    r = import_file("acled", export_with(tmp_path))
    assert r.refused == {}
    regions = {e.data["ref"].removeprefix("acled:"): e.data["region"] for e in r.events}
    assert regions == {"MEX1": "Central America", "MEX2": "Central America", "AFG1": "Caucasus and Central Asia",
                       "AFG2": "Caucasus and Central Asia", "BGD1": "South Asia", "PHL1": "Southeast Asia",
                       "MOZ1": "Eastern Africa", "MWI1": "Eastern Africa", "AGO1": "Middle Africa",
                       "ARG1": "South America"}


def test_only_a_region_acled_never_gave_the_country_is_a_warning(tmp_path):
    r = import_file("acled", export_with(tmp_path))
    warned = [(p.code, p.row, p.value) for p in r.report.problems if p.code in ("region-differs", "unknown-label")]
    assert warned == [("region-differs", 11, "Europe")]


def test_region_names_of_acleds_tables():
    assert region_name("Southern Asia") == "South Asia" and region_name("south-eastern asia") == "Southeast Asia"
    assert region_name("Atlantis") is None
    assert region_of("AFG") == "Caucasus and Central Asia" and acled_placed("AFG", "South Asia")
    assert acled_placed("MEX", "North America") and not acled_placed("MEX", "South America")

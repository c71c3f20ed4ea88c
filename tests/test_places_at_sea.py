"""Points at sea and in dependencies against the stated country: a dependency's places count as its
sovereign's (Longyearbyen, filed under Svalbard and Jan Mayen, is in Norway for ACLED), and a point with no
place of any country within 25 km but a place of the stated country within 370 km (200 nautical miles) may
be the country's waters: flagged, never refused. Both engines give the same answer. The ACLED rows are
invented events in ACLED's current layout."""

from __future__ import annotations

import csv
from pathlib import Path

from conftest import ACLED
from test_engines_differential import _BASE, _row_engine_set, _sql_engine, _write

from cedar.ingest.importers import import_file
from cedar.schema import places

LONGYEARBYEN = ("NOR", 78.22, 15.65)
EAST_SEA = ("PRK", 37.0, 131.0)  # a missile's splashdown, 56 km from Ulleungdo (KOR), 348 km from a PRK town
BEYOND = ("PRK", 40.0, 134.0)  # 392 km from the nearest place of PRK: past 200 nautical miles


def test_a_dependency_is_its_sovereigns_territory():
    assert places.point_outside(*LONGYEARBYEN) is None
    assert places.point_near_border(*LONGYEARBYEN) is None
    assert places.point_outside("SJM", 78.22, 15.65) is None
    assert places.point_outside("NOR", 48.85, 2.35) is not None  # Paris is still not Norway


def test_a_point_at_sea_near_the_country_is_flagged_not_refused():
    assert places.point_outside(*EAST_SEA) is None
    assert places.point_near_border(*EAST_SEA)["own_km"] == "348"
    assert "falls in Russian Federation" in places.point_outside(*BEYOND)
    # a point 8 km from a town of another country is not at sea: still refused
    assert "falls in Korea, Republic of" in places.point_outside("PRK", 37.25, 129.0)


def acled_rows(tmp_path: Path) -> Path:
    with ACLED.open(encoding="utf-8", newline="") as f:
        header, template = list(csv.reader(f))[:2]
    col = {name: i for i, name in enumerate(header)}
    rows = [header]
    for event_id, iso, country, region, (_, lat, lon), location in (
            ("NOR1", "578", "Norway", "Europe", LONGYEARBYEN, "Longyearbyen"),
            ("PRK1", "408", "North Korea", "East Asia", EAST_SEA, "Sea of Japan")):
        row = list(template)
        for name, value in (("event_id_cnty", event_id), ("iso", iso), ("country", country), ("region", region),
                            ("latitude", str(lat)), ("longitude", str(lon)), ("location", location),
                            ("admin1", ""), ("admin2", ""), ("admin3", ""), ("actor1", f"Protesters ({country})"),
                            ("assoc_actor_1", "")):
            row[col[name]] = value
        rows.append(row)
    path = tmp_path / "sea.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def test_acled_events_in_svalbard_and_at_sea_are_imported(tmp_path):
    r = import_file("acled", acled_rows(tmp_path))
    assert r.refused == {} and r.imported == 2
    flagged = [(p.row, p.code) for p in r.report.problems if p.code.startswith("point-")]
    assert (3, "point-maybe-outside-country") in flagged and all(row == 3 for row, _ in flagged)


def test_both_engines_agree_on_points_at_sea_and_in_dependencies(tmp_path):
    rows = []
    for iso3, country, (_, lat, lon) in (("NOR", "Norway", LONGYEARBYEN), ("PRK", "North Korea", EAST_SEA),
                                         ("PRK", "North Korea", BEYOND)):
        rows.append({**_BASE[0], "iso3": iso3, "country": country, "latitude": str(lat), "longitude": str(lon),
                     "admin1": "", "admin2": "", "location": "At sea", "region": ""})
    path = tmp_path / "sea.csv"
    _write(path, rows)
    row = _row_engine_set(path)
    assert _sql_engine(path) == row
    outside = {r for r, _, code in row if code == "point-outside-country"}
    assert outside == {4}  # only the point past 200 nautical miles

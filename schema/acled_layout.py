"""ACLED's export layouts and codes, as the importer reads them and a release's events-acled.csv
writes them (cedar.ingest.importers.acled, cedar.releases.acled_export).

Two layouts of events are known, told apart by their headers:
- current (2023 onwards, 31 columns), in ACLED's order and spelling;
- pre-2023, with data_id, event_id_no_cnty and iso3, without disorder_type, civilian_targeting and tags.
A deleted-events file has event_id_cnty and deleted_timestamp.
"""

from __future__ import annotations

from cedar.schema import vocab

CURRENT = ("event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
           "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
           "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
           "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp")
OLD = ("data_id", "iso", "event_id_cnty", "event_id_no_cnty", "event_date", "year", "time_precision", "event_type",
       "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
       "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
       "source", "source_scale", "notes", "fatalities", "timestamp", "iso3")
# Columns of the pre-2023 layout that some of its exports lack (not needed to map a row; one of iso and iso3 is).
OLD_IDS = ("data_id", "event_id_no_cnty", "iso", "iso3", "timestamp")
# Columns some pre-2023 exports carry as well (disorder_type came in 2022, before the layout changed).
OLD_OPTIONAL = ("disorder_type", "civilian_targeting", "tags")
DELETED = ("event_id_cnty", "deleted_timestamp")

# ACLED's time_precision and geo_precision codes -> Cedar's date_precision and geo_precision.
TIME_PRECISION = {1: "day", 2: "week", 3: "month"}
GEO_PRECISION = {1: "exact", 2: "near", 3: "region"}
# Cedar's precisions -> ACLED's codes: what ACLED cannot say is written as its coarsest code
# (a span of dates as a month, a country-level place as a region).
TIME_PRECISION_CODE = {**{name: code for code, name in TIME_PRECISION.items()}, "span": 3}
GEO_PRECISION_CODE = {**{name: code for code, name in GEO_PRECISION.items()}, "country": 3}

# Cedar's source scales -> ACLED's source_scale labels, and back (ACLED also writes plain "Local").
SCALE_LABELS = {"local": "Local partner", "subnational": "Subnational", "national": "National",
                "regional": "Regional", "international": "International", "new_media": "New media",
                "other": "Other"}
SCALES = {**{label.casefold(): scale for scale, label in SCALE_LABELS.items()}, "local": "local"}

# inter codes written as labels (ACLED's API since 2023 writes labels; singular and plural forms).
INTER_LABELS = {label.casefold(): code for code, label in vocab.ACTOR_TYPES.items()}
INTER_LABELS.update({"rebel group": 2, "political militia": 3, "identity militia": 4, "rioter": 5, "protester": 6,
                     "civilian": 7, "external/other force": 8, "external forces": 8, "other forces": 8,
                     "state force": 1, "": 0, "no actor": 0, "none": 0})

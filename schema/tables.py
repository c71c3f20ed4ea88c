"""The store's tables and the users' views, generated from the event model.

Table names are prefixed so that the plain names (`events`, `claims`, `sources`,
`event_actors`) stay free for the views users query, in the store and over a release alike.
"""

from __future__ import annotations

from . import flat
from .model import Claim, Source

EVENT_COLUMNS = flat.duckdb_columns()

# Store-only tables: (name, [(column, type)], primary key)
TABLES: dict[str, tuple[list[tuple[str, str]], tuple[str, ...]]] = {
    # the current version of every event that is not deleted
    "event_current": (EVENT_COLUMNS, ("event_id",)),
    # every version of every event, the current one included
    "event_history": (EVENT_COLUMNS, ("event_id", "version")),
    # long forms of the nested parts, one row per item, for every version
    "event_claims": ([("event_id", "VARCHAR"), ("version", "INTEGER"), ("claim_no", "INTEGER"),
                      *flat.duckdb_columns(Claim)], ("event_id", "version", "claim_no")),
    "event_sources": ([("event_id", "VARCHAR"), ("version", "INTEGER"), ("source_no", "INTEGER"),
                       *flat.duckdb_columns(Source)], ("event_id", "version", "source_no")),
    "documents": ([("sha256", "VARCHAR"), ("name", "VARCHAR"), ("text", "VARCHAR"), ("bytes", "BIGINT"),
                   ("first_submission_id", "VARCHAR"), ("added", "TIMESTAMP")], ("sha256",)),
    "submissions": ([("submission_id", "VARCHAR"), ("kind", "VARCHAR"), ("file_name", "VARCHAR"),
                     ("file_sha256", "VARCHAR"), ("submitter", "VARCHAR"), ("received", "TIMESTAMP"),
                     ("rows", "INTEGER"), ("added", "INTEGER"), ("updated", "INTEGER"), ("deleted", "INTEGER")],
                    ("submission_id",)),
    # every file of a submission: the same file (and the same companion tables) ingested twice adds nothing
    "submission_files": ([("submission_id", "VARCHAR"), ("file_no", "INTEGER"), ("file_name", "VARCHAR"),
                          ("file_sha256", "VARCHAR"), ("companions_sha256", "VARCHAR"), ("rows", "INTEGER")],
                         ("submission_id", "file_no")),
    "deletions": ([("event_id", "VARCHAR"), ("last_version", "INTEGER"), ("reason", "VARCHAR"),
                   ("deleted_at", "TIMESTAMP"), ("submission_id", "VARCHAR")], ("event_id",)),
    # the last number given per country: ids are never given twice, not even after a deletion
    "id_counters": ([("iso3", "VARCHAR"), ("last_number", "INTEGER")], ("iso3",)),
    "releases": ([("version", "VARCHAR"), ("created", "TIMESTAMP"), ("previous", "VARCHAR"),
                  ("event_count", "INTEGER"), ("manifest_sha256", "VARCHAR"), ("store", "VARCHAR")], ("version",)),
    "store_meta": ([("key", "VARCHAR"), ("value", "VARCHAR")], ("key",)),
    # an event's id in the form the store gave before `CDR-` ids (MEX17601), kept so it still finds the event
    "event_id_aliases": ([("old_id", "VARCHAR"), ("event_id", "VARCHAR"), ("renamed_at", "TIMESTAMP")], ("old_id",)),
    # the actor registry (cedar.ingest.actors): canonical name, ACLED inter code, ISO3, aliases, years seen
    "actors": ([("name", "VARCHAR"), ("actor_type", "INTEGER"), ("country", "VARCHAR"), ("aliases", "VARCHAR[]"),
                ("first_year", "INTEGER"), ("last_year", "INTEGER")], ("name",)),
    # the same event in two datasets, linked as corroboration by `cedar import --ingest` (importers/matching.py)
    "event_links": ([("event_id", "VARCHAR"), ("other_event_id", "VARCHAR"), ("relation", "VARCHAR"),
                     ("days_apart", "INTEGER"), ("km", "DOUBLE"), ("found_at", "TIMESTAMP"), ("found_by", "VARCHAR")],
                    ("event_id", "other_event_id")),
}
# Tables an older store may lack without being out of date: before `cedar init` made them, the first
# import that linked events did (it still does, for such a store).
CREATED_ON_DEMAND = ("event_links",)


# The event tables grow by a submission's rows in one transaction, and DuckDB holds a transaction's new
# index entries in memory (a primary key over 5M new events outgrew a 400 MB limit): their keys hold by
# construction and are checked when written (cedar.ingest.load), not by an index.
UNINDEXED = ("event_current", "event_history", "event_claims", "event_sources")


def create_table_sql(name: str) -> str:
    columns, key = TABLES[name]
    body = ",\n  ".join(f'"{c}" {t}' for c, t in columns)
    if name in UNINDEXED:
        return f'CREATE TABLE IF NOT EXISTS {name} (\n  {body}\n)'
    return f'CREATE TABLE IF NOT EXISTS {name} (\n  {body},\n  PRIMARY KEY ({", ".join(key)})\n)'


def _actor_rows() -> str:
    """acledR's long form: one row per actor and role."""
    parts = [
        "SELECT event_id, 'actor1' AS role, actor1 AS actor, inter1 AS inter FROM event_current",
        "SELECT event_id, 'assoc_actor_1', unnest(assoc_actor_1), NULL FROM event_current",
        "SELECT event_id, 'actor2', actor2, inter2 FROM event_current WHERE actor2 IS NOT NULL",
        "SELECT event_id, 'assoc_actor_2', unnest(assoc_actor_2), NULL FROM event_current",
    ]
    return "\nUNION ALL ".join(parts)


def view_sql(events_table: str = "event_current", claims_table: str = "event_claims",
             sources_table: str = "event_sources") -> list[str]:
    """The users' views. Over the store they read the current versions; a release builds the same
    views over its own files by passing table expressions (e.g. read_parquet(...))."""
    claim_cols = ", ".join(f'c."{n}"' for n in Claim.model_fields)
    source_cols = ", ".join(f's."{n}"' for n in Source.model_fields)
    return [
        f"CREATE OR REPLACE VIEW events AS SELECT * FROM {events_table}",
        f"CREATE OR REPLACE VIEW claims AS SELECT c.event_id, c.claim_no, {claim_cols} FROM {claims_table} c "
        f"JOIN {events_table} e ON e.event_id = c.event_id AND e.version = c.version",
        f"CREATE OR REPLACE VIEW sources AS SELECT s.event_id, s.source_no, {source_cols} FROM {sources_table} s "
        f"JOIN {events_table} e ON e.event_id = s.event_id AND e.version = s.version",
        "CREATE OR REPLACE VIEW event_actors AS " + _actor_rows().replace("event_current", events_table),
    ]


def store_view_sql() -> list[str]:
    """Views of the store only (a release has no links): per current event, the datasets and linked
    events that report it; a link raises the count of independent reports without changing either event."""
    return ["""CREATE OR REPLACE VIEW event_corroboration AS
SELECT e.event_id,
       len(list_distinct(list_transform(e.external_ids, lambda x: split_part(x, ':', 1)))) AS own_datasets,
       count(l.other) AS linked_events,
       -- datasets, not ids: the prefix of an external id names its dataset (acled:, ucdp-ged:)
       len(list_distinct(list_transform(flatten(list(o.external_ids)) || e.external_ids,
                                        lambda x: split_part(x, ':', 1)))) AS reporting_datasets,
       1 + count(l.other) AS independent_reports
FROM event_current e
LEFT JOIN (SELECT event_id AS id, other_event_id AS other FROM event_links
           UNION ALL SELECT other_event_id, event_id FROM event_links) l ON l.id = e.event_id
LEFT JOIN event_current o ON o.event_id = l.other
GROUP BY e.event_id, e.external_ids"""]


def schema_sql() -> list[str]:
    return [create_table_sql(name) for name in TABLES] + view_sql() + store_view_sql()

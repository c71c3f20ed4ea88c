"""A consistent snapshot of the store, read through a read-only connection, as Arrow tables in
the release's column order and row order (natural order of event ids: AZE2 before AZE10).

The Arrow types come from the event model (schema.flat.arrow_schema), so Parquet, CSV, the
datapackage's table schemas and the gate all see the same typed columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cedar.errors import CedarError
from cedar.schema import flat
from cedar.schema.model import Claim, Event, Source

# Kinds of the columns of each release table, in order. Events and the long forms read the
# model; the rest are the release's own small tables.
ACTOR_COLUMNS = [("event_id", flat.TEXT), ("role", flat.TEXT), ("position", flat.INT), ("actor", flat.TEXT),
                 ("inter", flat.INT)]
CHANGE_COLUMNS = [("event_id", flat.TEXT), ("change", flat.TEXT), ("version", flat.INT),
                  ("previous_version", flat.INT)]
DELETION_COLUMNS = [("event_id", flat.TEXT), ("deleted_in", flat.TEXT), ("last_version", flat.INT),
                    ("reason", flat.TEXT)]


def event_columns() -> list[tuple[str, str]]:
    kinds = flat.column_kinds()
    return [(n, kinds[n]) for n in flat.event_columns()]


def claim_columns() -> list[tuple[str, str]]:
    return [("event_id", flat.TEXT), ("claim_no", flat.INT), *flat.kinds_of(Claim).items()]


def source_columns() -> list[tuple[str, str]]:
    return [("event_id", flat.TEXT), ("source_no", flat.INT), *flat.kinds_of(Source).items()]


def arrow_schema(columns: list[tuple[str, str]]) -> Any:
    import pyarrow as pa

    arrow = {flat.INT: pa.int64(), flat.FLOAT: pa.float64(), flat.BOOL: pa.bool_(), flat.DATE: pa.date32(),
             flat.TIMESTAMP: pa.timestamp("us", tz="UTC"), flat.TEXT: pa.string(), flat.LIST: pa.list_(pa.string())}
    return pa.schema([(n, arrow[k]) for n, k in columns])


def id_order(column: str = "event_id") -> str:
    """SQL ORDER BY terms for event ids in natural order: country code, then the number."""
    return (f"regexp_extract({column}, '^[A-Z]*'), TRY_CAST(regexp_extract({column}, '[0-9]+$') AS BIGINT), "
            f"{column}")


@dataclass
class Snapshot:
    events: Any  # pyarrow.Table, one row per current event
    claims: Any
    sources: Any
    actors: Any
    deletions: Any  # the store's deletions: event_id, last_version, reason


def _quote(cols: list[tuple[str, str]]) -> str:
    return ", ".join(f'"{n}"' for n, _ in cols)


def read_store(db: Path) -> Snapshot:
    import duckdb

    if not db.exists():
        raise CedarError(f"There is no store at {db}.", "Create one with `cedar init`, or name it with --db.",
                         exit_code=2)
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise CedarError(f"The store {db} is busy: another process is writing to it.",
                             "Wait for it to finish (an ingest, say), then build the release again.") from None
        raise CedarError(f"Cannot open the store {db}: {exc}.") from None
    try:
        ev, cl, so = event_columns(), claim_columns(), source_columns()
        order = id_order("e.event_id")
        events = con.sql(f"SELECT {_quote(ev)} FROM event_current e ORDER BY {order}").to_arrow_table()
        claims = con.sql(
            f"SELECT {', '.join('c.' + chr(34) + n + chr(34) for n, _ in cl)} FROM event_claims c "
            f"JOIN event_current e ON e.event_id = c.event_id AND e.version = c.version "
            f"ORDER BY {order}, c.claim_no").to_arrow_table()
        sources = con.sql(
            f"SELECT {', '.join('s.' + chr(34) + n + chr(34) for n, _ in so)} FROM event_sources s "
            f"JOIN event_current e ON e.event_id = s.event_id AND e.version = s.version "
            f"ORDER BY {order}, s.source_no").to_arrow_table()
        actors = con.sql(_ACTORS.format(order=id_order("event_id"))).to_arrow_table()
        deletions = con.sql("SELECT event_id, last_version, reason FROM deletions "
                            f"ORDER BY {id_order()}").to_arrow_table()
    except duckdb.CatalogException as exc:
        raise CedarError(f"{db} is not a Cedar store: {exc}.", "Create one with `cedar init`.") from None
    finally:
        con.close()
    return Snapshot(_typed(events, ev), _typed(claims, cl), _typed(sources, so), _typed(actors, ACTOR_COLUMNS),
                    deletions)


# acledR's long form of the actors: one row per actor and role, with its place in a list.
_ACTORS = """
SELECT event_id, role, position, actor, inter FROM (
  SELECT event_id, 'actor1' AS role, 1 AS rank, 1 AS position, actor1 AS actor, inter1 AS inter FROM event_current
  UNION ALL
  SELECT event_id, 'assoc_actor_1', 2, generate_subscripts(assoc_actor_1, 1), unnest(assoc_actor_1), NULL
    FROM event_current
  UNION ALL
  SELECT event_id, 'actor2', 3, 1, actor2, inter2 FROM event_current WHERE actor2 IS NOT NULL
  UNION ALL
  SELECT event_id, 'assoc_actor_2', 4, generate_subscripts(assoc_actor_2, 1), unnest(assoc_actor_2), NULL
    FROM event_current
) ORDER BY {order}, rank, position
"""


def _typed(table: Any, columns: list[tuple[str, str]]) -> Any:
    """The table cast to the model's Arrow types (DuckDB's INTEGER -> int64, TIMESTAMP -> UTC)."""
    import pyarrow as pa

    schema = arrow_schema(columns)
    arrays = []
    for field in schema:
        col = table.column(field.name)
        if pa.types.is_timestamp(field.type) and col.type.tz is None:
            col = col.cast(pa.timestamp("us")).cast(field.type)
        arrays.append(col.cast(field.type))
    return pa.Table.from_arrays(arrays, schema=schema)

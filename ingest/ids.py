"""Event ids: `CDR-`, the ISO3 code and a number counted per country (`CDR-MEX-17601`), given by the
store and never given twice. The form is cedar.schema.event_ids'; this module is the one that forms ids.

`id_counters` keeps the last number given per country. It only ever grows, and a deleted event's
row stays in `event_history`, so no id comes back even after a deletion.
"""

from __future__ import annotations

from typing import Any

from cedar.errors import StoreError
from cedar.ingest import licences
from cedar.schema import tables
from cedar.schema.event_ids import LEGACY_PATTERN, PREFIX, legacy_to_current_sql


def form_sql(iso3: str, number: str) -> str:
    """SQL of the id made of an ISO3 code and a number (two SQL expressions)."""
    return f"'{PREFIX}-' || {iso3} || '-' || {number}"


def assign(con: Any) -> int:
    """Give an id to every staged row marked 'added', in submission order within each country, and
    move the counters on. Returns how many ids were given."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE new_ids AS
        SELECT s.row_no, s.iso3,
               coalesce(c.last_number, 0) + row_number() OVER (PARTITION BY s.iso3 ORDER BY s.row_no) AS number
        FROM stage_events s LEFT JOIN id_counters c ON c.iso3 = s.iso3
        WHERE s.change = 'added'
    """)
    given = con.execute("SELECT count(*) FROM new_ids").fetchone()[0]
    if not given:
        return 0
    new_id = form_sql("n.iso3", "n.number")
    # Never hand out a number at or below one already in the history (a store built before its counters).
    clash = con.execute(f"SELECT count(*) FROM new_ids n JOIN event_history h ON h.event_id = {new_id}").fetchone()[0]
    if clash:
        con.execute(f"""
            UPDATE new_ids SET number = number + (
                SELECT coalesce(max(TRY_CAST(regexp_extract(h.event_id, '[0-9]+$') AS BIGINT)), 0)
                FROM event_history h WHERE h.event_id LIKE {form_sql("new_ids.iso3", "''")} || '%')
        """)
    con.execute(f"UPDATE stage_events s SET event_id = {new_id} FROM new_ids n WHERE s.row_no = n.row_no")
    con.execute("""
        INSERT INTO id_counters SELECT iso3, max(number) FROM new_ids GROUP BY iso3
        ON CONFLICT (iso3) DO UPDATE SET last_number = excluded.last_number
    """)
    return int(given)


# The store's layout version in store_meta: 2 gives ids the `CDR-` form, 3 gives every event its licensor
# and licence (cedar.ingest.licences); a store without the key is 1.
STORE_VERSION = 4
MIGRATION_MEMORY = "1GB"
# (table, its columns that hold Cedar event ids); event_links may be absent from an older store.
_ID_COLUMNS = (("event_current", ("event_id",)), ("event_history", ("event_id",)), ("event_claims", ("event_id",)),
               ("event_sources", ("event_id",)), ("deletions", ("event_id",)),
               ("event_links", ("event_id", "other_event_id")))


def store_version(con: Any) -> int:
    row = con.execute("SELECT value FROM store_meta WHERE key = 'store_version'").fetchone()
    return int(row[0]) if row else 1


def needs_migration(con: Any) -> bool:
    return store_version(con) < STORE_VERSION


def migrate(con: Any, now: Any) -> int:
    """Bring a store to the current layout in one transaction. From layout 1: every event gets its id
    in the current form, in every table that holds event ids, the history included; the old id is kept
    in `event_id_aliases`, so it still finds its event. From layout 2 (and 1): every event version gets
    its licensor and licence (cedar.ingest.licences). From layout 3 (and before): the event tables lose
    their primary-key indexes (cedar.schema.tables.UNINDEXED). Returns how many ids changed."""
    from_version = store_version(con)
    # the rebuilt tables spill beside the store rather than grow to DuckDB's default of most of the memory
    # (6.6 GB rebuilding a store of 30M events)
    con.execute(f"SET memory_limit = '{MIGRATION_MEMORY}'")
    con.execute("BEGIN")
    try:
        if from_version >= 2:
            if from_version == 2:
                licences.fill(con)
            _drop_event_keys(con)
            con.execute("INSERT INTO store_meta VALUES ('store_version', ?) ON CONFLICT (key) DO UPDATE "
                        "SET value = excluded.value", [str(STORE_VERSION)])
            con.execute("COMMIT")
            return 0
        con.execute(tables.create_table_sql("event_id_aliases"))
        have = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() "
                                          "WHERE database_name = current_database()").fetchall()}
        con.execute(f"""INSERT INTO event_id_aliases
            SELECT DISTINCT event_id, {legacy_to_current_sql("event_id")}, ?::TIMESTAMP FROM event_history
            WHERE regexp_full_match(event_id, '{LEGACY_PATTERN[1:-1]}') ON CONFLICT DO NOTHING""", [now])
        for table, columns in _ID_COLUMNS:
            if table in have:
                _rename_ids(con, table, columns)
        licences.fill(con)
        _drop_event_keys(con)
        twice = duplicate_keys(con)
        if twice:  # the keys held by an index before: an old id renamed onto a current one
            raise ValueError(f"a key would be held twice: {'; '.join(twice)}")
        con.execute("INSERT INTO store_meta VALUES ('store_version', ?) ON CONFLICT (key) DO UPDATE "
                    "SET value = excluded.value", [str(STORE_VERSION)])
        renamed = con.execute("SELECT count(*) FROM event_id_aliases WHERE renamed_at = ?::TIMESTAMP",
                              [now]).fetchone()[0]
        con.execute("COMMIT")
    except Exception as exc:
        con.execute("ROLLBACK")
        if from_version >= 2:
            raise StoreError(f"The store could not be brought to the current layout: {exc}",
                             "Nothing was changed. Restore the store from a copy, or ask for help with this "
                             "message.") from None
        raise StoreError(f"The store's event ids could not be given their current form: {exc}",
                         "Nothing was changed. Restore the store from a copy, or ask for help with this message.") \
            from None
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.execute("RESET memory_limit")
    return int(renamed)


def _rename_ids(con: Any, table: str, columns: tuple[str, ...]) -> None:
    renamed = ", ".join(f"{legacy_to_current_sql(c)} AS {c}" for c in columns)
    have = [c for (c,) in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND table_name = ? "
        "ORDER BY column_index", [table]).fetchall()]
    if have == [c for c, _ in tables.TABLES[table][0]]:
        # The table rebuilt under its declared form: 13 times faster than updating its rows in place
        # (6 s against 81 s for 200,000 events with 320,000 sources), since no index entry is deleted.
        _rebuild(con, table, f"SELECT * REPLACE ({renamed}) FROM {table}")
        return
    # A table of another form (an older store's): the renamed rows inserted, then the old ones deleted;
    # the keys differ, so no key is held twice.
    legacy = " OR ".join(f"regexp_full_match({c}, '{LEGACY_PATTERN[1:-1]}')" for c in columns)
    con.execute(f"INSERT INTO {table} SELECT * REPLACE ({renamed}) FROM {table} WHERE {legacy}")
    con.execute(f"DELETE FROM {table} WHERE {legacy}")


def _rebuild(con: Any, table: str, select: str) -> None:
    """The table made anew under its declared form from `select`, and put in its place."""
    con.execute(tables.create_table_sql(table).replace(f"IF NOT EXISTS {table} ", f"{table}__rebuilt ", 1))
    con.execute(f"INSERT INTO {table}__rebuilt {select}")
    con.execute(f"DROP TABLE {table}")
    con.execute(f"ALTER TABLE {table}__rebuilt RENAME TO {table}")


def _drop_event_keys(con: Any) -> None:
    """The event tables without their primary-key indexes (cedar.schema.tables.UNINDEXED), rows unchanged."""
    keyed = {t for (t,) in con.execute(
        "SELECT DISTINCT table_name FROM duckdb_constraints() WHERE database_name = current_database() "
        "AND constraint_type = 'PRIMARY KEY'").fetchall()}
    for table in tables.UNINDEXED:
        if table not in keyed:
            continue
        have = [c for (c,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND table_name = ? "
            "ORDER BY column_index", [table]).fetchall()]
        if have == [c for c, _ in tables.TABLES[table][0]]:
            _rebuild(con, table, f"SELECT * FROM {table}")
        else:  # an older form (columns added later by `cedar init`): kept as it is, less the key
            con.execute(f"CREATE TABLE {table}__rebuilt AS SELECT * FROM {table}")
            con.execute(f"DROP TABLE {table}")
            con.execute(f"ALTER TABLE {table}__rebuilt RENAME TO {table}")


def held_versions(con: Any, table: str, versions: str) -> list[str]:
    """Rows of `table` (claims or sources) already held for the (event_id, version) pairs of the query
    `versions`, at most five: checked before a submission adds its own, which are numbered apart, so that
    none of its keys can be held twice (cheaper than grouping every key after)."""
    rows = con.execute(f"SELECT DISTINCT event_id, version FROM {table} JOIN ({versions}) USING (event_id, version) "
                       "ORDER BY ALL LIMIT 5").fetchall()
    return [f"{table} event_id={e}, version={v}" for e, v in rows]


def duplicate_keys(con: Any, only: str | None = None, among: tuple[str, ...] = tables.UNINDEXED,
                   per_pass: int = 1_000_000) -> list[str]:
    """Keys held twice in the event tables `among`, which no index guards (at most five a table); `only` is
    a query of the event ids to look at (a submission's), else every row is. The ids of `only` are taken
    `per_pass` at a time (by their hash: a key's rows share its event_id, so they meet in one pass)."""
    found = []
    count = int(con.execute(f"SELECT count(*) FROM ({only})").fetchone()[0]) if only else 0
    passes = max(1, -(-count // per_pass))
    for table in among:
        key = ", ".join(tables.TABLES[table][1])
        for n in range(passes):
            # 64-bit hashes first, the keys only where two hashes meet: a hash table of a million string
            # keys took most of DuckDB's limit in the store's transaction, and the join of 5M ids was the
            # peak of a 5M-row ingest (a join, not IN: DuckDB's IN over a subquery did not spill)
            part = f" WHERE hash(event_id) % {passes} = {n}" if passes > 1 else ""
            rows = f"{table} JOIN (SELECT event_id FROM ({only}){part}) USING (event_id)" if only else table
            twice = f"SELECT hash({key}) AS h FROM {rows} GROUP BY h HAVING count(*) > 1"
            if not con.execute(f"SELECT count(*) FROM ({twice})").fetchone()[0]:
                continue
            rows = con.execute(f"SELECT {key} FROM {table} WHERE hash({key}) IN ({twice}) GROUP BY ALL "
                               "HAVING count(*) > 1 ORDER BY ALL LIMIT 5").fetchall()
            found += [f"{table} " + ", ".join(f"{k}={v}" for k, v in zip(tables.TABLES[table][1], r)) for r in rows]
            break  # five of a table are enough to say so
    return found

"""What a release publishes of each event, compared with the previous release: an event whose version
did not change must publish the same row, claims and sources, or the gate fails.

DuckDB hashes each event's published row, and its claims and its sources, on both sides; only the
events whose hashes differ are compared field by field, to name what changed. The previous release
is read under the current ids (id_aliases maps an id of the earlier form). `event_id` is not
compared (an id of the earlier form is renamed, not changed), nor `schema_version`, which every
event of a release shares.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from . import partitions

NOT_COMPARED = ("event_id", "schema_version")
LONG_TABLES = ("claims", "sources")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _struct(columns: list[tuple[str, str]], alias: str) -> str:
    return "struct_pack(" + ", ".join(f'{_q(n)} := CAST({alias}.{_q(n)} AS {t})' for n, t in columns) + ")"


def _shared(con: Any, source: str, columns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The columns, less those not compared, that the previous release published too (a column the
    schema added since has nothing to be compared with)."""
    have = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
    return [(n, t) for n, t in columns if n in have and n not in NOT_COMPARED]


def _hashes(con: Any, name: str, sources: dict[str, str], columns: dict[str, list[tuple[str, str]]],
            mapped: bool) -> None:
    """Table `name`: event_id, version and the hashes of the event's row, claims and sources."""
    def ident(alias: str) -> str:
        return f"coalesce(a.event_id, {alias}.event_id)" if mapped else f"{alias}.event_id"

    def alias_join(alias: str) -> str:
        return f" LEFT JOIN id_aliases a ON a.old_id = {alias}.event_id" if mapped else ""

    # A long table's hash per event: the XOR of its rows' hashes, each row with its number (claim_no,
    # source_no), so a change of any row or of the order shows. Hashing a list built per event was
    # 20 times slower (5.3 s against 0.24 s for 320,000 sources).
    parts = [f"{table}_h AS (SELECT {ident('x')} AS event_id, bit_xor(hash({_struct(columns[table], 'x')})) AS h "
             f"FROM {sources[table]} x{alias_join('x')} GROUP BY ALL)" for table in LONG_TABLES if table in columns]
    parts += [f"{table}_h AS (SELECT NULL::VARCHAR AS event_id, NULL::UBIGINT AS h LIMIT 0)"
              for table in LONG_TABLES if table not in columns]
    con.execute(f"""CREATE TEMP TABLE {name} AS WITH {", ".join(parts)}
        SELECT {ident('e')} AS event_id, CAST(e.version AS BIGINT) AS version,
               hash({_struct(columns['events'], 'e')}) AS row_h, c.h AS claims_h, s.h AS sources_h
        FROM {sources['events']} e{alias_join('e')}
        LEFT JOIN claims_h c ON c.event_id = {ident('e')} LEFT JOIN sources_h s ON s.event_id = {ident('e')}""")


def stage_changed_in_place(con: Any, prev_dir: Path, columns: dict[str, list[tuple[str, str]]],
                           sql_path: Callable[[Path], str]) -> None:
    """Table changed_in_place: event_id and the names of the fields (or `claims`, `sources`) that
    differ from the previous release, for every event whose version is the same in both."""
    # a long table the previous release lacks (a damaged copy) has nothing to be compared with; a
    # partitioned previous release is read from its partition files
    files = {t: partitions.table_files(prev_dir, t) for t in columns}
    columns = {t: cs for t, cs in columns.items() if t == "events" or files[t]}
    previous = {t: partitions.reader(files[t] or [prev_dir / f"{t}.parquet"], sql_path) for t in columns}
    shared = {t: _shared(con, previous[t], cs) for t, cs in columns.items()}
    _hashes(con, "published_now", {t: t for t in columns}, shared, mapped=False)
    _hashes(con, "published_before", previous, shared, mapped=True)
    differs = [f"CASE WHEN e.{_q(n)} IS DISTINCT FROM CAST(p.{_q(n)} AS {t}) THEN '{n}' END"
               for n, t in shared["events"]]
    differs += [f"CASE WHEN n.{t}_h IS DISTINCT FROM b.{t}_h THEN '{t}' END" for t in LONG_TABLES]
    con.execute("""CREATE TEMP TABLE mismatched AS SELECT n.event_id FROM published_now n
        JOIN published_before b USING (event_id) WHERE n.version = b.version AND (n.row_h IS DISTINCT FROM b.row_h
              OR n.claims_h IS DISTINCT FROM b.claims_h OR n.sources_h IS DISTINCT FROM b.sources_h)""")
    con.execute("CREATE TABLE changed_in_place (event_id VARCHAR, changed VARCHAR[])")
    # the previous release's rows are read again only when some event changed in place
    if con.execute("SELECT count(*) FROM mismatched").fetchall()[0][0]:
        con.execute(f"""INSERT INTO changed_in_place
            SELECT m.event_id, list_filter([{", ".join(differs)}], lambda x: x IS NOT NULL)
            FROM mismatched m JOIN published_now n USING (event_id) JOIN published_before b USING (event_id)
            JOIN events e ON e.event_id = m.event_id
            JOIN (SELECT coalesce(a.event_id, p.event_id) AS current_id, p.* FROM {previous['events']} p
                  LEFT JOIN id_aliases a ON a.old_id = p.event_id) p ON p.current_id = m.event_id""")
    for table in ("published_now", "published_before", "mismatched"):
        con.execute(f"DROP TABLE {table}")

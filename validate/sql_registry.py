"""The SQL engine with a store's actor registry: a large CSV checked as `cedar ingest` checks it.

One DuckDB query over the file (sql_query.build_query) fills a table with every row's findings and
typed values. The rules that ask the gazetteer run once per distinct place key, the registry is
asked once per distinct actor name. A row that needs Python goes through the row engine, which
gives the exact messages (and its event): a row with a finding of the SQL engine, without
coordinates (filled from the gazetteer), whose actor type the registry contradicts, or whose ref
or event_id an earlier row used. The actor warnings that may be on every row (an alias replaced,
an actor the registry does not know) are made once per distinct name.

A `Stager` (cedar.ingest.stage_csv) stages each file from the tables its check leaves on the
connection: x (the file's rows, rid = record index - 1, with the typed values and the store's
event columns), x_all (a row for each of x's, in the same order: rid, line, blank, row_no, python: the row
engine checked it; its view x_rows without the blank records) and the view x_names (name, canonical,
actor_type).
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Protocol

from cedar.schema import derive, flat
from cedar.schema.rules import RULES, Context
from cedar.schema.tables import EVENT_COLUMNS
from cedar.validate import repeats
from cedar.validate.check import ActorRegistry
from cedar.validate.record_scan import record_starts, spans
from cedar.validate.report import ERROR, Problem, Report
from cedar.validate.sql_engine import row_engine_records
from cedar.validate.sql_places import place_codes
from cedar.validate.sql_query import BLANK, LISTS_USED, PLACE_KEY, build_query, csv_header, ident, list_items


class EventsOut(Protocol):
    """Where the row engine's events of a file go, (row_no, line, event) each, as they are checked."""

    def append(self, item: tuple[int, int, Any], /) -> None:
        ...

    def clear(self) -> None:
        """Nothing will be staged (the report has an error): drop what was kept."""
        ...


@dataclass
class CheckedFile:
    rows: int  # the file's records, blank ones left out
    # (row_no, line, event) the row engine built: a list, or the stager's sink (Stager.events)
    events: EventsOut


class Stager(Protocol):
    """Stages each file as the check reads it (cedar.ingest.stage_csv), from the tables the check leaves
    on its connection (see above)."""

    def prepare(self, con: Any) -> None:
        """Set up the check's connection before any file is read (an ingest bounds its memory)."""
        ...

    def events(self, path: Path) -> EventsOut:
        """Where this file's row-engine events go as they are checked: a file may hand most of its rows to
        the row engine, and their events as Python objects would grow with them."""
        ...

    def stage(self, con: Any, path: Path, checked: CheckedFile) -> None:
        """Stage a checked file; called only while the report has no error."""
        ...


def event_columns(header: list[str]) -> tuple[str, ...]:
    """The store's event columns from the query's typed values, as the row engine would stage them
    before the registry and the gazetteer are asked (region and actor aliases come later): the checks
    of actor names and coordinates read them, a stager stages them."""
    kinds = flat.column_kinds()
    items = []
    for name, sql_type in EVENT_COLUMNS:
        if kinds[name] == flat.LIST:
            expr = list_items(ident(name)) if name in header else "[]::VARCHAR[]"
        elif name == "timestamp":
            expr = "NULL"  # the store gives it
        else:
            expr = derive.SQL.get(name, f"v_{name}")
            for n in LISTS_USED:  # a derivation from a list (licensor from external_ids) reads its items
                expr = expr.replace(f"l_{n}", list_items(f"r_{n}"))
        items.append(f"CAST({expr} AS {sql_type}) AS {ident(name)}")
    return tuple(items)


def run_sql(con: Any, sql: str, params: list | None = None) -> None:
    """Run a statement to its end (this DuckDB refuses other work on a connection with a pending result)."""
    con.execute(sql, params).fetchall()


def scalar(con: Any, sql: str, params: list | None = None) -> Any:
    return con.execute(sql, params).fetchall()[0][0]


def connect() -> Any:
    """An in-memory DuckDB connection that keeps the query's rows in file order."""
    import duckdb  # (a check of small files by the row engine does not load DuckDB)

    from cedar.validate.readonly import NO_EXTENSIONS

    con = duckdb.connect(config=NO_EXTENSIONS)
    run_sql(con, "SET preserve_insertion_order = true")
    run_sql(con, "SET enable_progress_bar = false")
    return con


def check_files(paths: list[Path], registry: ActorRegistry | None, *, max_errors: int | None = None,
                stager: Stager | None = None, warnings_per_code: int | None = None) -> Report | None:
    """The report of these files (CSVs that sql_engine.accepts), each staged by `stager` (if any) while
    the report has no error; None when DuckDB cannot read one after all (the row engine then reads them
    all and says why)."""
    report = Report(check="submission", max_errors=max_errors, warnings_per_code=warnings_per_code)
    report.extra["engine"] = "sql"
    ctx = Context(actors=registry)
    seen = repeats.Repeats()  # refs and event_ids used twice, across all the files
    con = connect()
    if stager is not None:
        stager.prepare(con)
    offset = 0
    gc.disable()  # a report of many warnings is many small objects: collections only cost time
    try:
        for path in paths:
            report.files.append(str(path))
            checked = check_file(con, path, ctx, registry, report, offset, seen, stager)
            if checked is None:
                return None
            offset += checked.rows
        return report
    finally:
        gc.enable()
        con.close()


def check_file(con: Any, path: Path, ctx: Context, registry: ActorRegistry | None, report: Report, offset: int,
               seen: repeats.Repeats, stager: Stager | None = None) -> CheckedFile | None:
    """Check one file into the report, its rows numbered after `offset` rows (row_no), and stage it with
    `stager` while the report has no error. None when DuckDB refuses the file or its records cannot be
    told apart (DuckDB's and the byte scan's counts differ). `seen`: the refs and event_ids of the
    earlier files."""
    import duckdb
    import numpy as np
    import pyarrow as pa

    header = csv_header(path)
    if header is None:
        return None
    try:  # reading the file: DuckDB's strict reader may refuse a row (the row engine says why)
        query = build_query(path, header, ctx.today, with_places=True, also=event_columns(header))
        run_sql(con, f"CREATE OR REPLACE TABLE x_file AS {query}")
        # rid: the record's index - 1; the query keeps the file's order (see build_query), so rowid is it
        run_sql(con, "CREATE OR REPLACE VIEW x AS SELECT rowid AS rid, * FROM x_file")
    except duckdb.Error:
        return None
    _distinct_rows(con, ctx.today)
    starts, lines = seen.lines[str(path)] = record_starts(path)
    total = scalar(con, "SELECT count(*) FROM x")
    if total != len(starts) - 1:
        return None
    twice = _repeats(con, path, header, seen)
    bad = _actor_names(con, registry)
    con.register("x_lines", pa.table({"rid": np.arange(total, dtype=np.int64), "line": lines[1:]}))
    con.register("x_twice", twice)
    _number_rows(con, offset)
    con.unregister("x_lines")
    con.unregister("x_twice")
    rows = scalar(con, "SELECT count(*) FROM x_rows")
    if rows == 0:
        return None  # the row engine says "no rows"
    # the row engine's records as columns, not a tuple each: a file may hand it most of its rows
    python = con.sql("SELECT rid, line, row_no FROM x_rows WHERE python ORDER BY rid").to_arrow_table()
    build = stager is not None
    checked = _row_engine(path, header, starts, python, ctx, _twice_by_rid(path, twice, seen), build)
    out = CheckedFile(rows, stager.events(path) if stager is not None else [])
    _report(report, checked, _actor_warnings(con, lines, bad), path, registry, out.events if build else None)
    report.rows_checked += rows
    if stager is not None and report.valid:
        stager.stage(con, path, out)
    con.unregister("x_names")
    con.unregister("x_bad")
    return out


def _number_rows(con: Any, offset: int) -> None:
    """Table x_all: a row for every record of x, in rid order (so that x POSITIONAL JOIN x_all pairs a
    record with its own: no hash table of a million rids), with `blank`, its line, and `python`: the row
    engine's (a finding, no coordinates, an actor type the registry contradicts, a ref or event_id used
    before, a place rule that fires); `row_no` numbers the non-blank records as the row engine numbers its
    events. The view x_rows holds the non-blank ones."""
    # numbered in a second step: a window over the joins' output (two threads, one side an Arrow scan)
    # held more than DuckDB's limit at 5M rows, where over a table it spills
    run_sql(con, f"""
        CREATE OR REPLACE TABLE x_rows0 AS
        SELECT x.rid, l.line, f IS NOT DISTINCT FROM '{BLANK}' AS blank,
               f IS NOT NULL OR latitude IS NULL OR longitude IS NULL
               OR coalesce(x.inter1 <> t1.actor_type, false) OR coalesce(x.inter2 <> 0 AND x.inter2 <> t2.actor_type,
               false) OR x.rid IN (SELECT i - 1 FROM x_twice) OR x.rid IN (SELECT rid FROM x_places) AS python
        FROM x JOIN x_lines l USING (rid)
        LEFT JOIN x_names t1 ON t1.name = x.actor1 LEFT JOIN x_names t2 ON t2.name = x.actor2
    """)
    run_sql(con, f"""
        CREATE OR REPLACE TABLE x_all AS
        SELECT rid, line, blank, python AND NOT blank AS python,
               CASE WHEN NOT blank THEN {offset} + sum((NOT blank)::BIGINT) OVER (ORDER BY rid ROWS UNBOUNDED PRECEDING)
               END AS row_no
        FROM x_rows0 ORDER BY rid
    """)
    run_sql(con, "DROP TABLE x_rows0")
    run_sql(con, "CREATE OR REPLACE VIEW x_rows AS SELECT rid, line, row_no, python FROM x_all WHERE NOT blank")


def _distinct_rows(con: Any, today: Any) -> None:
    """The rows in which a rule that asks the gazetteer finds something, as table x_places(rid): the rules
    run once per distinct place key of the file, all points at once, as in the SQL engine
    (sql_places.place_codes). A row they flag goes to the row engine, which says what it found."""
    import pyarrow as pa

    names = list(PLACE_KEY)
    keys = con.sql(f"SELECT DISTINCT {', '.join(names)} FROM x WHERE k_iso3 IS NOT NULL").to_arrow_table()
    cols = {n: keys.column(n).to_pylist() for n in names}
    fired = [bool(codes) for codes in place_codes(cols, today)] if keys.num_rows else []
    con.register("x_found", keys.filter(pa.array(fired, pa.bool_())))
    on = " AND ".join(f"x.{n} IS NOT DISTINCT FROM d.{n}" for n in names)
    run_sql(con, f"CREATE OR REPLACE TABLE x_places AS SELECT x.rid FROM x JOIN x_found d ON {on}")
    con.unregister("x_found")


def _repeats(con: Any, path: Path, header: list[str], seen: repeats.Repeats) -> Any:
    """The records whose ref, event_id or event an earlier record used, as an Arrow table in record order
    (cedar.validate.repeats, Repeats.found_in)."""
    seen.start(str(path))
    return seen.found_in(con, {k: f"k_{k}" for k in repeats.key_sql(header)})


def _twice_by_rid(path: Path, found: Any, seen: repeats.Repeats) -> Iterator[tuple[int, list[Problem]]]:
    """(rid, problems) of the records in `found` (`_repeats`), in rid order, made as they are reached (as
    `cedar check` reports them, cedar.validate.repeats)."""
    lines = seen.lines[str(path)][1]
    rid, problems = -1, list[Problem]()
    for index, field_, value, first_file, first_index in seen.rows(found):
        if index - 1 != rid and problems:
            yield rid, problems
            problems = []
        rid = index - 1
        first_line = int(seen.lines[first_file][1][first_index])
        line = int(lines[index])
        problems.append(repeats.duplicate(field_, value, str(path), line, line, first_file, first_line))
    if problems:
        yield rid, problems


def _row_engine(path: Path, header: list[str], starts: Any, rows: Any, ctx: Context,
                twice: Iterator[tuple[int, list[Problem]]], build: bool
                ) -> Iterator[tuple[int, int, int, list[Problem], Any]]:
    """(rid, row_no, line, problems, event or None) of these records (an Arrow table of rid, line, row_no in
    rid order), by the row engine, as they are checked; `twice`: the problems of refs and event_ids used
    again, in rid order (`_twice_by_rid`), which follow a record's own (and keep its event out)."""
    at = spans(path, starts, (rid + 1 for (rid,) in _values(rows, "rid")))
    records = row_engine_records(path, header, at, (line for (line,) in _values(rows, "line")), ctx, build=build)
    again = next(twice, None)
    for (rid, row_no), (line, event, problems) in zip(_values(rows, "rid", "row_no"), records):
        while again is not None and again[0] < rid:
            again = next(twice, None)
        if again is not None and again[0] == rid:  # a ref or id used twice keeps the event out, a likely
            problems = problems + again[1]  # double coding only warns
            event = None if any(p.severity == ERROR for p in again[1]) else event
        yield rid, row_no, line, problems, event


def _values(table: Any, *names: str) -> Iterator[tuple[Any, ...]]:
    """An Arrow table's columns as tuples, a batch at a time (to_numpy would import pandas)."""
    for batch in table.to_batches(max_chunksize=10_000):
        yield from zip(*(batch.column(c).to_pylist() for c in names))


def _actor_names(con: Any, registry: ActorRegistry | None) -> list[tuple[str, str | None]]:
    """Every actor name of the file with what the registry says of it, asked once per distinct name:
    its canonical name (None when unknown) and actor type, registered as the view x_names; the names the
    registry replaces or does not know as x_bad (id: their index in the list returned, of (name, canonical))."""
    import pyarrow as pa

    names = [n for (n,) in con.execute("""
        SELECT DISTINCT name FROM (
            SELECT actor1 AS name FROM x UNION ALL SELECT actor2 FROM x
            UNION ALL SELECT unnest(assoc_actor_1) FROM x UNION ALL SELECT unnest(assoc_actor_2) FROM x)
        WHERE name IS NOT NULL
    """).fetchall()]
    canonical = [registry.canonical(n) for n in names] if registry is not None else names
    types = [registry.actors[c].actor_type if c else None for c in canonical] if registry is not None else \
        [None] * len(names)
    con.register("x_names", pa.table({"name": pa.array(names, pa.string()),
                                      "canonical": pa.array(canonical, pa.string()),
                                      "actor_type": pa.array(types, pa.int32())}))
    bad = [(n, c) for n, c in zip(names, canonical) if c != n]
    con.register("x_bad", pa.table({"id": pa.array(range(len(bad)), pa.int32()),
                                    "name": pa.array([n for n, _ in bad], pa.string()),
                                    "unknown": pa.array([c is None for _, c in bad], pa.bool_())}))
    return bad


def _actor_warnings(con: Any, lines: Any, bad: list[tuple[str, str | None]]) -> Iterator[tuple[Any, ...]]:
    """The registry's warnings on the rows the row engine does not see, in the row engine's order
    (replacements, then unknown names; actor1, actor2, then the associated actors), as tuples of rid, line,
    unknown, name, canonical, iso3 (the event's country, which the suggestions keep to), field."""
    # the sort carries numbers only (the name as its index in `bad`), read a batch at a time: a million
    # rows may carry millions of warnings, and a sort of their names and lines with joins over every row
    # held more than DuckDB's limit at 1M rows and 100 MB
    reader = con.sql(f"""
        WITH r AS (SELECT rid, iso3, actor1, actor2, assoc_actor_1, assoc_actor_2 FROM x
                   WHERE f IS DISTINCT FROM '{BLANK}' AND rid NOT IN (SELECT rid FROM x_rows WHERE python)),
        occ AS (
            SELECT rid, iso3, 0 AS slot, 0 AS i, actor1 AS name FROM r
            UNION ALL SELECT rid, iso3, 1, 0, actor2 FROM r WHERE actor2 IS NOT NULL
            UNION ALL SELECT rid, iso3, 2, i - 1, name FROM (
                SELECT rid, iso3, unnest(assoc_actor_1) AS name, generate_subscripts(assoc_actor_1, 1) AS i FROM r)
            UNION ALL SELECT rid, iso3, 3, i - 1, name FROM (
                SELECT rid, iso3, unnest(assoc_actor_2) AS name, generate_subscripts(assoc_actor_2, 1) AS i FROM r))
        SELECT o.rid, b.id, b.unknown, o.slot::TINYINT AS slot, o.i::INTEGER AS i, o.iso3
        FROM occ o JOIN x_bad b USING (name)
        ORDER BY o.rid, b.unknown, o.slot, o.i
    """).to_arrow_reader(50_000)
    fields = ("actor1", "actor2", "assoc_actor_1[", "assoc_actor_2[")
    for batch in reader:
        for rid, id_, unknown, slot, i, iso3 in zip(*(batch.column(c).to_pylist()
                                                      for c in ("rid", "id", "unknown", "slot", "i", "iso3"))):
            name, canonical = bad[id_]
            yield (rid, int(lines[rid + 1]), unknown, name, canonical, iso3,
                   fields[slot] if slot < 2 else f"{fields[slot]}{i}]")


def _report(report: Report, checked: Iterator[tuple[int, int, int, list[Problem], Any]],
            warnings: Iterator[tuple[Any, ...]], path: Path,
            registry: ActorRegistry | None, events: EventsOut | None) -> None:
    """Every problem into the report in file order, as the row engine adds them: the row engine's rows
    and the actor warnings of the others, merged by rid. A warning's message is rendered once per (rule,
    column, name): a million rows may share a few thousand; past --max-errors none is rendered."""
    rules = (RULES["actor-alias-replaced"], RULES["unknown-actor"])
    messages: dict[tuple[bool, str, str, str | None], str] = {}
    file = str(path)
    rows = _Rows(checked, report, events)
    add = report.add if report.max_errors is not None or report.warnings_per_code is not None else \
        report.problems.append
    for rid, line, is_unknown, name, canonical, iso3, column in warnings:
        rows.add_before(rid)
        rule = rules[is_unknown]
        if report.max_errors is not None and report.full:
            report.count(rule.severity, rule.code, column)
            continue
        key = (is_unknown, column, name, iso3 if is_unknown else None)
        message = messages.get(key)
        if message is None:
            message = messages[key] = (
                rule.render(field=column, value=name,
                            closest=registry.closest_text(name, iso3) if registry else "") if is_unknown
                else rule.render(field=column, value=name, canonical=canonical))
        add(Problem(rule.code, message, rule.severity, file, line, line, column, name))
    rows.add_before(None)


class _Rows:
    """The row engine's checked rows, added to the report in rid order as the actor warnings reach them;
    their events kept in `events` (None: none kept) while the report has no error."""

    def __init__(self, checked: Iterator[tuple[int, int, int, list[Problem], Any]], report: Report,
                 events: EventsOut | None):
        self.pending, self.report, self.events = checked, report, events
        self.next = next(checked, None)

    def add_before(self, rid: int | None) -> None:
        """Add the rows before this rid (None: all the rest)."""
        while self.next is not None and (rid is None or self.next[0] < rid):
            _, row_no, line, problems, event = self.next
            self.report.extend(problems)
            if self.events is not None:
                if self.report.error_count or self.report.truncated:
                    self.events.clear()  # nothing will be staged: the events are not kept
                    self.events = None
                elif event is not None:
                    self.events.append((row_no, line, event))
            self.next = next(self.pending, None)

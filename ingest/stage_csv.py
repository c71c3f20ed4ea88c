"""`cedar ingest` of a large CSV: checked by the SQL engine and staged by DuckDB straight from the file.

The row engine costs tens of microseconds a row (Pydantic, the rules, then Arrow rows built from
the events); a million rows took minutes. For CSV files that the SQL engine answers for
(`sql_engine.accepts`) and that are large (`takes`), one DuckDB query over each file gives both the
findings of every rule and the typed values of every column, into a table in file order. The
derived fields are computed in SQL (`derive.SQL`), region is filled from the country, actor names
known to the registry as aliases are replaced.

Python still handles what needs it, on the few rows that need it: a row with a finding of the SQL
engine (an error, or a warning of the gazetteer or the registry), or without coordinates (filled
from the gazetteer), goes through the row engine, which gives the exact messages and the event
that is staged. The actor warnings that may be on every row (an alias replaced, an actor the
registry does not know) are worked out once per distinct name. The store ends the same either way:
tests/test_ingest_fast_differential.py ingests the same submissions both ways and compares every
table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cedar.schema import derive, flat
from cedar.schema.rules import RULES, Context
from cedar.schema.tables import EVENT_COLUMNS
from cedar.validate import repeats, sql_engine
from cedar.validate.report import Problem, Report

# Same idea as `cedar check`'s choice of engine: below this the row engine is as quick.
THRESHOLD_BYTES = sql_engine.SQL_THRESHOLD_BYTES
_ACTOR_LISTS = ("assoc_actor_1", "assoc_actor_2")


def takes(paths: list[Path], input_format: str | None, encoding: str, threshold: int = THRESHOLD_BYTES) -> bool:
    """Whether every file is a CSV the SQL engine answers for, of at least `threshold` bytes."""
    return bool(paths) and all(p.is_file() and p.stat().st_size >= threshold
                               and sql_engine.accepts(p, input_format, encoding) for p in paths)


@dataclass
class Staged:
    report: Report
    tables: dict[str, Any] | None = None  # Arrow tables, or lists of them, for stage.load; None when refused
    rows_per_file: dict[Path, int] = field(default_factory=dict)

    @property
    def event_count(self) -> int:
        return sum(self.rows_per_file.values())


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _typed_items(header: list[str]) -> tuple[str, ...]:
    """The event columns from the SQL engine's typed values, as the row engine would stage them
    before the registry and the gazetteer are asked (region and actor aliases come later)."""
    kinds = flat.column_kinds()
    items = []
    for name, sql_type in EVENT_COLUMNS:
        if kinds[name] == flat.LIST:
            expr = sql_engine._list(_ident(name)) if name in header else "[]::VARCHAR[]"
        elif name == "timestamp":
            expr = "NULL"  # the store gives it
        else:
            expr = derive.SQL.get(name, f"v_{name}")
        items.append(f"CAST({expr} AS {sql_type}) AS {_ident(name)}")
    return tuple(items)


def check_and_stage(paths: list[Path], registry: Any, *, max_errors: int | None = None,
                    stage: bool = True) -> Staged | None:
    """The check report of these files and, when it has no error (and `stage`), their staged tables.
    None when DuckDB cannot read a file after all (the row engine then reads them all and says why)."""
    import duckdb

    from cedar.ingest.stage import build

    report = Report(check="submission", max_errors=max_errors)
    report.extra["engine"] = "sql"  # as `cedar check` says which engine checked
    out = Staged(report)
    ctx = Context(actors=registry)
    con = duckdb.connect()
    try:
        _do(con, "SET preserve_insertion_order = true")
        _do(con, "SET enable_progress_bar = false")
        parts: dict[str, list[Any]] = {"stage_events": [], "stage_sources": []}
        offset = 0
        seen = repeats.Repeats()  # refs and event_ids used twice, across all the files
        for path in paths:
            report.files.append(str(path))
            count = _file(con, path, ctx, registry, report, offset, seen, parts if stage else None)
            if count is None:
                return None
            out.rows_per_file[path] = count
            offset += count
            if report.full:
                break
        if not report.valid or report.truncated or not stage:
            return out
        tables: dict[str, Any] = build([], {})  # no claims or documents: a CSV the engine takes has neither
        tables.update(parts)
        out.tables = tables
        return out
    finally:
        con.close()


def check_with_registry(paths: list[Path], registry: Any, *, input_format: str | None = None,
                        encoding: str = "utf-8", max_errors: int | None = None,
                        threshold: int = THRESHOLD_BYTES) -> Any:
    """`cedar check` with a store's actor registry: large CSVs checked as ingest checks them (one DuckDB
    query; the registry and the gazetteer asked once per distinct name and place), nothing staged; other
    files, or a file DuckDB refuses after all, by the row engine. The report is the same either way
    (tests/test_ingest_fast_differential.py)."""
    from cedar.validate.check import CheckResult
    from cedar.validate.check import check_files as row_engine

    if takes(paths, input_format, encoding, threshold):
        staged = check_and_stage(paths, registry, max_errors=max_errors, stage=False)
        if staged is not None:
            return CheckResult(staged.report)
    return row_engine(paths, input_format=input_format, encoding=encoding, max_errors=max_errors, actors=registry)


def _do(con: Any, sql: str, params: list | None = None) -> None:
    """Run a statement to its end (this DuckDB refuses other work on a connection with a pending result)."""
    con.execute(sql, params).fetchall()


def _one(con: Any, sql: str, params: list | None = None) -> Any:
    return con.execute(sql, params).fetchall()[0][0]


def _file(con: Any, path: Path, ctx: Context, registry: Any, report: Report, offset: int,
          seen: repeats.Repeats, parts: dict[str, list[Any]] | None) -> int | None:
    """Check one file into the report and, when all is clean so far, add its staged rows (numbered after
    `offset` rows) to `parts` (None: a check only); returns how many rows it has, or None when its records cannot be told
    apart (DuckDB's and the byte scan's counts differ). `seen`: the refs and event_ids of the earlier files."""
    import duckdb
    import numpy as np
    import pyarrow as pa

    header = sql_engine._header(path)
    if header is None:
        return None
    today = ctx.today
    # One pass over the file; the rules asked once per distinct place run over its typed columns after
    # (_distinct_rows), and the actor-type rule once per distinct name (_actor_names).
    try:  # reading the file: DuckDB's strict reader may refuse a row (the row engine says why)
        query = sql_engine.build_query(path, header, today, with_places=True, also=_typed_items(header))
        _do(con, f"CREATE OR REPLACE TABLE x_file AS {query}")
        # rid: the record's index - 1; the query keeps the file's order (see build_query), so rowid is it
        _do(con, "CREATE OR REPLACE VIEW x AS SELECT rowid AS rid, * FROM x_file")
    except duckdb.Error:
        return None
    _distinct_rows(con, today)
    starts, lines = seen.lines[str(path)] = sql_engine.record_starts(path)
    total = _one(con, "SELECT count(*) FROM x")
    if total != len(starts) - 1:
        return None
    twice = _repeats(con, path, header, seen)
    _actor_names(con, registry)
    con.register("x_lines", pa.table({"rid": np.arange(total, dtype=np.int64), "line": lines[1:]}))
    con.register("x_twice", pa.table({"rid": pa.array(sorted(twice), pa.int64())}))
    # every non-blank record, numbered as the row engine numbers its events; `python`: the row engine's
    # (a finding, no coordinates, an actor type the registry contradicts, a ref or event_id used before)
    _do(con, f"""
        CREATE OR REPLACE TABLE x_rows AS
        SELECT x.rid, l.line, {offset} + row_number() OVER (ORDER BY x.rid) AS row_no,
               f IS NOT NULL OR latitude IS NULL OR longitude IS NULL
               OR coalesce(x.inter1 <> t1.actor_type, false) OR coalesce(x.inter2 <> 0 AND x.inter2 <> t2.actor_type,
               false) OR x.rid IN (SELECT rid FROM x_twice) OR x.rid IN (SELECT rid FROM x_places) AS python
        FROM x JOIN x_lines l USING (rid)
        LEFT JOIN x_names t1 ON t1.name = x.actor1 LEFT JOIN x_names t2 ON t2.name = x.actor2
        WHERE f IS DISTINCT FROM '{sql_engine._BLANK}'
    """)
    con.unregister("x_lines")
    con.unregister("x_twice")
    rows = _one(con, "SELECT count(*) FROM x_rows")
    if rows == 0:
        return None  # the row engine says "no rows"
    python = con.execute("SELECT rid, line, row_no FROM x_rows WHERE python ORDER BY rid").fetchall()
    checked = _row_engine(path, header, starts, python, ctx, twice)
    warnings = _actor_warnings(con)
    stop = _report(report, checked, warnings, path, registry)
    report.rows_checked += rows if stop is None else \
        _one(con, "SELECT count(*) FROM x_rows WHERE rid <= ?", [stop])
    if parts is not None and report.valid and not report.truncated:
        for name, tables in _stage(con, path, checked).items():
            parts[name] += tables
    con.unregister("x_names")
    return rows


def _distinct_rows(con: Any, today: Any) -> None:
    """The rows in which a rule that asks the gazetteer finds something, as table x_places(rid): the rules
    run once per distinct place key of the file, all points at once, as in the SQL engine
    (sql_engine._place_codes). A row they flag goes to the row engine, which says what it found."""
    import pyarrow as pa

    names = list(sql_engine._PLACE_KEY)
    keys = con.sql(f"SELECT DISTINCT {', '.join(names)} FROM x WHERE k_iso3 IS NOT NULL").to_arrow_table()
    cols = {n: keys.column(n).to_pylist() for n in names}
    fired = [bool(codes) for codes in sql_engine._place_codes(cols, today)] if keys.num_rows else []
    con.register("x_found", keys.filter(pa.array(fired, pa.bool_())))
    on = " AND ".join(f"x.{n} IS NOT DISTINCT FROM d.{n}" for n in names)
    _do(con, f"CREATE OR REPLACE TABLE x_places AS SELECT x.rid FROM x JOIN x_found d ON {on}")
    con.unregister("x_found")


def _repeats(con: Any, path: Path, header: list[str], seen: repeats.Repeats) -> dict[int, list[Problem]]:
    """The problems of records whose ref or event_id an earlier record used, by rid (as `cedar check`
    reports them, cedar.validate.repeats)."""
    seen.start(str(path))
    keys = {k: con.sql(f"SELECT k_{k} FROM x ORDER BY rid").to_arrow_table().column(0)
            for k in repeats.CODES if k in header}
    out: dict[int, list[Problem]] = {}
    lines = seen.lines[str(path)][1]
    for index, field, value, first_file, first_index in seen.see_columns(con, keys):
        first_line = int(seen.lines[first_file][1][first_index])
        line = int(lines[index])
        out.setdefault(index - 1, []).append(repeats.duplicate(field, value, str(path), line, line, first_file,
                                                               first_line))
    return out


def _row_engine(path: Path, header: list[str], starts: Any, rows: list[tuple[int, int, int]],
                ctx: Context, twice: dict[int, list[Problem]]) -> list[tuple[int, int, list[Problem], Any]]:
    """(rid, row_no, problems, event or None) of these records, by the row engine; `twice`: the problems
    of refs and event_ids used again, which follow a record's own (and keep its event out)."""
    size = path.stat().st_size
    spans = [(int(starts[rid + 1]), int(starts[rid + 2]) if rid + 2 < len(starts) else size) for rid, _, _ in rows]
    out = []
    records = sql_engine.row_engine_records(path, header, spans, [line for _, line, _ in rows], ctx, build=True)
    for (rid, _, row_no), (_, event, problems) in zip(rows, records):
        if rid in twice:
            problems, event = problems + twice[rid], None
        out.append((rid, row_no, problems, event))
    return out


def _actor_names(con: Any, registry: Any) -> None:
    """Every actor name of the file with what the registry says of it, asked once per distinct name:
    its canonical name (None when unknown) and actor type, registered as the view x_names."""
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
    con.register("x_names", pa.table({"name": pa.array(names, pa.string()), "canonical": pa.array(canonical, pa.string()),
                                      "actor_type": pa.array(types, pa.int32())}))


def _actor_warnings(con: Any) -> Any:
    """The registry's warnings on the rows the row engine does not see, in the row engine's order
    (replacements, then unknown names; actor1, actor2, then the associated actors), as an Arrow table
    of rid, line, unknown, name, canonical, field."""
    return con.sql("""
        WITH r AS (SELECT x.rid, x.actor1, x.actor2, x.assoc_actor_1, x.assoc_actor_2 FROM x
                   JOIN x_rows w USING (rid) WHERE NOT w.python),
        occ AS (
            SELECT rid, 0 AS slot, 0 AS i, actor1 AS name FROM r
            UNION ALL SELECT rid, 1, 0, actor2 FROM r WHERE actor2 IS NOT NULL
            UNION ALL SELECT rid, 2, i - 1, name FROM (
                SELECT rid, unnest(assoc_actor_1) AS name, generate_subscripts(assoc_actor_1, 1) AS i FROM r)
            UNION ALL SELECT rid, 3, i - 1, name FROM (
                SELECT rid, unnest(assoc_actor_2) AS name, generate_subscripts(assoc_actor_2, 1) AS i FROM r))
        SELECT o.rid, w.line, n.canonical IS NULL AS unknown, o.name, n.canonical,
               CASE o.slot WHEN 0 THEN 'actor1' WHEN 1 THEN 'actor2'
               ELSE (CASE o.slot WHEN 2 THEN 'assoc_actor_1[' ELSE 'assoc_actor_2[' END) || o.i || ']' END AS field
        FROM occ o JOIN x_names n USING (name) JOIN x_rows w USING (rid)
        WHERE n.canonical IS DISTINCT FROM n.name
        ORDER BY o.rid, unknown, o.slot, o.i
    """).to_arrow_table()


def _report(report: Report, checked: list[tuple[int, int, list[Problem], Any]], warnings: Any,
            path: Path, registry: Any) -> int | None:
    """Every problem into the report in file order, as the row engine adds them; the rid of the row
    at which the report became full (the row engine stops reading there), else None. A warning's
    message is rendered once per (rule, column, name): a million rows may share a few thousand."""
    rules = (RULES["actor-alias-replaced"], RULES["unknown-actor"])
    messages: dict[tuple[bool, str, str], str] = {}
    file = str(path)
    cols = [warnings.column(c).to_pylist() for c in ("rid", "line", "unknown", "name", "canonical", "field")]
    pending = iter(checked)
    nxt = next(pending, None)
    next_rid = nxt[0] if nxt is not None else -1
    add = report.add if report.max_errors is not None else report.problems.append
    for rid, line, is_unknown, name, canonical, column in zip(*cols):
        while nxt is not None and next_rid < rid:  # the row engine's rows before this one
            report.extend(nxt[2])
            if report.full:
                report.truncated = True
                return next_rid
            nxt = next(pending, None)
            next_rid = nxt[0] if nxt is not None else -1
        key = (is_unknown, column, name)
        message = messages.get(key)
        rule = rules[is_unknown]
        if message is None:
            message = messages[key] = (
                rule.render(field=column, value=name, closest=registry.closest_text(name)) if is_unknown
                else rule.render(field=column, value=name, canonical=canonical))
        add(Problem(rule.code, message, rule.severity, file, line, line, column, name))
    while nxt is not None:
        report.extend(nxt[2])
        if report.full:
            report.truncated = True
            return nxt[0]
        nxt = next(pending, None)
    return None


def _stage(con: Any, path: Path, checked: list[tuple[int, int, list[Problem], Any]]) -> dict[str, list[Any]]:
    """The file's staged events and sources as Arrow tables: the typed rows, aliases replaced and region
    filled, and the row engine's events for the rows it checked."""
    import pyarrow as pa

    from cedar.ingest import stage
    from cedar.schema.regions import region_of

    isos = [r[0] for r in con.execute("SELECT DISTINCT iso3 FROM x WHERE iso3 IS NOT NULL").fetchall()]
    con.register("x_regions", pa.table({"iso3": pa.array(isos, pa.string()),
                                        "region": pa.array([region_of(i) for i in isos], pa.string())}))
    _do(con, "CREATE OR REPLACE TABLE x_aliases AS SELECT name, canonical FROM x_names WHERE canonical <> name")
    aliases = _one(con, "SELECT count(*) FROM x_aliases")
    cols = []
    for name, _ in EVENT_COLUMNS:
        if name in ("actor1", "actor2"):
            cols.append(f"coalesce(a_{name}.canonical, x.{name}) AS {name}")
        elif name in _ACTOR_LISTS and aliases:
            cols.append(f"list_transform(x.{name}, lambda v: coalesce(m.aliases[v], v)) AS {name}")
        elif name == "region":
            cols.append("coalesce(x.region, g.region) AS region")
        else:
            cols.append(f"x.{_ident(name)}")
    out = {"stage_events": [con.sql(f"""
        WITH m AS (SELECT map(list(name), list(canonical)) AS aliases FROM x_aliases)
        SELECT w.row_no, {_q(str(path))} AS file, w.line AS row, NULL::VARCHAR AS change, {', '.join(cols)}
        FROM x JOIN x_rows w USING (rid) LEFT JOIN x_regions g ON g.iso3 = x.iso3
        LEFT JOIN x_aliases a_actor1 ON a_actor1.name = x.actor1 LEFT JOIN x_aliases a_actor2 ON a_actor2.name = x.actor2, m
        WHERE NOT w.python
    """).to_arrow_table()], "stage_sources": [con.sql("""
        SELECT row_no, source_no, name FROM (
            SELECT w.row_no, unnest(x.sources) AS name, generate_subscripts(x.sources, 1) AS source_no
            FROM x JOIN x_rows w USING (rid) WHERE NOT w.python)
    """).to_arrow_table()]}
    con.unregister("x_regions")
    events = [(row_no, event) for _, row_no, _, event in checked]
    if events:
        from cedar.validate.check import CheckedEvent

        lines = dict(con.execute("SELECT row_no, line FROM x_rows WHERE python").fetchall())
        tables = stage.build([CheckedEvent(path, lines[n], e) for n, e in events], {},
                             numbers=[n for n, _ in events])
        for name in out:
            out[name].append(tables[name])
    return out


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"

"""`cedar ingest`: a checked submission into the store, all of it in one transaction or none of it.

1. Files an earlier submission already holds (same sha256) are not read again.
2. The rest go through `engine.check_files`, the very checks of `cedar check`; any error refuses it all.
   Large CSVs that the SQL engine takes are checked by it and staged by DuckDB straight from the file
   (cedar.ingest.stage_csv), to the same report and the same store.
3. Under the store's write lock, in one transaction: rows naming an event_id must name a current
   event (else an error with row and column, and a rollback); new rows get ids; changed rows a
   new version (the earlier one stays in event_history); rows that change nothing stay as they
   are; claims, sources and documents go in beside them; possible duplicates become warnings;
   the submission is recorded; COMMIT (or ROLLBACK for --dry-run).
"""

from __future__ import annotations

import shutil
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from cedar.errors import StoreError
from cedar.ingest import actors, duplicates, ids, spool, stage, stage_csv, store, submissions
from cedar.schema import vocab
from cedar.schema.model import Claim, Source
from cedar.schema.tables import EVENT_COLUMNS
from cedar.validate import engine, readers, repeats
from cedar.validate.check import CheckResult
from cedar.validate.records import companion_path
from cedar.validate.report import ERROR, Problem, Report, problem

# Columns that say which version a row is, not what the event is: a row equal to the current version
# in everything else changes nothing.
IDENTITY = ("event_id", "version", "timestamp", "submission_id", "ref")
# Warnings of one code listed in an ingest's report; the rest are counted (the report's totals). A synthetic
# million rows against a new store drew 1.67M unknown-actor warnings, some 300 MB of Python objects.
WARNINGS_PER_CODE = 10_000
# Staged rows joined at once when their claims and sources are written (see `write`)
JOIN_ROWS = 1_000_000


class EventRows(Sequence[dict[str, Any]]):
    """What became of each row (file, row, ref, event_id, version, change), as dicts on demand. Kept in a
    Parquet file beside the store (its folder goes with this object) and read a batch at a time: held as
    Arrow columns they took 55 bytes a row, 275 MB of an ingest's peak at 5M rows. `table` reads them whole,
    for an import that renames its rows; the file's column is an index into `files`."""

    def __init__(self, path: Path, files: list[str], count: int):
        self.path, self.files, self._count = path, files, count
        self._table: Any = None
        weakref.finalize(self, shutil.rmtree, path.parent, True)

    @property
    def table(self) -> Any:
        if self._table is None:
            import pyarrow.parquet as pq  # heavy: an import into the store only

            self._table = self._named(pq.read_table(self.path))
        return self._table

    @table.setter
    def table(self, table: Any) -> None:
        self._table = table

    def _named(self, table: Any) -> Any:
        """The file column as a dictionary of the submission's few paths (a number a row, not a path)."""
        import pyarrow as pa

        index = table.column("file").combine_chunks()
        return table.set_column(0, "file", pa.DictionaryArray.from_arrays(index, pa.array(self.files, pa.string())))

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = i if i >= 0 else len(self) + i
        if not 0 <= i < len(self):
            raise IndexError(i)
        if self._table is not None:
            return self._table.slice(i, 1).to_pylist()[0]
        import pyarrow.parquet as pq

        with pq.ParquetFile(self.path) as f:
            for group in range(f.num_row_groups):
                rows = f.metadata.row_group(group).num_rows
                if i < rows:
                    return self._named(f.read_row_group(group)).slice(i, 1).to_pylist()[0]
                i -= rows
        raise IndexError(i)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        if self._table is not None:
            for batch in self._table.to_batches(max_chunksize=10_000):
                yield from batch.to_pylist()
            return
        import pyarrow.parquet as pq

        with pq.ParquetFile(self.path) as f:
            for batch in f.iter_batches(batch_size=10_000):
                for row in batch.to_pylist():
                    row["file"] = None if row["file"] is None else self.files[row["file"]]
                    yield row

    def put_back(self, written: str, peer: str, rows: Any) -> None:
        """The rows of the file `written` named as rows of `peer` instead: row n is `rows[n - 1]` (a sequence
        of ints), in Arrow, without a dict a row."""
        import pyarrow as pa  # heavy: an import into the store only
        import pyarrow.compute as pc

        t = self.table  # read whole: the import's submissions are one file's rows
        mine = pc.fill_null(pc.equal(t.column("file"), written), False)
        if not pc.any(mine).as_py():
            return
        index = pc.if_else(mine, pc.subtract(t.column("row"), 1), 0).cast(pa.int64())
        moved = pc.take(pa.array(rows, pa.int64()), index).cast(t.schema.field("row").type)
        t = t.set_column(t.schema.get_field_index("row"), "row", pc.if_else(mine, moved, t.column("row")))
        files = t.column("file")
        if pa.types.is_dictionary(files.type):  # the file's entry renamed: no path a row
            files = pa.chunked_array([pa.DictionaryArray.from_arrays(
                c.indices, pc.if_else(pc.equal(c.dictionary, written), peer, c.dictionary)) for c in files.chunks],
                files.type)
        else:
            files = pc.if_else(mine, peer, files)
        t = t.set_column(t.schema.get_field_index("file"), "file", files)
        self.table = t


class RefIds:
    """ref -> event_id of each row that has a ref, as a mapping read as it goes (`items`): a JSON report
    streams it rather than hold a dict of every row's ids."""

    def __init__(self, events: Sequence[dict[str, Any]]):
        self.events = events

    def items(self) -> Iterator[tuple[str, str]]:
        return ((e["ref"], e["event_id"]) for e in self.events if e.get("ref"))

    def __len__(self) -> int:
        return sum(1 for _ in self.items())

    def __eq__(self, other: object) -> bool:
        return dict(self.items()) == other


@dataclass
class Outcome:
    """What an ingest did. `refused`: the submission was refused and nothing was written; `unreadable`:
    it was refused because a file could not be read (a wrong call rather than wrong data)."""

    report: Report
    store: str
    dry_run: bool = False
    refused: bool = False
    unreadable: bool = False
    submission_id: str | None = None
    held: list[submissions.Held] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    events: Sequence[dict[str, Any]] = field(default_factory=list)  # file, row, ref, event_id, version, change
    store_counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"store": self.store, "dry_run": self.dry_run, "submission_id": self.submission_id,
                "already_ingested": [{"file": str(h.path), "submission_id": h.submission_id,
                                      "received": str(h.received), "submitter": h.submitter} for h in self.held],
                "counts": self.counts,
                "ids": RefIds(self.events), "events": self.events, "store_counts": self.store_counts}


@dataclass
class _Checked:
    """The files' check, and what the store needs of it: DuckDB's staging of a large CSV, or the row
    engine's checked events (in the result)."""

    result: CheckResult
    staged: stage_csv.CsvStager
    sink: spool.EventSink


@dataclass
class _Tables:
    tables: dict[str, Any]
    rows_per_file: dict[Path, int]
    event_count: int


def held_problem(h: submissions.Held) -> Problem:
    return problem("already-ingested", file=str(h.path), value=h.submission_id, received=h.received,
                   by=f" by {h.submitter}" if h.submitter else "")


def ingest(db: Path, paths: list[Path], *, submitter: str | None = None, dry_run: bool = False,
           input_format: str | None = None, encoding: str = "utf-8", max_errors: int | None = None,
           say: Callable[[str], None] = lambda _: None, on_record: Callable[[], None] | None = None,
           fast_threshold: int = engine.SQL_THRESHOLD_BYTES) -> Outcome:
    """`fast_threshold`: CSVs of at least this size that the SQL engine takes are checked and staged by
    DuckDB (cedar.ingest.stage_csv); tests pass 0 or a huge size to choose the path."""
    paths = readers.submission_files(paths, encoding)  # a companion table named too is read with its file
    prints = [submissions.fingerprint(p) for p in paths if p.is_file()]
    with store.connect(db, write=True) as con:  # fails fast when the store is missing, busy or outdated
        store.check_schema(con, db)
        held = submissions.find_held(con, prints)
        registry = actors.load_for_check(con, str(db))
    held_paths = {h.path for h in held}
    todo = [p for p in paths if p not in held_paths]
    report = Report(check="ingest", max_errors=max_errors, warnings_per_code=WARNINGS_PER_CODE)
    report.extend(held_problem(h) for h in held)
    outcome = Outcome(report, str(db), dry_run, held=held)
    if not todo:
        report.files.extend(str(p) for p in paths)
        return outcome

    say(f"Checking {len(todo)} file{'s' * (len(todo) != 1)} ...")
    with spool.Spool(db) as work:  # the checked rows wait here for the store, not in memory
        checked = _check(todo, registry, input_format, encoding, max_errors, on_record, fast_threshold, work)
        report.take(checked.result.report)
        if checked.result.unreadable or not report.valid:
            outcome.refused, outcome.unreadable = True, checked.result.unreadable
            return outcome
        tables = _tables(checked)
        todo_set = set(todo)
        _write_submission(db, outcome, tables, [p for p in prints if p.path in todo_set], submitter, say, work)
    return outcome


def _check(todo: list[Path], registry: Any, input_format: str | None, encoding: str, max_errors: int | None,
           on_record: Callable[[], None] | None, fast_threshold: int, work: spool.Spool) -> _Checked:
    """The very checks of `cedar check`: large CSVs by DuckDB (staged on the way), the rest by the row engine
    (its events staged a chunk at a time); both into the spool."""
    staged = stage_csv.CsvStager(work)
    sink = spool.EventSink(work)
    result = engine.check_files(todo, registry=registry, input_format=input_format, encoding=encoding,
                                max_errors=max_errors, keep_events=True, stager=staged, on_record=on_record,
                                threshold=fast_threshold, events=sink, warnings_per_code=WARNINGS_PER_CODE)
    return _Checked(result, staged, sink)


def _tables(checked: _Checked) -> _Tables:
    """The checked submission as the Arrow tables the store stages."""
    if checked.result.engine == "sql":
        staged = checked.staged
        return _Tables(staged.tables(), staged.rows_per_file, staged.event_count)
    sink = checked.sink
    return _Tables(sink.tables(), dict(sink.rows_per_file), len(sink))


def _write_submission(db: Path, outcome: Outcome, staged: _Tables, prints: list[submissions.FileFingerprint],
                      submitter: str | None, say: Callable[[str], None], work: spool.Spool) -> None:
    """Under the write lock, in one transaction: the staged submission checked against the store, written,
    recorded, and committed (rolled back for a dry run or when the store refuses it)."""
    report = outcome.report
    with store.connect(db, write=True) as con:
        work.limit(con, spool.STORE_MEMORY_LIMIT)  # the stage tables and the transaction's new rows spill beside it
        late = submissions.find_held(con, prints)  # another ingest may have finished meanwhile
        if late:
            report.extend(held_problem(h) for h in late)
            outcome.held += late
            return
        submission_id = submissions.next_submission_id(con)
        if outcome.dry_run:  # the same work as a real ingest, rolled back at the end
            say(f"Dry run: working out {staged.event_count} events as submission {submission_id} for {db}; "
                "nothing will be written ...")
        else:
            say(f"Writing {staged.event_count} events as submission {submission_id} to {db} ...")
        con.execute("BEGIN TRANSACTION")
        try:
            received = store.utcnow()
            stage.load(con, staged.tables, received, submission_id)
            staged.tables.clear()  # the staging tables hold them now: a million rows' Arrow copy is not kept
            report.extend(keep_stored_sources(con))
            keep_stored_claims(con)
            report.extend(store_problems(con))
            if not report.valid:
                con.execute("ROLLBACK")
                outcome.refused = True
                return
            counts = write(con, submission_id, received)
            actors.put_seed(con)  # a store from before `cedar init` put the seed in (else nothing to do)
            actors.record_staged(con)
            report.extend(duplicates.find(con))
            submissions.record(con, submission_id, "events", prints, staged.rows_per_file, submitter, received,
                               counts)
            outcome.events = _event_rows(con, db)
            con.execute("ROLLBACK" if outcome.dry_run else "COMMIT")
        except BaseException:
            store.rollback(con)
            raise
        outcome.submission_id, outcome.counts = submission_id, counts
        outcome.store_counts = store.counts(con)


# A source's details besides its name: a source that gives none of them (a flat row names its sources only)
_DETAILS = [n for n in Source.model_fields if n != "name"]


def _event_rows(con: Any, db: Path) -> EventRows:
    """What became of each staged row, in row order, written by DuckDB (its sort spills) to a Parquet file in
    a folder of its own beside the store; the file as an index into the submission's few files."""
    files = [f for (f,) in con.execute("SELECT DISTINCT file FROM stage_events ORDER BY file").fetchall()]
    path = spool.own_folder(db, "rows") / "rows.parquet"
    try:
        con.sql("SELECT (list_position($files, file) - 1)::INTEGER AS file, row, ref, event_id, version, change "
                "FROM stage_events ORDER BY row_no", params={"files": files}).write_parquet(
            str(path), row_group_size=100_000)
        count = con.execute("SELECT count(*) FROM stage_events").fetchone()[0]
    except BaseException:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise
    return EventRows(path, files, int(count))


def keep_stored_sources(con: Any) -> list[Problem]:
    """An update that names a source without its details (a flat row, such as one taken from a release's
    events.csv) keeps the details the store holds for the event's source of that name (url, scale, kind,
    document, ...), paired in order among sources of one name; source_scale is then derived from them.
    A source_scale the row gives that contradicts them refuses the row (source-scale-mismatch)."""
    bare = " AND ".join(f'p."{n}" IS NULL' for n in _DETAILS)
    con.execute(f"""
        UPDATE stage_sources p SET {", ".join(f'"{n}" = m."{n}"' for n in _DETAILS)}
        FROM (
            WITH b AS (SELECT p.row_no, p.source_no, s.event_id, lower(trim(p.name)) AS k,
                              row_number() OVER (PARTITION BY p.row_no, k ORDER BY p.source_no) AS n
                       FROM stage_sources p JOIN stage_events s USING (row_no)
                       WHERE s.event_id IS NOT NULL AND {bare}),
                 kept AS (SELECT c.*, lower(trim(c.name)) AS k,
                                 row_number() OVER (PARTITION BY c.event_id, k ORDER BY c.source_no) AS n
                          FROM event_sources c JOIN event_current e USING (event_id, version)
                          WHERE c.event_id IN (SELECT event_id FROM b))
            SELECT b.row_no, b.source_no, {_q(_DETAILS, 'kept')} FROM b JOIN kept USING (event_id, k, n)
        ) m
        WHERE p.row_no = m.row_no AND p.source_no = m.source_no
    """)
    scales = "[" + ", ".join(f"'{v}'" for v in vocab.SOURCE_SCALES) + "]"
    derived = con.execute(f"""
        SELECT s.row_no, s.file, s.row, s.source_scale,
               nullif(array_to_string(list_filter({scales}, lambda x: list_contains(d.scales, x)), '-'), '')
        FROM stage_events s JOIN (SELECT row_no, list(scale) FILTER (WHERE scale IS NOT NULL) AS scales
                                  FROM stage_sources GROUP BY row_no) d USING (row_no)
        WHERE s.event_id IS NOT NULL AND len(d.scales) > 0
    """).fetchall()
    out, fixes = [], []
    for row_no, file, row, given, expected in derived:
        if given is not None and given != expected:
            out.append(problem("source-scale-mismatch", file=file, row=row, field="source_scale", value=given,
                               expected=expected))
        elif given is None:
            fixes.append((expected, row_no))
    if fixes:
        con.executemany("UPDATE stage_events SET source_scale = ? WHERE row_no = ?", fixes)
    return out


def keep_stored_claims(con: Any) -> None:
    """An update from a flat file without a claims table (a row of a release's events.csv) cannot give
    claims: the event keeps the claims the store holds. A claims table, even one of a header alone, says
    which claims the event has."""
    files = [f for (f,) in con.execute("SELECT DISTINCT file FROM stage_events WHERE event_id IS NOT NULL").fetchall()
             if Path(f).suffix.lower() in readers.FLAT_ENDINGS and not companion_path(Path(f), "claims").is_file()]
    if not files:
        return
    names = list(Claim.model_fields)
    con.execute(f"""
        INSERT INTO stage_claims (row_no, claim_no, {_q(names)})
        SELECT s.row_no, c.claim_no, {_q(names, 'c')} FROM stage_events s
        JOIN event_current e USING (event_id) JOIN event_claims c ON c.event_id = e.event_id AND c.version = e.version
        WHERE s.file IN (SELECT unnest(?)) AND NOT EXISTS (SELECT 1 FROM stage_claims x WHERE x.row_no = s.row_no)
    """, [files])


def store_problems(con: Any) -> list[Problem]:
    """Errors only the store can find: event ids that name no current event, one event named twice,
    a row coded from an older version than the current one, one ref used twice."""
    out = []
    for file, row, event_id, deleted_in, reason in con.execute("""
        SELECT s.file, s.row, s.event_id, d.submission_id, d.reason FROM stage_events s
        LEFT JOIN event_current c ON c.event_id = s.event_id LEFT JOIN deletions d ON d.event_id = s.event_id
        WHERE s.event_id IS NOT NULL AND c.event_id IS NULL ORDER BY s.row_no
    """).fetchall():
        if deleted_in:
            out.append(problem("event-deleted", file=file, row=row, field="event_id", value=event_id,
                               submission=deleted_in, reason=reason))
        else:
            out.append(problem("unknown-event-id", file=file, row=row, field="event_id", value=event_id,
                               fix="leave event_id empty for a new event (the store gives its id); to update an "
                                   "event, copy its id from the store (`cedar query \"SELECT event_id, ... FROM "
                                   "events\"`)."))
    for file, row, event_id, first_file, first in con.execute("""
        SELECT file, row, event_id, first_value(file) OVER w, first_value(row) OVER w FROM stage_events
        WHERE event_id IS NOT NULL WINDOW w AS (PARTITION BY event_id ORDER BY row_no)
        QUALIFY row_number() OVER w > 1 ORDER BY row_no
    """).fetchall():  # `cedar check` finds these first (cedar.validate.repeats): kept for the store's sake
        out.append(repeats.duplicate("event_id", event_id, file, row, None, first_file, first))
    for file, row, event_id, given, current in con.execute("""
        SELECT s.file, s.row, s.event_id, s.version, c.version FROM stage_events s JOIN event_current c
        USING (event_id) WHERE s.version IS NOT NULL AND s.version <> c.version ORDER BY s.row_no
    """).fetchall():
        out.append(problem("stale-version", file=file, row=row, field="version", value=given, event_id=event_id,
                           current=current))
    for file, row, ref, first_file, first in con.execute("""
        SELECT file, row, ref, first_value(file) OVER w, first_value(row) OVER w FROM stage_events
        WHERE ref IS NOT NULL WINDOW w AS (PARTITION BY ref ORDER BY row_no)
        QUALIFY row_number() OVER w > 1 ORDER BY row_no
    """).fetchall():
        out.append(repeats.duplicate("ref", ref, file, row, None, first_file, first))
    return out


def _q(names: list[str] | tuple[str, ...], alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join(f'{prefix}"{n}"' for n in names)


def _struct(alias: str, names: list[str]) -> str:
    return "struct_pack(" + ", ".join(f'"{n}" := {alias}."{n}"' for n in names) + ")"


def _mark_changes(con: Any) -> None:
    content = [c for c, _ in EVENT_COLUMNS if c not in IDENTITY]
    claim_cols, source_cols = list(Claim.model_fields), list(Source.model_fields)
    same_row = " AND ".join(f's."{c}" IS NOT DISTINCT FROM e."{c}"' for c in content)
    # only rows that name an event can change nothing: the lists of sources and claims of new rows
    # (all of a large first submission) are not built
    con.execute(f"""
        UPDATE stage_events SET change = 'unchanged' WHERE row_no IN (
            WITH named_rows AS (SELECT row_no FROM stage_events WHERE event_id IS NOT NULL),
                 sc AS (SELECT row_no, list({_struct('c', claim_cols)} ORDER BY claim_no) AS l
                        FROM stage_claims c SEMI JOIN named_rows USING (row_no) GROUP BY row_no),
                 ss AS (SELECT row_no, list({_struct('c', source_cols)} ORDER BY source_no) AS l
                        FROM stage_sources c SEMI JOIN named_rows USING (row_no) GROUP BY row_no),
                 named AS (SELECT e.event_id, e.version FROM event_current e
                           WHERE e.event_id IN (SELECT event_id FROM stage_events)),
                 ec AS (SELECT c.event_id, list({_struct('c', claim_cols)} ORDER BY claim_no) AS l
                        FROM event_claims c JOIN named USING (event_id, version) GROUP BY c.event_id),
                 es AS (SELECT c.event_id, list({_struct('c', source_cols)} ORDER BY source_no) AS l
                        FROM event_sources c JOIN named USING (event_id, version) GROUP BY c.event_id)
            SELECT s.row_no FROM stage_events s JOIN event_current e ON e.event_id = s.event_id
            LEFT JOIN sc ON sc.row_no = s.row_no LEFT JOIN ss ON ss.row_no = s.row_no
            LEFT JOIN ec ON ec.event_id = s.event_id LEFT JOIN es ON es.event_id = s.event_id
            WHERE {same_row} AND sc.l IS NOT DISTINCT FROM ec.l AND ss.l IS NOT DISTINCT FROM es.l)
    """)


def write(con: Any, submission_id: str, received: Any) -> dict[str, int]:
    """The staged submission into the store's tables (inside the caller's transaction)."""
    _mark_changes(con)
    ids.assign(con)
    con.execute("UPDATE stage_events s SET version = e.version + 1, timestamp = ?, submission_id = ? "
                "FROM event_current e WHERE e.event_id = s.event_id AND s.change = 'updated'",
                [received, submission_id])
    con.execute("UPDATE stage_events s SET version = e.version FROM event_current e "
                "WHERE e.event_id = s.event_id AND s.change = 'unchanged'")
    cols = _q([c for c, _ in EVENT_COLUMNS])
    changed = "change IN ('added', 'updated')"
    con.execute(f"INSERT INTO event_history ({cols}) SELECT {cols} FROM stage_events WHERE {changed}")
    con.execute("DELETE FROM event_current WHERE event_id IN "
                "(SELECT event_id FROM stage_events WHERE change = 'updated')")
    con.execute(f"INSERT INTO event_current ({cols}) SELECT {cols} FROM stage_events WHERE {changed}")
    twice = []
    last_row = con.execute("SELECT coalesce(max(row_no), 0) FROM stage_events").fetchone()[0]
    for part, no, names in (("claims", "claim_no", list(Claim.model_fields)),
                            ("sources", "source_no", list(Source.model_fields))):
        twice += ids.held_versions(con, f"event_{part}", f"SELECT event_id, version FROM stage_events WHERE {changed}")
        # a million rows at a time: the join's hash table of 5M staged events (row_no -> id, version) was
        # the peak of a 5M-row ingest, beyond DuckDB's limit; the stage tables are in row order, so each
        # batch reads only its own row groups
        for first in range(1, last_row + 1, JOIN_ROWS):
            con.execute(f"INSERT INTO event_{part} SELECT s.event_id, s.version, p.{no}, {_q(names, 'p')} "
                        f"FROM stage_{part} p JOIN stage_events s USING (row_no) WHERE s.{changed} "
                        "AND p.row_no BETWEEN $1 AND $2 AND s.row_no BETWEEN $1 AND $2",
                        [first, first + JOIN_ROWS - 1])
    twice += ids.duplicate_keys(con, f"SELECT event_id FROM stage_events WHERE {changed}",
                                ("event_current", "event_history"), JOIN_ROWS)
    if twice:
        raise StoreError(f"The submission would give an event's key twice: {'; '.join(twice)}. Nothing was "
                         "written.", "The store's ids were changed outside Cedar: restore the store from a copy.")
    before = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    con.execute("INSERT INTO documents SELECT DISTINCT ON (sha256) sha256, name, text, bytes, ?, ? "
                "FROM stage_documents ON CONFLICT (sha256) DO NOTHING", [submission_id, received])
    after = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    counts = dict(con.execute("SELECT change, count(*) FROM stage_events GROUP BY change").fetchall())
    return {"added": int(counts.get("added", 0)), "updated": int(counts.get("updated", 0)),
            "unchanged": int(counts.get("unchanged", 0)), "deleted": 0, "documents_added": int(after - before)}


def has_errors(report: Report) -> bool:
    return any(p.severity == ERROR for p in report.problems)

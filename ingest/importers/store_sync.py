"""An import into the store, through the store's own ingest function (`cedar.ingest.load.ingest`).

1. Events the store already holds under the same external id (an earlier ACLED export, say) get
   that event's event_id, so that ingest updates them (a new version) instead of adding them again;
   rows that change nothing stay as they are. An external id whose Cedar event was deleted is not
   brought back (a warning says so): ids are never reused, and a deletion is a decision.
2. The submission is written as JSON Lines and ingested whole or not at all; the report's rows are
   put back to the rows of the peer file.
3. Likely matches with events of other datasets are listed and, unless it is a dry run, linked as
   corroboration (see matching.py).
An ACLED deleted-events file becomes a deletion list (event_id, reason) for `cedar ingest --deletions`.
"""

from __future__ import annotations

import csv
import functools
import tempfile
from array import array
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterator

from cedar.schema import vocab
from cedar.schema.rules import RULES
from cedar.validate.report import ERROR, WARNING, Problem, Report, problem, reworded

from . import acled, matching, matching_store
from .common import ImportResult
from .spool import RowSpool, data_of, learned
from .submission_files import member

# Likely matches listed in the outcome (and its JSON); the rest are counted, and linked all the same.
MATCHES_LISTED = 10_000


@dataclass
class StoreOutcome:
    outcome: Any  # cedar.ingest.load.Outcome
    updated_by_external_id: int = 0
    skipped_deleted: int = 0
    matches: list[matching.Match] = field(default_factory=list)  # the first MATCHES_LISTED of them
    links_added: int = 0
    match_count: int = 0  # likely matches found (each linked, listed or not)

    def to_dict(self) -> dict[str, Any]:
        return {**self.outcome.to_dict(), "matched_by_external_id": self.updated_by_external_id,
                "skipped_deleted": self.skipped_deleted, "likely_matches": [m.to_dict() for m in self.matches],
                "likely_match_count": self.match_count, "links_added": self.links_added}


def external_index(con: Any) -> tuple[dict[str, str], dict[str, str]]:
    """external id -> current event_id, and external id -> event_id of a deleted event."""
    current = dict((x, e) for e, x in con.execute(
        "SELECT event_id, unnest(external_ids) FROM event_current WHERE len(external_ids) > 0").fetchall())
    deleted = dict((x, e) for e, x in con.execute(
        "SELECT DISTINCT h.event_id, unnest(h.external_ids) FROM event_history h JOIN deletions d USING (event_id) "
        "WHERE len(h.external_ids) > 0").fetchall())
    return current, deleted


def ingest(result: ImportResult, db: Path, *, submitter: str | None = None, dry_run: bool = False,
           out: Path | None = None, link: bool = True, say: Callable[[str], None] = lambda _: None) -> StoreOutcome:
    from cedar.ingest import load, store  # the store's modules (DuckDB): only when an import goes into it
    with store.connect(db, write=False) as con:
        current, deleted = external_index(con)
    updated, skipped = prepare(result, current, deleted, db)
    del current, deleted  # every external id the store holds (millions): not kept through its ingest
    if result.strict and result.refused:
        refused = load.Outcome(Report(check="ingest", files=[str(result.path)]), str(db), dry_run, refused=True)
        return StoreOutcome(refused, updated, skipped)
    say(f"{updated} of {result.kept} events are already in the store (same external id): they are updated, not "
        "added.")
    with tempfile.TemporaryDirectory(prefix="cedar-import-") as tmp:
        path = Path(tmp) / f"{result.path.stem}.{result.dataset}.cedar.jsonl"
        result.write_jsonl(path)  # the store ingests JSON Lines: one line an event, so rows map back
        if out is not None:
            result.write(out)
        outcome = load.ingest(db, [path], submitter=submitter or f"cedar import {result.dataset}", dry_run=dry_run,
                              say=say)
        _put_back(outcome, str(path), str(result.path), kept_rows(result))
    done = StoreOutcome(outcome, updated, skipped)
    if outcome.refused or outcome.submission_id is None:
        return done
    if outcome.events:
        done.matches, done.match_count, done.links_added = _match(result, outcome, db, dry_run=dry_run, link=link)
    for m in done.matches[:200]:
        outcome.report.add(problem("likely-match", file=str(result.path), field="event_id", value=m.b.key,
                                   label=m.b.label, first=m.a.key, first_label=m.a.label, first_type=m.a.event_type,
                                   type=m.b.event_type, days=m.days_apart, km=f"{m.km:.1f}"))
    return done


def _match(result: ImportResult, outcome: Any, db: Path, *, dry_run: bool,
           link: bool) -> tuple[list[matching.Match], int, int]:
    """Likely matches of the submission's events with the store's events of other datasets, found by DuckDB
    (matching_store), and linked unless it is a dry run. The new events are those stored (aliases replaced
    by canonical names), or, in a dry run, the rows' own Events (built for this alone)."""
    from cedar.ingest import spool, store

    ids = _submitted_ids(outcome.events)
    with spool.Spool(db) as work, store.connect(db, write=not dry_run) as con:
        work.limit(con)  # DuckDB's joins spill beside the store rather than grow
        if not dry_run and not matching_store.may_match(con):
            return [], 0, 0
        con.register("import_events", ids)
        con.execute('CREATE TEMP VIEW import_ids AS SELECT ref, event_id, "row" AS pos FROM import_events '
                    "WHERE ref IS NOT NULL")
        if dry_run:
            matching_store.new_from_events(con, "import_ids", ((i.data.get("ref"), i.event) for i in result.events))
        else:
            matching_store.new_from_store(con, "import_ids")
        links = matching_store.Links(con) if link and not dry_run else None
        listed: list[matching.Match] = []
        count = 0
        for m in matching_store.find(con):
            count += 1
            if len(listed) < MATCHES_LISTED:
                listed.append(m)
            if links is not None:
                links.add(m)
        added = links.store(f"cedar import {result.dataset}", store.utcnow()) if links is not None and count else 0
        return listed, count, added


def _submitted_ids(events: Any) -> Any:
    """(ref, event_id, row) of each row of the submission (the peer file's row orders the matches), as an
    Arrow table: the ingest's own columns when it has them (no copy of millions of ids)."""
    import pyarrow as pa  # heavy: an import into the store only

    if hasattr(events, "table"):
        return events.table.select(["ref", "event_id", "row"])
    return pa.Table.from_pylist([{"ref": e.get("ref"), "event_id": e.get("event_id"), "row": e.get("row")}
                                 for e in events],
                                schema=pa.schema([("ref", pa.string()), ("event_id", pa.string()),
                                                  ("row", pa.int64())]))


def _refs(result: ImportResult) -> Iterator[Any]:
    """Each kept row's ref, read off the front of its text where the importer put it first (as ACLED's does:
    '{"ref": "acled:X", ...', the text up to the next quote when it holds no escape), else from its data."""
    assert result.spool is not None
    for _, _, _, line in result.spool.records(result.dropped):
        if line.startswith('{"ref": "'):
            end = line.find('"', 9)
            if end > 0 and "\\" not in line[9:end]:
                yield line[9:end]
                continue
        yield data_of(line).get("ref")


class RowsOf:
    """Line of the written submission (1 = the first) -> row of the peer file, as `_put_back` asks of it."""

    def __init__(self, rows: "array[int]"):
        self.rows = rows

    def get(self, n: Any, default: Any = None) -> Any:
        return self.rows[n - 1] if type(n) is int and 1 <= n <= len(self.rows) else default

    def __getitem__(self, n: int) -> int:
        return self.rows[n - 1]

    def __len__(self) -> int:
        return len(self.rows)

    def arrow(self) -> Any:
        """The rows as an Arrow array over the same memory (a list of 3M ints took some 110 MB)."""
        import pyarrow as pa  # heavy: an import into the store only

        return pa.Array.from_buffers(pa.int64(), len(self.rows), [None, pa.py_buffer(self.rows)])


def kept_rows(result: ImportResult) -> RowsOf:
    """The peer file's row of each line of the submission written from `result`."""
    return RowsOf(array("q", (row for _, row, _, _ in _kept_index(result))))


def _kept_index(result: ImportResult) -> Iterator[tuple[int, int, int, int]]:
    assert result.spool is not None
    return (i for i in result.spool.index() if i[0] not in result.dropped)


def prepare(result: ImportResult, current: dict[str, str], deleted: dict[str, str], db: Path) -> tuple[int, int]:
    """The kept rows as the store will take them: those the store holds under the same external id get its
    event_id (an update); those whose event was deleted are left out with a warning; those the store's registry
    refuses are refused (`_store_check`). The result's spool is replaced by one of the rows to ingest when any
    of this changed a row. Returns how many were updated and skipped."""
    spool = result.spool
    assert spool is not None
    counts = list(spool.shape_counts)
    drop: set[int] = set(result.dropped)
    updates: dict[int, str] = {}  # position -> the store's event_id
    skipped = 0
    if current or deleted:  # a new store holds no external id: no row need be read again
        f = str(result.path)
        for (position, row, _, sid), item in zip(_kept_index(result), result.events):
            ext = (item.data.get("external_ids") or [None])[0]
            if ext in current:
                updates[position] = current[ext]
            elif ext in deleted:
                skipped += 1
                drop.add(position)
                counts[sid] -= 1
                result.report.add(problem("deleted-in-store", file=f, row=row, line=row, field="external_ids",
                                          value=ext, event_id=deleted[ext]))
    if result.dropped:  # rows refused already teach the registry nothing
        for position, _, _, sid in spool.index():
            counts[sid] -= position in result.dropped
    drop |= _store_check(result, drop, counts, db)
    if updates or drop != result.dropped:
        _respool(result, drop, updates)
    return len(updates), skipped


def _respool(result: ImportResult, drop: set[int], updates: dict[int, str]) -> None:
    """The result's rows less those at `drop`, with an event_id put in front of those at `updates` (the
    encoder's text of the new dict: '{"event_id": ID, ' and the rest of the row's text)."""
    old = result.spool
    assert old is not None
    new = RowSpool(old.folder.parent)
    try:
        for (position, row, warned, sid), (_, _, _, line) in zip(old.index(), old.records()):
            if position in drop:
                continue
            if position in updates:
                line = "{" + member("event_id", updates[position]) + (", " + line[1:] if line != "{}" else "}")
            new.add(row, line, bool(warned), old.shapes[sid])
        new.finish()
    except BaseException:
        new.close()
        raise
    old.close()
    result.spool, result.dropped = new, set()


def _store_check(result: ImportResult, drop: set[int], counts: list[int], db: Path) -> set[int]:
    """Rows the store's own check would refuse are refused here one by one, so that the rest go in (the store's
    ingest refuses a submission whole). The rows passed `cedar check` already: what the store knows more is
    its actor registry, whose one rule that refuses is the actor type (asked of it directly per distinct shape
    of the rows' actors, not by checking every row again: a third of an import's time). Returns the positions
    of the rows refused."""
    from cedar.ingest import actors, store
    with store.connect(db, write=False) as con:
        if not actors.has_table(con):
            return set()
        registry = actors.load_for_check(con, str(db))
    spool = result.spool
    assert spool is not None
    # the types this ingest would record for actors the registry lacks count already: a second import of the
    # same rows meets them in the registry, and must give the same verdict
    registry.learn(learned(spool.shapes, counts))
    rule = RULES["actor-type-contradicts-registry"]
    contradiction = functools.lru_cache(maxsize=None)(registry.type_contradiction)  # few actors, many rows
    errors_of: dict[int, list[tuple[str, Any, dict[str, Any]]]] = {}
    for sid, e in enumerate(spool.shapes):
        for actor, inter in (("actor1", "inter1"), ("actor2", "inter2")):
            name, given = getattr(e, actor), getattr(e, inter)
            expected = contradiction(name, given, e.iso3) if name else None
            if expected:
                params = {"actor": name, "expected": expected, "label": vocab.ACTOR_TYPES.get(expected, "")}
                errors_of.setdefault(sid, []).append((inter, given, params))
    refused: set[int] = set()
    if not errors_of:
        return refused
    severity = ERROR if result.strict else WARNING
    f = str(result.path)
    for position, row, _, sid in spool.index():
        if sid not in errors_of or position in drop:
            continue
        errors = [Problem(rule.code, rule.render(field=inter, value=given, **params), rule.severity, file=f, row=row,
                          line=row, field=inter, value=given) for inter, given, params in errors_of[sid]]
        result.report.extend(reworded(p, "row-refused-by-store", severity=severity) for p in errors)
        result.refused[row] = [p.message for p in errors]
        refused.add(position)
    return refused


def _put_back(outcome: Any, written: str, peer: str, rows: Any) -> None:
    """Problems and event rows of the written submission, named by the peer file's rows."""
    from cedar.ingest import load
    report = outcome.report
    fixed = []
    for p in report.problems:
        if p.file == written:
            row = rows.get(p.row, p.row) if p.row is not None else None
            p = replace(p, file=peer, row=row, line=row)
        if written in p.message:  # "also used in row N of FILE": the working file is no name a user knows
            p = replace(p, message=p.message.replace(written, peer))
        fixed.append(p)
    report.problems = fixed
    report.files = [peer if f == written else f for f in report.files]
    if isinstance(outcome.events, load.EventRows):  # Arrow columns: renamed at once
        outcome.events.put_back(written, peer, rows.arrow() if isinstance(rows, RowsOf) else
                                [rows[n] for n in range(1, len(rows) + 1)])
        return
    for e in outcome.events:
        if e.get("file") == written:
            e["file"], e["row"] = peer, rows.get(e["row"], e["row"])


def apply_deletions(path: Path, db: Path, *, submitter: str | None = None, dry_run: bool = False,
                    encoding: str = "utf-8",
                    say: Callable[[str], None] = lambda _: None) -> tuple[Any, list[Problem]]:
    """An ACLED deleted-events file applied to the store: every ACLED id the store holds is deleted with the
    reason 'deleted by ACLED on DATE'; ids the store does not hold are listed as warnings."""
    from cedar.ingest import deletions, load, store
    layout, header, rows = acled.open_file(path, encoding)
    with store.connect(db, write=False) as con:
        current, deleted = external_index(con)
    warnings: list[Problem] = []
    todo: list[tuple[str, str]] = []
    for line, ext, when in acled.read_deletions(path, rows, header):
        if ext is None:
            empty = problem("missing-value", file=str(path), row=line, line=line, field="event_id_cnty")
            warnings.append(reworded(empty, "row-refused", severity=WARNING))
        elif ext in current:
            todo.append((current[ext], f"deleted by ACLED{' on ' + when if when else ''} ({ext})"))
        elif ext in deleted:
            warnings.append(problem("already-deleted", file=str(path), row=line, line=line, field="event_id_cnty",
                                    value=ext, severity=WARNING, by=f" (as {deleted[ext]})", fix="nothing to do."))
        else:
            warnings.append(problem("not-held", file=str(path), row=line, line=line, field="event_id_cnty",
                                    value=ext))
    if not todo:
        report = Report(check="deletions", files=[str(path)])
        report.extend(warnings)
        return load.Outcome(report, str(db), dry_run), warnings
    with tempfile.TemporaryDirectory(prefix="cedar-import-") as tmp:
        out = Path(tmp) / f"{path.stem}.deletions.csv"
        with open(out, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["event_id", "reason"])
            w.writerows(dict(todo).items())
        outcome = deletions.ingest(db, [out], submitter=submitter or "cedar import acled (deletions)",
                                   dry_run=dry_run, say=say)
        outcome.report.files = [str(path)]
        outcome.report.problems = [replace(p, file=str(path) if p.file == str(out) else p.file, row=None, line=None)
                                   for p in outcome.report.problems]
    outcome.report.extend(warnings)
    return outcome, warnings

"""Deletion submissions: `cedar ingest --deletions FILE`, a list of event ids with the reason each goes.

A deletion file is CSV (header `event_id,reason`), JSON Lines, or a JSON array (or
`{"deletions": [...]}`) of objects with those two keys. Every id must name a current event and
every row needs a reason; one problem refuses the whole file. Deleted events leave
`event_current`, keep every version in `event_history`, and are listed in `deletions` with their
reason; their ids are never given again.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Callable

from cedar.ingest import store, submissions
from cedar.ingest.load import Outcome, held_problem
from cedar.schema import event_ids
from cedar.validate.report import Problem, Report, problem

COLUMNS = ("event_id", "reason")


def read(path: Path, encoding: str = "utf-8") -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    """(row as the user counts it, {event_id, reason}) for every row, and the problems of the file."""
    rows, problems = _load(path, encoding)
    if problems:
        return [], problems
    f = str(path)
    out = []
    for row, item in rows:
        if isinstance(item, tuple):  # a CSV row of the wrong length: (its cells, the header's)
            problems.append(problem("wrong-cell-count", file=f, row=row, value=item[0], header_cells=item[1]))
            continue
        if not isinstance(item, dict):
            problems.append(problem("deletion-not-an-object", file=f, row=row, kind=_kind(item)))
            continue
        problems += [problem("unknown-column", file=f, row=row, field=k, value=k, hint=_HAS_COLUMNS)
                     for k in item if k not in COLUMNS]
        event_id = str(item.get("event_id") or "").strip()
        reason = str(item.get("reason") or "").strip()
        if not event_id:
            problems.append(problem("missing-value", file=f, row=row, field="event_id"))
        elif not event_ids.is_event_id(event_id):
            problems.append(problem("bad-format", file=f, row=row, field="event_id", value=event_id,
                                    expected=event_ids.EXPECTED))
        if not reason:
            problems.append(problem("missing-reason", file=f, row=row, field="reason"))
        out.append((row, {"event_id": event_id, "reason": reason}))
    if not rows:
        problems.append(problem("no-deletions", file=f))
    return out, problems


_HAS_COLUMNS = "a deletion list has the columns event_id and reason."
_KINDS = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true or false",
          type(None): "null", dict: "an object"}


def _kind(value: Any) -> str:
    return _KINDS.get(type(value), "a value")


def _load(path: Path, encoding: str) -> tuple[list[tuple[int, Any]], list[Problem]]:
    """The rows of a deletion list as read (a CSV row of the wrong length as the numbers of its cells and
    the header's), or the problems that keep the file from being read at all."""
    f = str(path)
    if not path.is_file():
        return [], [problem("file-not-found", file=f, value=f)]
    try:
        text = path.read_text(encoding="utf-8-sig" if encoding.lower().replace("_", "-") == "utf-8" else encoding)
    except (UnicodeDecodeError, LookupError, OSError) as exc:
        why = f"it is not {encoding} text ({exc})" if isinstance(exc, UnicodeDecodeError) else str(exc)
        return [], [problem("unreadable-file", file=f, value=f, reason=why)]
    suffix = path.suffix.lower()
    rows: list[tuple[int, Any]] = []
    try:
        if suffix == ".csv":
            reader = csv.reader(io.StringIO(text, newline=""), strict=True)
            header = [h.strip() for h in next(reader, [])]
            problems = [problem("unknown-column", file=f, row=1, field=h, value=h, hint=_HAS_COLUMNS)
                        for h in header if h not in COLUMNS]
            problems += [problem("missing-deletion-columns", file=f, row=1, field=c)
                         for c in COLUMNS if c not in header]
            if problems:
                return [], problems
            for cells in reader:
                if any(c.strip() for c in cells):
                    rows.append((reader.line_num, dict(zip(header, cells)) if len(cells) == len(header)
                                 else (len(cells), len(header))))
        elif suffix in (".jsonl", ".ndjson"):
            for n, line in enumerate(text.splitlines(), start=1):
                if line.strip():
                    rows.append((n, json.loads(line)))
        elif suffix == ".json":
            data = json.loads(text)
            if isinstance(data, dict) and isinstance(data.get("deletions"), list):
                data = data["deletions"]
            if not isinstance(data, list):
                return [], [problem("not-a-deletion-list", file=f, kind=_kind(data))]
            rows = list(enumerate(data, start=1))
        else:
            return [], [problem("unknown-deletion-format", file=f, value=path.name)]
    except (csv.Error, ValueError, RecursionError) as exc:  # ValueError: JSON's own, and a number too long to read
        return [], [problem("unreadable-file", file=f, value=path.name, reason=str(exc))]
    return rows, []


def ingest(db: Path, paths: list[Path], *, submitter: str | None = None, dry_run: bool = False,
           encoding: str = "utf-8", say: Callable[[str], None] = lambda _: None) -> Any:
    prints = [submissions.fingerprint(p) for p in paths if p.is_file()]
    report = Report(check="deletions")
    report.files = [str(p) for p in paths]
    outcome = Outcome(report, str(db), dry_run)
    with store.connect(db, write=True) as con:
        store.check_schema(con, db)
        outcome.held = submissions.find_held(con, prints)
        report.extend(held_problem(h) for h in outcome.held)
        held = {h.path for h in outcome.held}
        todo = [p for p in paths if p not in held]
        if not todo:
            return outcome
        rows: list[tuple[str, int, str, str]] = []
        per_file: dict[Path, int] = {}
        for path in todo:
            items, problems = read(path, encoding)
            report.extend(problems)
            report.rows_checked += len(items)
            per_file[path] = len(items)
            rows += [(str(path), row, d["event_id"], d["reason"]) for row, d in items]
        if any(p.code in ("file-not-found", "unreadable-file", "unknown-deletion-format") for p in report.errors):
            outcome.refused = outcome.unreadable = True
            return outcome
        if not any(r[2] for r in rows):  # nothing the store could check; read() has said why
            if report.valid:
                report.add(problem("no-deletions", file=str(todo[0])))
            outcome.refused = True
            return outcome
        submission_id = submissions.next_submission_id(con)
        if dry_run:  # the same work as a real deletion, rolled back at the end
            say(f"Dry run: working out the deletion of {len(rows)} events in {db}; nothing will be written ...")
        else:
            say(f"Deleting {len(rows)} events in {db} as submission {submission_id}, if the store agrees ...")
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("CREATE OR REPLACE TEMP TABLE stage_deletions (file VARCHAR, row INTEGER, event_id VARCHAR, "
                        "reason VARCHAR)")
            con.executemany("INSERT INTO stage_deletions VALUES (?, ?, ?, ?)", [r for r in rows if r[2]])
            report.extend(_problems(con))
            if not report.valid:
                con.execute("ROLLBACK")
                outcome.refused = True
                return outcome
            received = store.utcnow()
            con.execute("INSERT INTO deletions SELECT s.event_id, c.version, s.reason, ?, ? FROM stage_deletions s "
                        "JOIN event_current c USING (event_id)", [received, submission_id])
            con.execute("DELETE FROM event_current WHERE event_id IN (SELECT event_id FROM stage_deletions)")
            counts = {"added": 0, "updated": 0, "unchanged": 0, "deleted": len(rows)}
            submissions.record(con, submission_id, "deletions", [p for p in prints if p.path in set(todo)],
                               per_file, submitter, received, counts)
            outcome.events = [{"file": f, "row": r, "ref": None, "event_id": e, "version": v, "change": "deleted"}
                              for f, r, e, v in con.execute(
                                  "SELECT s.file, s.row, s.event_id, d.last_version FROM stage_deletions s "
                                  "JOIN deletions d USING (event_id) ORDER BY s.file, s.row").fetchall()]
            con.execute("ROLLBACK" if dry_run else "COMMIT")
        except BaseException:
            store.rollback(con)
            raise
        outcome.submission_id, outcome.counts = submission_id, counts
        outcome.store_counts = store.counts(con)
    return outcome


def _problems(con: Any) -> list[Problem]:
    out = []
    for file, row, event_id, deleted_in in con.execute("""
        SELECT s.file, s.row, s.event_id, d.submission_id FROM stage_deletions s
        LEFT JOIN event_current c USING (event_id) LEFT JOIN deletions d USING (event_id)
        WHERE c.event_id IS NULL ORDER BY s.file, s.row
    """).fetchall():
        if deleted_in:
            out.append(problem("already-deleted", file=file, row=row, field="event_id", value=event_id,
                               by=f" by submission {deleted_in}", fix="remove this row."))
        else:
            out.append(problem("unknown-event-id", file=file, row=row, field="event_id", value=event_id,
                               fix="check the id (`cedar query \"SELECT event_id FROM events\"`)."))
    for file, row, event_id, first_file, first_row in con.execute("""
        SELECT file, row, event_id, first_value(file) OVER w, first_value(row) OVER w FROM stage_deletions
        WINDOW w AS (PARTITION BY event_id ORDER BY file, row) QUALIFY row_number() OVER w > 1 ORDER BY file, row
    """).fetchall():
        where = f"row {first_row}" + ("" if first_file == file else f" of {first_file}")
        out.append(problem("duplicate-event-id", file=file, row=row, field="event_id", value=event_id, first=where))
    return out

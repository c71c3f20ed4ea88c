"""What every importer shares once its rows are mapped: checking every mapped event with the very rules of
`cedar check` before it is written, collecting events, refusals and warnings into an `ImportResult`.

An importer is a generator of `Mapped` rows (`reading`: an event's nested data, or a refusal) plus the
warnings met on the way; `run` turns that into an `ImportResult`.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from cedar.schema import vocab
from cedar.schema.rules import Context
from cedar.validate.report import ERROR, WARNING, Report, problem, reworded
from cedar.validate.rows import Shared, event_of, prefetch_places, validate_record

from .reading import LayoutError, Mapped, Refuse, ends_with_newline
from .spool import RowSpool, SeenIds, data_of, learned, shape_of
from .submission_files import companion_parts, line_of, replace_file, submission_format, write_submission

# Names other modules import from here.
__all__ = ["EventFields", "ImportResult", "ImportedEvent", "LayoutError", "companion_parts", "run",
           "submission_format", "write_submission"]

class ImportedEvent:
    """A row that passed the check, read back from the spool: its JSON-ready nested event (as written to the
    submission) and the checked cedar Event, built only when asked for (a flat submission, matching): building
    it is a third of the check's time, and a JSON Lines submission is written from the text alone. A row on
    which a rule filled a value (`warned`) has its Event from the rules again, as the data leaves it apart."""

    __slots__ = ("row", "data", "_event", "warned", "file")

    def __init__(self, row: int, data: dict[str, Any], event: Any = None, warned: bool = False, file: str = ""):
        self.row, self.data, self._event, self.warned, self.file = row, data, event, warned, file

    @property
    def event(self) -> Any:
        if self._event is None:
            where = {"file": self.file, "row": self.row, "line": self.row}
            self._event = validate_record(self.data, Context(), where)[0] if self.warned else event_of(self.data)
        return self._event

    @property
    def fields(self) -> "EventFields":
        """The event's actors, types and country, read from the data (as the Event has them: the check of
        an import has no actor registry, so it replaces no alias)."""
        return EventFields(self.data) if self._event is None and not self.warned else self.event


class EventFields:
    """The fields of an event's data that the registry's rules read, by attribute as of an Event (absent ones
    None): copied once, as they are read a dozen times a row."""

    __slots__ = ("actor1", "inter1", "actor2", "inter2", "assoc_actor_1", "assoc_actor_2", "iso3")

    def __init__(self, data: dict[str, Any]):
        get = data.get
        self.actor1, self.inter1, self.actor2, self.inter2 = get("actor1"), get("inter1"), get("actor2"), get("inter2")
        self.assoc_actor_1, self.assoc_actor_2, self.iso3 = get("assoc_actor_1"), get("assoc_actor_2"), get("iso3")


class SpooledEvents:
    """The kept rows of an import, read back from its spool each time they are gone through (none is held)."""

    def __init__(self, result: "ImportResult"):
        self.result = result

    def __len__(self) -> int:
        return self.result.kept

    def __bool__(self) -> bool:
        return self.result.kept > 0

    def __iter__(self) -> Iterator[ImportedEvent]:
        spool, f = self.result.spool, str(self.result.path)
        if spool is None:
            return
        for row, warned, _, line in spool.records(self.result.dropped):
            yield ImportedEvent(row, data_of(line), warned=bool(warned), file=f)

    def __getitem__(self, i: int) -> ImportedEvent:
        if i < 0:
            i += len(self)
        found = next(itertools.islice(iter(self), i, None), None) if i >= 0 else None
        if found is None:
            raise IndexError(i)
        return found


@dataclass
class ImportResult:
    """What an import mapped and checked: its report, the rows refused (row -> reasons) and the rows kept, on
    disk in `spool` (less those at the positions in `dropped`); `events` reads them back. `close` removes the
    spool (as does exit)."""

    dataset: str
    path: Path
    report: Report
    spool: RowSpool | None = None
    dropped: set[int] = field(default_factory=set)  # positions in the spool of rows refused after the check
    refused: dict[int, list[str]] = field(default_factory=dict)  # row -> reasons
    rows_read: int = 0
    seconds: float = 0.0
    strict: bool = False
    deletions: list[tuple[int, str, str]] | None = None  # (row, external id, deleted on) for a deletions file

    @property
    def kept(self) -> int:
        """The rows that passed every check (on disk, in the spool)."""
        return (self.spool.count if self.spool is not None else 0) - len(self.dropped)

    @property
    def events(self) -> SpooledEvents:
        return SpooledEvents(self)

    @property
    def imported(self) -> int:
        return self.kept if not self.refused_all else 0

    @property
    def refused_all(self) -> bool:
        return self.strict and bool(self.refused)

    def summary(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "file": str(self.path), "rows_read": self.rows_read,
                "imported": self.imported, "refused": len(self.refused), "strict": self.strict,
                "refused_rows": {str(r): reasons for r, reasons in self.refused.items()},
                "seconds": round(self.seconds, 3)}

    def write_jsonl(self, out: Path) -> None:
        """The submission as JSON Lines, whatever `out` is named (the store's own ingest reads it)."""
        assert self.spool is not None
        spool = self.spool
        replace_file(out, lambda f: spool.write_jsonl(f, self.dropped))

    def write(self, out: Path) -> list[Path]:
        """The submission in the format `out`'s ending names (see `write_submission`): JSON text copied from the
        spool, a flat file from the events read back."""
        fmt = submission_format(out)
        if fmt == "jsonl":
            self.write_jsonl(out)
            return [out]
        if fmt == "json":
            assert self.spool is not None
            spool = self.spool
            replace_file(out, lambda f: spool.write_json(f, self.dropped))
            return [out]
        with paused_gc():
            return write_submission(self.events, out)

    def close(self) -> None:
        """The spool removed: the kept rows are gone (their counts stay)."""
        if self.spool is not None:
            self.spool.close()


# Warnings reported once with the rows they recur on (the same misspelling in every row of a file).
REPEATING = {"misspelled-label", "unknown-label", "derived-differs"}


def _ranges(lines: list[int], limit: int = 20) -> str:
    shown = ", ".join(str(n) for n in lines[:limit])
    return shown + (f" and {len(lines) - limit} more" if len(lines) > limit else "")


def run(dataset: str, path: Path, rows: Iterator[Mapped], *, strict: bool = False,
        on_row: Callable[[], None] | None = None, folder: Path | None = None) -> ImportResult:
    """Check every mapped row with the rules of `cedar check`; the rows kept go to a spool (in `folder`, by
    default the system's temporary folder), refusals and warnings to the result. An error or Ctrl-C removes
    the spool."""
    result = ImportResult(dataset, path, Report(check=f"import-{dataset}"), strict=strict, spool=RowSpool(folder))
    try:
        with paused_gc():
            _run(result, rows, on_row=on_row)
    except BaseException:
        result.close()
        raise
    return result


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector paused while an import maps, checks and writes its rows: no row's objects
    form a cycle, yet collections over the caches of distinct values cost a fifth of the check's time."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _run(result: ImportResult, rows: Iterator[Mapped], *, on_row: Callable[[], None] | None) -> None:
    started = time.perf_counter()
    path, report, spool = result.path, result.report, result.spool
    assert spool is not None
    report.files.append(str(path))
    severity = ERROR if result.strict else WARNING  # of a refused row
    ctx = Context()
    shared = Shared()  # the rules' findings per distinct labels, actors and countries
    seen = SeenIds(spool.folder)  # the external ids of the rows accepted so far
    f = str(path)
    repeats: dict[tuple[str, Any], list[int]] = {}  # a warning met again is counted, not repeated
    last: int | None = None
    for m in prefetch_places(rows):  # the gazetteer asked for a batch of points at a time
        last = m.line if m.refusal is None else None
        result.rows_read += 1
        if on_row:
            on_row()
        if m.notes:
            _note(report, f, m, repeats)
        if m.refusal is None and m.external_id:
            first = seen.first(m.external_id)
            if first is not None:
                m.refusal = Refuse("duplicate-external-id", "external_ids", m.external_id, first=first)
        if m.refusal is not None:
            r = m.refusal
            reason = problem(r.code, file=f, row=m.line, line=m.line, field=r.field, value=r.value, **r.params)
            reasons = [reworded(reason, "row-refused", severity=severity)]
        else:
            assert m.data is not None  # a row is mapped when nothing refused it
            where = {"file": f, "row": m.line, "line": m.line}
            _, problems = validate_record(m.data, ctx, where, build=False, shared=shared)
            reasons = []
            if problems:
                reasons = [reworded(p, "row-refused-by-check", severity=severity) for p in problems
                           if p.severity == ERROR]
                report.extend(p for p in problems if p.severity != ERROR)
            if not reasons:  # a rule that filled a value (a warning) left the Event apart from the data
                event = validate_record(m.data, Context(), where)[0] if problems else None
                spool.add(m.line, line_of(m.data), bool(problems), shape_of(m.data if event is None else event))
                if m.external_id:
                    seen.add(m.external_id, m.line)
        if reasons:
            report.extend(reasons)
            result.refused[m.line] = [p.message.removeprefix("Row refused: ") for p in reasons]
        report.rows_checked += 1
    spool.finish()
    if result.dataset == "acled":  # GDELT's and UCDP's actor names are generic ("CHINA"); their types vary by event
        _refuse_type_outliers(result, severity)
    if last is not None and not zipfile.is_zipfile(path) and not ends_with_newline(path):
        report.add(problem("no-final-line-break", file=f, row=last, line=last))
    for (code, value), lines in repeats.items():
        if len(lines) > 1:
            report.add(problem(code, file=f, value=value, severity=WARNING, worded_as="warning-repeated", warning=code,
                               count=len(lines) - 1, rows=_ranges(lines[1:])))
    result.seconds = time.perf_counter() - started


def _refuse_type_outliers(result: ImportResult, severity: str) -> None:
    """Rows that code an actor with another type than the file's commonest (in ACLED's context: a state's forces
    are 1 at home, 8 abroad) are refused: the store's registry would learn the commonest and refuse these rows
    on the next import of the same file, so they are refused on the first. Decided per distinct shape of the
    rows' actors; the rows of a refused shape are found in the spool's index."""
    from cedar.ingest.actors import Registry

    spool = result.spool
    assert spool is not None
    registry = Registry([], learned=learned(spool.shapes, spool.shape_counts))
    contradiction = functools.lru_cache(maxsize=None)(registry.type_contradiction)  # few actors, many rows
    outliers = {sid for sid, e in enumerate(spool.shapes)
                if (e.actor1 and contradiction(e.actor1, e.inter1, e.iso3))
                or (e.actor2 and contradiction(e.actor2, e.inter2, e.iso3))}
    if not outliers:  # most files: every row kept, the spool is the submission as it is
        return
    f = str(result.path)
    for position, row, _, sid in spool.index():
        if sid not in outliers:
            continue
        e = spool.shapes[sid]
        reasons: list[Any] = []
        for actor, inter in (("actor1", "inter1"), ("actor2", "inter2")):
            name, given = getattr(e, actor), getattr(e, inter)
            expected = contradiction(name, given, e.iso3) if name else None
            if expected:
                p = problem("actor-type-differs-in-file", file=f, row=row, line=row, field=inter,
                            value=given, actor=name, expected=expected, label=vocab.ACTOR_TYPES.get(expected, ""))
                reasons.append(reworded(p, "row-refused", severity=severity))
        result.report.extend(reasons)
        result.refused[row] = [p.message.removeprefix("Row refused: ") for p in reasons]
        result.dropped.add(position)


def _note(report: Report, f: str, m: Mapped, repeats: dict[tuple[str, Any], list[int]]) -> None:
    """The row's warnings, each reported once a row, and those of REPEATING once a value (counted after)."""
    for n in m.notes:
        key = (n.code, str(n.value) if n.code in REPEATING else m.line)
        if key in repeats:
            repeats[key].append(m.line)
            continue
        repeats[key] = [m.line]
        report.add(problem(n.code, file=f, row=m.line, line=m.line, field=n.field, value=n.value, severity=WARNING,
                           **n.params))

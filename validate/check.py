"""The row engine: every submission file read, every record validated, one report.

`cedar.validate.engine.check_files` chooses between it and the SQL engine for `cedar check` and
`cedar ingest`, so a submission that passes the check goes in, and one that fails it is refused
there with the same report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Protocol, cast

from cedar.schema.model import Event
from cedar.schema.rules import Context
from cedar.validate.readers import Record, Unreadable, read
from cedar.validate.repeats import Repeats
from cedar.validate.report import ERROR, Problem, Report, problem
from cedar.validate.rows import prefetch_places, validate_record


class ActorRegistry(Protocol):
    """What a check asks of a store's actor registry (the ingest layer's registry is one)."""

    actors: dict[str, Any]  # canonical name -> actor, with its actor_type

    def canonical(self, name: str) -> str | None: ...

    def known(self, name: str) -> bool: ...

    def type_of(self, name: str) -> int | None: ...

    def type_contradiction(self, name: str, given: int | None, iso3: str | None) -> int | None: ...

    def closest_text(self, name: str, country: str | None = None) -> str: ...


@dataclass
class CheckedEvent:
    file: Path
    row: int
    event: Event


class EventSink(Protocol):
    """Takes the checked events of an ingest a chunk at a time (cedar.ingest.spool), so that a large
    submission's events never all exist at once. `documents`: the documents read, filled as they are."""

    documents: dict[Path, str]

    def append(self, item: CheckedEvent) -> None: ...

    def __len__(self) -> int: ...

    def clear(self) -> None: ...


@dataclass
class CheckResult:
    """What a check found: the report, and `unreadable` when a file could not be read at all."""

    report: Report
    unreadable: bool = False
    events: list[CheckedEvent] = field(default_factory=list)
    documents: dict[Path, str] = field(default_factory=dict)  # resolved path -> text, for the store

    @property
    def engine(self) -> str:
        """Which engine checked the files: "sql" or "row"."""
        return self.report.extra.get("engine", "row")


class _Documents(dict):
    """Source documents named by a submission, read on first use, relative to its folder.

    Only files inside the submission's folder are read: a path that climbs out of it (`..`,
    an absolute path) is treated as unreadable."""

    def __init__(self, folder: Path, store: dict[Path, str]):
        super().__init__()
        self.folder = folder.resolve()
        self.store = store

    def __missing__(self, name: str) -> str | None:
        text = None
        rel = PurePosixPath(name.replace("\\", "/"))
        if not rel.is_absolute() and ".." not in rel.parts and "\0" not in name:  # NUL: no such file anywhere
            try:
                path = (self.folder / rel).resolve()
                if path.is_relative_to(self.folder) and path.is_file():
                    text = path.read_text(encoding="utf-8")
                    self.store[path] = text
            except (OSError, ValueError):  # too long a name, not UTF-8, unreadable: the rule reports it
                text = None
        self[name] = text
        return text

    def get(self, name, default=None):  # dict.get does not call __missing__
        return self[name] if name is not None else default


def check_files(paths: list[Path], *, input_format: str | None = None, encoding: str = "utf-8",
                max_errors: int | None = None, keep_events: bool = False,
                on_record: Callable[[], None] | None = None, actors: ActorRegistry | None = None,
                events: EventSink | None = None, warnings_per_code: int | None = None) -> CheckResult:
    """The row engine over every record of these files. `actors`: the store's actor registry (an
    ActorRegistry); None checks no actor names. Every file is read to its end: past --max-errors the
    problems are counted, not listed, and no more events are kept (the result cannot be valid).
    `events`: where the kept events go (CheckResult.events is then it), in place of a list."""
    report = Report(check="submission", max_errors=max_errors, warnings_per_code=warnings_per_code)
    result = CheckResult(report) if events is None else \
        CheckResult(report, events=cast(Any, events), documents=events.documents)
    repeats = Repeats()  # refs and event_ids used twice, across all the files
    for path in paths:
        report.files.append(str(path))
        repeats.start(str(path))
        ctx = Context(documents=_Documents(path.parent, result.documents), actors=actors)
        try:
            for item in prefetch_places(read(path, input_format, encoding)):
                if isinstance(item, Problem):
                    report.add(item)
                    continue
                _check_record(path, item, ctx, result, keep_events and not report.truncated, repeats)
                if on_record:
                    on_record()
        except Unreadable as exc:  # listed even past --max-errors: it says why the exit status is 2
            report.problems.append(exc.problem)
            result.unreadable = True
        except OSError as exc:
            report.problems.append(problem("unreadable-file", file=str(path), value=str(path),
                                           reason=exc.strerror or str(exc)))
            result.unreadable = True
    return result


def _check_record(path: Path, record: Record, ctx: Context, result: CheckResult, keep: bool,
                  repeats: Repeats) -> None:
    result.report.rows_checked += 1
    where = {"file": str(path), "row": record.row, "line": record.line}
    event, problems = validate_record(record.data, ctx, where, record.cell_problems, record.absent, build=keep)
    result.report.extend(record.relocate(problems))
    twice = repeats.see(record.row, record.line, record.data, ctx.row_key)
    if twice:
        result.report.extend(twice)
        if any(p.severity == ERROR for p in twice):  # a ref or id used twice; a likely double coding only warns
            event = None
    if event is not None and keep:
        result.events.append(CheckedEvent(path, record.row, event))

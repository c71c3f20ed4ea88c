"""Which engine checks a submission: the one entry of `cedar check` and `cedar ingest`.

Large CSVs that the SQL engine can answer for (`sql_engine.accepts`) are checked by it: without an
actor registry by the streaming engine (`sql_engine`), with one as ingest checks them
(`sql_registry`, the registry asked once per distinct name). Everything else, and a file DuckDB
refuses after all, goes to the row engine (`check`), which reports such files in full. The report
is the same either way: tests/test_engines_differential.py and test_ingest_fast_differential.py.

Below the threshold (4 MB, about 12,000 rows) the row engine is as fast (DuckDB's planning of the
query takes about 0.2 s) and its messages are the exact ones without a second pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from cedar.validate import check, readers, repeats, sql_engine, sql_registry
from cedar.validate.check import ActorRegistry, CheckResult, EventSink
from cedar.validate.report import Report
from cedar.validate.sql_registry import Stager

SQL_THRESHOLD_BYTES = 4 * 1024 * 1024


def sql_takes(paths: list[Path], input_format: str | None = None, encoding: str = "utf-8",
              threshold: int = SQL_THRESHOLD_BYTES) -> bool:
    """Whether every file is a CSV the SQL engine answers for, of at least `threshold` bytes."""
    return bool(paths) and all(p.is_file() and p.stat().st_size >= threshold
                               and sql_engine.accepts(p, input_format, encoding) for p in paths)


def check_files(paths: list[Path], *, registry: ActorRegistry | None = None, input_format: str | None = None,
                encoding: str = "utf-8", max_errors: int | None = None, keep_events: bool = False,
                stager: Stager | None = None, on_record: Callable[[], None] | None = None,
                threshold: int = SQL_THRESHOLD_BYTES, events: EventSink | None = None,
                warnings_per_code: int | None = None) -> CheckResult:
    """Check submission files with the engine that suits them, into one report.

    `registry`: a store's actor registry (actor names are checked against it), None for none.
    `max_errors`: list at most this many errors; every file is still read to its end and every
    problem counted (Report.totals). `keep_events`: the row engine keeps the events of the records
    it checks (CheckResult.events); the SQL engine's path keeps none, so without a `stager` such a
    check always takes the row engine. `stager`: the SQL engine's path stages each file as it
    checks it (`CheckResult.engine` says which path ran). `on_record`: called after each record
    the row engine checks. `threshold`: the smallest CSV the SQL engine takes (tests pass 0). `events`:
    where the row engine's kept events go, in place of a list (check.EventSink). `warnings_per_code`: list at
    most this many warnings of a code, count the rest (Report.warnings_per_code).
    A companion table named among `paths` is read with its main file (readers.submission_files)."""
    paths = readers.submission_files(paths, encoding)
    if sql_takes(paths, input_format, encoding, threshold) and (stager is not None or not keep_events):
        if registry is not None or stager is not None:  # the registry asked once per distinct name
            report = sql_registry.check_files(paths, registry, max_errors=max_errors, stager=stager,
                                              warnings_per_code=warnings_per_code)
        else:
            report = _sql_check(paths, max_errors)
        if report is not None:
            return CheckResult(report)
    return check.check_files(paths, input_format=input_format, encoding=encoding, max_errors=max_errors,
                             keep_events=keep_events, on_record=on_record, actors=registry, events=events,
                             warnings_per_code=warnings_per_code)


def _sql_check(paths: list[Path], max_errors: int | None) -> Report | None:
    """The streaming SQL engine's report of these files; None when it cannot answer for one of them."""
    report = Report(check="submission", max_errors=max_errors)
    seen = repeats.Repeats()  # refs and event_ids used twice, across all the files
    for path in paths:
        report.files.append(str(path))
        if not sql_engine.check_csv(path, report, seen=seen):
            return None
    report.extra["engine"] = "sql"
    return report

"""Cedar's Python API for the people who use the data: `open_release` on a downloaded release.

    import cedar
    release = cedar.open_release("cedar-data")          # the newest release in the folder
    table = release.events(country="Sudan", since="2024-01-01").to_arrow_table()
    counts = release.sql("SELECT event_type, count(*) AS n FROM events GROUP BY ALL")

A Release holds one in-memory DuckDB with the views of `cedar query --releases`
(cedar.releases.localrelease), locked down by cedar.validate.readonly: a statement given to `sql`
goes through the same read-only guard, row cap and time limit as the command. `events` builds its
filters with DuckDB's expression API, so a filter value is always a value, never SQL text.
The guide, with examples the tests run, is docs/python.md.
"""

from __future__ import annotations

import datetime as dt
import json
import weakref
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import duckdb

from cedar import extras, numbers, paths
from cedar.errors import InputError, UsageError
from cedar.releases import index as release_index
from cedar.releases import localrelease
from cedar.releases import version as versions
from cedar.releases.manifest import MANIFEST
from cedar.schema import countries, vocab
from cedar.validate import readonly

__all__ = ["Release", "Rows", "open_release"]

DEFAULT_MAX_ROWS = 100_000
DEFAULT_TIMEOUT = 60.0
DEFAULT_MEMORY = "2GB"

TARGET = readonly.Target(
    what="the release", command="Release.sql",
    refused="{kind} statements are refused.",
    refused_hint="A release never changes once published. Use Release.events() for a relation you can go on "
                 "transforming, or .arrow() / .df() on a result to keep it.",
    views_hint=localrelease.RELEASE.views_hint, timeout_option="timeout=",
    memory_option="open_release(..., memory_limit=)")


def open_release(path: str | Path, *, version: str | None = None, memory_limit: str = DEFAULT_MEMORY) -> Release:
    """A downloaded release: a release's folder (it holds manifest.json), the folder `cedar download
    --to` filled, or a release store (index.json): its newest release, or `version` (YYYY.MM.N)."""
    where = _as_path(path, "path")
    if not isinstance(memory_limit, str) or not memory_limit.strip():
        raise UsageError(f"memory_limit={memory_limit!r} is not a size.", "Give a size such as '500MB' or '4GB'.")
    try:
        return Release(_release_folder(where, version), memory_limit=memory_limit)
    except OSError as exc:  # a name too long, a folder that cannot be read: what the command line reports alike
        raise UsageError(f"Cannot open a release at {paths.describe([where])}: {exc.strerror or exc}.",
                         "Check the path and its permissions.") from None


def _as_path(value: Any, name: str) -> Path:
    if isinstance(value, Path):
        return value
    if isinstance(value, str) and value.strip():
        return Path(value).expanduser()
    raise UsageError(f"{name} must be a folder (str or pathlib.Path), not {value!r}.",
                     "Give the folder `cedar download --to` wrote, e.g. open_release('cedar-data').")


def _release_folder(path: Path, version: str | None) -> Path:
    if version is None:
        if (path / release_index.INDEX).is_file() and not (path / MANIFEST).is_file():
            latest = release_index.latest(path)  # the index, not the newest folder, says what is published
            if latest is None:
                raise UsageError(f"The release store {path} has published no release yet.",
                                 "Build one with `cedar release build`, or open another folder.")
            return _version_folder(path, latest["version"])
        return localrelease.find_release(path)
    if not isinstance(version, str) or not versions.is_version(version):
        raise UsageError(f"version={version!r} is not a release version.", "Give it as YYYY.MM.N, e.g. '2026.11.1'.")
    if (path / MANIFEST).is_file():
        found = _manifest(path).get("version")
        if found != version:
            raise UsageError(f"{path} holds release {found}, not {version}.",
                             "Open the folder that holds the releases, or leave version= out.")
        return path
    if (path / release_index.INDEX).is_file():
        release_index.find(path, version)  # an unpublished version says so, with the way to list them
    return _version_folder(path, version)


def _version_folder(path: Path, version: str) -> Path:
    folder = path / version
    if not (folder / MANIFEST).is_file():
        paths.folder(path, "release folder")
        raise UsageError(f"There is no release {version} in {path}.",
                         f"Download it first: cedar download {version} --releases URL --to {path}")
    return folder


def _manifest(folder: Path) -> dict[str, Any]:
    file = folder / MANIFEST
    try:
        data = json.loads(paths.input_file(file, "release manifest").read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        why = "it is nested too deep" if isinstance(exc, RecursionError) else str(exc)
        raise InputError(f"The manifest of the release in {folder} cannot be read: {why}.",
                         "Download the release again.") from None
    if not isinstance(data, dict):
        raise InputError(f"The manifest of the release in {folder} is not a JSON object.",
                         "Download the release again.")
    return data


@dataclass
class Rows:
    """The result of `Release.sql`: column names and rows (tuples), with `truncated` set when the
    query had more rows than `max_rows`. Convert with .arrow(), .df() (pandas) or .pl() (polars)."""

    columns: list[str]
    rows: list[tuple] = field(default_factory=list)
    truncated: bool = False

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]

    def arrow(self) -> Any:
        import pyarrow as pa

        return pa.table({name: [row[i] for row in self.rows] for i, name in enumerate(self.columns)})

    def df(self) -> Any:
        return extras.require("pandas").DataFrame.from_records(self.rows, columns=self.columns)

    def pl(self) -> Any:
        return extras.require("polars").from_arrow(self.arrow())


class Release:
    """One downloaded release, opened read-only. Close it with .close() or use it in a `with` block."""

    def __init__(self, folder: Path, *, memory_limit: str = DEFAULT_MEMORY) -> None:
        self.path = folder.resolve()
        self.manifest: dict[str, Any] = _manifest(self.path)
        self.version: str = str(self.manifest.get("version") or self.path.name)
        self._stack = ExitStack()
        try:
            spill = self._stack.enter_context(readonly.private_spill())
            self._con = localrelease.connect(self.path, memory_limit, spill)
            self._stack.callback(self._con.close)
        except BaseException:
            self._stack.close()
            raise
        self._memory_limit = memory_limit
        self._finalizer = weakref.finalize(self, self._stack.close)

    def __repr__(self) -> str:
        return f"<cedar Release {self.version} at {self.path}>"

    def __enter__(self) -> Release:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self._finalizer()

    @property
    def _connection(self) -> Any:
        if not self._finalizer.alive:
            raise UsageError(f"Release {self.version} is closed.", "Open it again with cedar.open_release().")
        return self._con

    @property
    def codebook(self) -> str:
        """The codebook (Markdown) the release was published with."""
        file = self.path / "codebook.md"
        if not file.is_file():
            raise InputError(f"The release in {self.path} has no codebook.md.",
                             "Download the whole release: cedar download VERSION --files all")
        return paths.input_file(file, "codebook").read_text(encoding="utf-8")

    @property
    def fields(self) -> dict[str, dict[str, Any]]:
        """The events table's columns as datapackage.json describes them: name -> {type, description, ...}."""
        file = self.path / "datapackage.json"
        try:
            package = json.loads(paths.input_file(file, "data package").read_text(encoding="utf-8"))
            resource = next(r for r in package["resources"] if r.get("name") == "events")
            return {f["name"]: f for f in resource["schema"]["fields"]}
        except (OSError, ValueError, KeyError, TypeError, StopIteration) as exc:
            raise InputError(f"The release's datapackage.json has no description of the events table ({exc}).",
                             "Download the whole release: cedar download VERSION --files all") from None

    def sql(self, query: str, *, max_rows: int | None = DEFAULT_MAX_ROWS, timeout: float | None = DEFAULT_TIMEOUT,
            params: Any = None) -> Rows:
        """One read-only statement over the release's views (events, event_actors, claims, sources and the
        release's tables): at most `max_rows` rows (None: all), stopped after `timeout` seconds (None: no
        limit). Statements that write, other files and extensions are refused, as in `cedar query`."""
        if not isinstance(query, str):
            raise UsageError(f"The query must be a string of SQL, not {type(query).__name__}.",
                             "Give one SELECT statement.")
        if params is not None:
            raise UsageError("Release.sql takes no parameters.",
                             "Filter with Release.events(country=..., since=...) and go on from its relation.")
        max_rows = _limit(max_rows, "max_rows")
        timeout = _seconds(timeout)
        with readonly.stream(self._connection, query, TARGET, timeout=timeout, memory_limit=self._memory_limit,
                             max_rows=max_rows) as result:
            rows = list(result.rows)
        return Rows(result.names, rows, result.cut)

    def events(self, *, country: str | Iterable[str] | None = None, since: Any = None, until: Any = None,
               event_type: str | Iterable[str] | None = None, actor: str | Iterable[str] | None = None) -> Any:
        """The release's events as a DuckDB relation, filtered: `country` (names or ISO3 codes), `since`
        and `until` (the event's date, inclusive), `event_type` (ACLED's types) and `actor` (actor1 or
        actor2, case-insensitive). Each accepts one value or a list. Call .arrow(), .df() (pandas),
        .pl() (polars) or .fetchall() on the result, or go on with .filter(), .aggregate(), ..."""
        rel = self._connection.table("events")
        for condition in event_filters(country=country, since=since, until=until, event_type=event_type,
                                       actor=actor):
            rel = rel.filter(condition)
        return rel


def event_filters(*, country: Any = None, since: Any = None, until: Any = None, event_type: Any = None,
                  actor: Any = None) -> list[Any]:
    """The DuckDB expressions of `Release.events`' filters, each value a constant (never SQL text)."""
    col, const = duckdb.ColumnExpression, duckdb.ConstantExpression
    out = []
    if country is not None:
        out.append(col("iso3").isin(*[const(code) for code in _countries(country)]))
    start, end = _day(since, "since"), _day(until, "until")
    if start and end and start > end:
        raise UsageError(f"since={start} is after until={end}.", "Give since= on or before until=.")
    if start:
        out.append(col("event_date") >= const(start))
    if end:
        out.append(col("event_date") <= const(end))
    if event_type is not None:
        out.append(col("event_type").isin(*[const(t) for t in _event_types(event_type)]))
    if actor is not None:
        names = [const(name.casefold()) for name in _texts(actor, "actor")]
        lower = duckdb.FunctionExpression
        out.append(lower("lower", col("actor1")).isin(*names) | lower("lower", col("actor2")).isin(*names))
    return out


def _texts(value: Any, name: str) -> list[str]:
    """One string or a list of them, none empty."""
    items = [value] if isinstance(value, str) else value
    try:
        items = list(items)
    except TypeError:
        items = [value]
    bad = [v for v in items if not isinstance(v, str) or not v.strip()]
    if bad or not items:
        raise UsageError(f"{name}= must be a non-empty string or a list of them, not {bad[0] if bad else value!r}.",
                         f"For example {name}={_EXAMPLES[name]!r}.")
    return [v.strip() for v in items]


_EXAMPLES = {"country": "Sudan", "event_type": "Battles", "actor": "Rapid Support Forces"}


def _countries(value: Any) -> list[str]:
    """ISO3 codes of country names or codes; an unknown one is refused with the way to list them."""
    codes = []
    for text in _texts(value, "country"):
        code = text.upper() if len(text) == 3 and countries.is_iso3(text.upper()) else countries.code_for_name(text)
        if code is None:
            raise UsageError(f"country={text!r} is neither a country's name nor its ISO 3166-1 alpha-3 code.",
                             "Give a name such as 'Sudan' or a code such as 'SDN'; the release's countries are "
                             "listed by release.sql('SELECT DISTINCT country, iso3 FROM events').")
        codes.append(code)
    return codes


def _event_types(value: Any) -> list[str]:
    known = {t.casefold(): t for t in vocab.SUB_EVENT_TYPES}
    out = []
    for text in _texts(value, "event_type"):
        if text.casefold() not in known:
            raise UsageError(f"event_type={text!r} is not one of ACLED's event types.",
                             "Give one of: " + ", ".join(vocab.SUB_EVENT_TYPES) + ".")
        out.append(known[text.casefold()])
    return out


def _day(value: Any, name: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise UsageError(f"{name}={value!r} is not a date.", f"Give it as 'YYYY-MM-DD' or a datetime.date, e.g. "
                     f"{name}='2024-01-31'.")


def _limit(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UsageError(f"{name}={value!r} is not a number of rows.", f"Give a whole number, or {name}=None for all.")
    return value or None


def _seconds(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UsageError(f"timeout={value!r} is not a number of seconds.", "Give seconds, e.g. timeout=30, or None.")
    return numbers.seconds(float(value), "timeout=", zero_means_none=True) or None

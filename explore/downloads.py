"""Downloads of a view or a query's result as CSV, JSON or Parquet, each carrying the release
version and the query that made it: CSV in comment lines before the header (`# release: ...`,
`# query: ...`), JSON in its head, Parquet in the file's key-value metadata (`cedar.release`,
`cedar.query`). Rows stream from the query as they are written, except Parquet, written at the end."""

from __future__ import annotations

import datetime as dt
import io
import json
from contextlib import ExitStack
from typing import Any, Iterator

from cedar.errors import UsageError
from cedar.releases import csvsafe

from .reader import Reader

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json", "parquet": "application/vnd.apache.parquet"}
BATCH = 5000
TIMEOUT = 300.0  # seconds a download may run and stream


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return csvsafe.neutralise("; ".join("" if v is None else str(v) for v in value))
    if isinstance(value, str):
        return csvsafe.neutralise(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _csv(names: list[str], rows: Iterator[tuple], version: str, sql: str) -> Iterator[bytes]:
    buf = io.StringIO()
    out = csvsafe.writer(buf)
    buf.write(f"# release: {version}\n# query: {_one_line(sql)}\n")
    out.writerow(names)
    n = 0
    for row in rows:
        out.writerow([_cell(v) for v in row])
        n += 1
        if n % BATCH == 0:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode("utf-8")


def _json(names: list[str], rows: Iterator[tuple], version: str, sql: str) -> Iterator[bytes]:
    from .queries import jsonable

    head = json.dumps({"release": version, "query": sql, "columns": names}, ensure_ascii=False)
    yield (head[:-1] + ', "rows": [\n').encode("utf-8")
    first = True
    for row in rows:
        yield (("" if first else ",\n") + json.dumps(jsonable(list(row)), ensure_ascii=False)).encode("utf-8")
        first = False
    yield b"\n]}\n"


def _parquet(session: Any, reader: Any, sql: str, max_rows: int) -> Iterator[bytes]:
    """The result as one Parquet file: Arrow batches from DuckDB written as they come (no row becomes a
    Python object), so memory holds the compressed file and one batch."""
    # pyarrow's Parquet writer is heavy: imported only when a Parquet download is asked for
    import pyarrow.parquet as pq

    schema = reader.schema.with_metadata({"cedar.release": session.version, "cedar.query": sql})
    sink = io.BytesIO()
    left = max_rows
    with session.interrupted_after(TIMEOUT), pq.ParquetWriter(sink, schema) as writer:
        for batch in reader:
            if left <= 0:
                break
            batch = batch.slice(0, left)
            left -= batch.num_rows
            writer.write_batch(batch)
    yield sink.getvalue()


def open_download(reader: Reader, version: str | None, sql: str, fmt: str) -> tuple[Iterator[bytes], str, str]:
    """The body (bytes as they are made), its media type and a file name; a query that is refused or
    fails raises before anything is sent."""
    if fmt not in FORMATS:
        raise UsageError(f"The download format {fmt!r} is not known.", "Choose csv, json or parquet.")
    stack = ExitStack()
    try:
        session = stack.enter_context(reader.session(version))
        if fmt == "parquet":
            batches = session.arrow(sql, TIMEOUT)
            result = None
        else:
            result = stack.enter_context(session.stream(sql, reader.limits.download_rows, timeout=TIMEOUT))
    except BaseException:
        stack.close()
        raise
    name = f"cedar-{session.version}.{fmt}"

    def body() -> Iterator[bytes]:
        with stack:
            if result is None:
                yield from _parquet(session, batches, sql, reader.limits.download_rows)
            elif fmt == "csv":
                yield from _csv(result.names, result.rows, session.version, sql)
            else:
                yield from _json(result.names, result.rows, session.version, sql)

    return body(), FORMATS[fmt], name

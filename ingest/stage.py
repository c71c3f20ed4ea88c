"""Staging a checked submission: its events, claims, sources and documents as Arrow tables, loaded
into temporary DuckDB tables with the store's own column types, so that everything after this
(ids, updates, history, duplicates) is set work in SQL.
"""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath
from typing import Any

from cedar.schema import flat
from cedar.schema.model import Claim, Source
from cedar.schema.tables import EVENT_COLUMNS, TABLES

ROW_COLUMNS = [("row_no", "INTEGER"), ("file", "VARCHAR"), ("row", "INTEGER"), ("change", "VARCHAR")]
STAGE_TABLES = {
    "stage_events": ROW_COLUMNS + EVENT_COLUMNS,
    "stage_claims": [("row_no", "INTEGER"), ("claim_no", "INTEGER"), *flat.duckdb_columns(Claim)],
    "stage_sources": [("row_no", "INTEGER"), ("source_no", "INTEGER"), *flat.duckdb_columns(Source)],
    "stage_documents": [c for c in TABLES["documents"][0] if c[0] in ("sha256", "name", "text", "bytes")],
}


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _document_path(file: Path, name: str) -> Path | None:
    rel = PurePosixPath(name.replace("\\", "/"))
    if rel.is_absolute() or ".." in rel.parts:
        return None
    return (file.parent / rel).resolve()


CHUNK = 20_000


def build(checked: list[Any], documents: dict[Path, str], chunk: int = CHUNK,
          numbers: list[int] | None = None) -> dict[str, Any]:
    """Arrow tables of the checked events (`CheckResult.events`) and the documents they cite, built a
    chunk of rows at a time so that the rows as Python dicts never all exist at once. The events'
    row_no counts from 1, or is taken from `numbers` (stage_csv stages a few rows of a file this way)."""
    import pyarrow as pa  # heavy: paid by an ingest only

    schemas = {
        "stage_events": pa.unify_schemas([pa.schema([("row_no", pa.int64()), ("file", pa.string()),
                                                     ("row", pa.int64()), ("change", pa.string())]),
                                          flat.arrow_schema()]),
        "stage_claims": pa.unify_schemas([pa.schema([("row_no", pa.int64()), ("claim_no", pa.int64())]),
                                          flat.arrow_schema(Claim)]),
        "stage_sources": pa.unify_schemas([pa.schema([("row_no", pa.int64()), ("source_no", pa.int64())]),
                                           flat.arrow_schema(Source)]),
    }
    batches: dict[str, list[Any]] = {name: [] for name in schemas}
    for start in range(0, len(checked), chunk):
        rows = _rows(checked[start:start + chunk], start, documents,
                     numbers[start:start + chunk] if numbers is not None else None)
        for name, schema in schemas.items():
            batches[name].append(pa.RecordBatch.from_pylist(rows[name], schema=schema))
    tables = {name: pa.Table.from_batches(batches[name], schema=schema) for name, schema in schemas.items()}
    docs = [{"sha256": sha256_text(text), "name": path.name, "text": text, "bytes": len(text.encode("utf-8"))}
            for path, text in documents.items()]
    tables["stage_documents"] = pa.Table.from_pylist(docs, schema=pa.schema(
        [("sha256", pa.string()), ("name", pa.string()), ("text", pa.string()), ("bytes", pa.int64())]))
    return tables


def _rows(checked: list[Any], offset: int, documents: dict[Path, str],
          numbers: list[int] | None = None) -> dict[str, list[dict[str, Any]]]:
    events, claims, sources = [], [], []
    for row_no, item in zip(numbers or range(offset + 1, offset + len(checked) + 1), checked):
        row, source_rows, claim_rows = flat.to_flat(item.event, str(row_no))
        row.update(row_no=row_no, file=str(item.file), row=item.row, change=None)
        row["timestamp"] = None  # the store gives it
        events.append(row)
        for no, c in enumerate(claim_rows, start=1):
            c.update(row_no=row_no, claim_no=no)
            claims.append(c)
        for no, s in enumerate(source_rows, start=1):
            s.update(row_no=row_no, source_no=no)
            if s.get("document") and not s.get("document_sha256"):
                path = _document_path(item.file, s["document"])
                text = documents.get(path) if path else None
                if text is not None:
                    s["document_sha256"] = sha256_text(text)
            sources.append(s)
    return {"stage_events": events, "stage_claims": claims, "stage_sources": sources}


def load(con: Any, tables: dict[str, Any], received: Any = None, submission_id: str | None = None) -> None:
    """Temporary tables with the store's types, filled by column name from the Arrow tables, or lists of
    Arrow tables and Parquet files. An event row without an event_id is marked 'added' as it is read,
    with version 1, `received` and `submission_id`; one with an id 'updated' (the store decides later
    whether it changed anything)."""
    # set as the rows are read, not by UPDATE: a transaction keeps every updated cell, which DuckDB
    # cannot spill (some 25 MB a column per million rows; the store's transaction of 5M rows ran out)
    new = ("CASE WHEN event_id IS NULL THEN 'added' ELSE 'updated' END AS change, "
           "CASE WHEN event_id IS NULL THEN 1 ELSE version END AS version, "
           "CASE WHEN event_id IS NULL THEN $received ELSE timestamp END AS timestamp, "
           "CASE WHEN event_id IS NULL THEN $submission ELSE submission_id END AS submission_id")
    marks = {"received": received, "submission": submission_id}
    for name, columns in STAGE_TABLES.items():
        body = ", ".join(f'"{c}" {t}' for c, t in columns)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({body})")
        select, params = (f"SELECT * REPLACE ({new})", marks) if name == "stage_events" else ("SELECT *", {})
        parts = tables[name] if isinstance(tables[name], list) else [tables[name]]
        files = [str(p) for p in parts if isinstance(p, Path)]
        if files:  # an ingest's spool (cedar.ingest.spool): DuckDB reads them a row group at a time; by name,
            # since DuckDB's files and pyarrow's (the row engine's events) order and type the columns apart
            con.execute(f"INSERT INTO {name} BY NAME {select} FROM read_parquet($files, union_by_name = true)",
                        {**params, "files": files})
        for table in parts:
            if isinstance(table, Path):
                continue
            con.register(f"{name}_arrow", table)
            con.execute(f"INSERT INTO {name} BY NAME {select} FROM {name}_arrow", params)
            con.unregister(f"{name}_arrow")

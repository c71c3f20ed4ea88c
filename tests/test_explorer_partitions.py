"""`cedar serve` on a partitioned release (one Parquet file per table and year, no single files):
the page's filters, table, time series, map, event page, SQL box and downloads read the partitions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Iterator

import duckdb
import pytest
from release_support import ingest_store

from cedar.sample_data import SAMPLE_DIR, SEED_DOCUMENT

TABLES = ("events", "claims", "sources", "actors")


def partition(folder: Path) -> None:
    """Lay a single-file release out in partitions by the year of its events' dates, as
    `cedar release build --partition always` does, and remove its single files."""
    con = duckdb.connect()
    ev = f"read_parquet('{folder / 'events.parquet'}')"
    parts: list[dict[str, Any]] = []
    years = [y for (y,) in con.execute(f"SELECT DISTINCT year(event_date) FROM {ev} ORDER BY 1").fetchall()]
    for table in TABLES:
        single = folder / f"{table}.parquet"
        for year in years:
            rel = f"{table}/year={year}/{table}-{year}.parquet"
            (folder / rel).parent.mkdir(parents=True)
            rows = (f"SELECT * FROM {ev} WHERE year(event_date) = {year}" if table == "events" else
                    f"SELECT t.* FROM read_parquet('{single}') t SEMI JOIN {ev} e ON e.event_id = t.event_id "
                    f"AND year(e.event_date) = {year}")
            con.execute(f"COPY ({rows}) TO '{folder / rel}' (FORMAT parquet)")
            n = con.execute(f"SELECT count(*) FROM read_parquet('{folder / rel}')").fetchone()[0]
            parts.append({"table": table, "path": rel, "year": year, "month": None, "rows": n})
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for table in TABLES:
        for ext in ("parquet", "csv"):
            (folder / f"{table}.{ext}").unlink(missing_ok=True)
            manifest["files"].pop(f"{table}.{ext}", None)
    (folder / "events-acled.csv").unlink(missing_ok=True)
    manifest["files"].pop("events-acled.csv", None)
    manifest["layout"] = "partitioned"
    manifest["partitions"] = sorted(parts, key=lambda p: p["path"])
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    from cedar.releases.build import build_release

    root = tmp_path_factory.mktemp("partitioned")
    shutil.copy(SAMPLE_DIR / SEED_DOCUMENT, root / SEED_DOCUMENT)
    assert build_release("2026.11.1", ingest_store(root / "cedar.duckdb"), root / "releases").passed
    folder = root / "releases" / "2026.11.1"
    partition(folder)
    assert (folder / "events").is_dir() and not (folder / "events.parquet").exists()
    return folder


@pytest.fixture(scope="module")
def base(release) -> Iterator[str]:
    from cedar.explore import server
    from cedar.explore.app import make_app
    from cedar.explore.catalog import open_catalog

    with server.background(make_app(open_catalog(release))) as url:
        yield url


def get(base: str, path: str) -> Any:
    import urllib.request

    with urllib.request.urlopen(base + path, timeout=30) as r:
        body = r.read()
        return json.loads(body) if r.headers.get("content-type", "").startswith("application/json") else body


def test_the_page_reads_a_partitioned_release(base):
    meta = get(base, "/api/meta")
    assert meta["events"] == 6
    facets = get(base, "/api/facets?country=Azerbaijan")
    assert facets["total"]["events"] == 6
    assert get(base, "/api/facets?q=KARABAKH")["total"]["events"] >= 1
    assert len(get(base, "/api/events")["rows"]) == 6
    assert sum(r[1] for r in get(base, "/api/timeseries?unit=month")["rows"]) == 6
    assert sum(r[0] for r in get(base, "/api/map")["rows"]) == 6


def test_an_event_page_holds_its_claims_and_sources_from_the_partitions(base):
    event = get(base, "/api/event/CDR-AZE-1")
    assert event["event"]["event_id"] == "CDR-AZE-1" and event["claims"] and event["sources"]


def test_the_sql_box_and_downloads_read_the_partitions(base):
    assert get(base, "/api/sql?sql=SELECT%20count(*)%20AS%20n%20FROM%20events")["rows"] == [[6]]
    body = get(base, "/api/download?format=csv&country=Azerbaijan")
    assert body.count(b"\nCDR-AZE-") == 6


def test_the_release_page_lists_the_partitions(base):
    page = get(base, "/api/release")
    assert page["manifest"]["layout"] == "partitioned"
    assert "events/year=2023/events-2023.parquet" in {p["path"] for p in page["manifest"]["partitions"]}

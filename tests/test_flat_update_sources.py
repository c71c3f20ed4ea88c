"""An event updated from a flat row (its sources by name only, as in a release's events.csv) keeps the
details the store holds for those sources: url, scale, kind, document and its hash, and a source_scale
that agrees with them; without a claims table, it keeps its claims. A source_scale that contradicts
the stored sources refuses the row."""

from __future__ import annotations

import copy
import csv
from pathlib import Path

import pytest
from store_helpers import init, query, seed_events, write_events

from cedar.ingest.load import ingest
from cedar.schema import flat
from cedar.schema.model import Event

URL = "https://www.reuters.com/world/karabakh-2023-09-19/"


def _rich_store(tmp: Path) -> tuple[Path, dict]:
    """A store holding the seed's second event, its source with url, scale, kind and document."""
    db = tmp / "store.duckdb"
    init(db)
    event = copy.deepcopy(seed_events()[1])
    event["sources"][0]["url"] = URL
    outcome = ingest(db, [write_events(tmp, "rich.json", [event])])
    assert not outcome.refused, [p.message for p in outcome.report.problems]
    return db, event


def _flat_update(tmp: Path, event: dict, **changes) -> Path:
    """The event as one flat row naming event CDR-AZE-1, with `changes`: no companion tables."""
    row, _, _ = flat.to_flat(Event.model_validate(event), "x")
    row.update(event_id="CDR-AZE-1", version=1, timestamp=None, ref=None, **changes)
    kinds = flat.column_kinds()
    path = tmp / "update" / "edited.csv"
    path.parent.mkdir()
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(flat.event_columns())
        w.writerow([flat.format_cell(kinds[c], row.get(c)) for c in flat.event_columns()])
    return path


def _sources(db: Path) -> list[dict]:
    return query(db, "SELECT name, url, published, scale, kind, document, document_sha256 FROM sources "
                     "WHERE event_id = 'CDR-AZE-1' ORDER BY source_no")


@pytest.mark.parametrize("fast_threshold", [0, 1 << 40], ids=["sql-engine", "row-engine"])
def test_a_flat_update_keeps_the_stored_source_details(tmp_path, fast_threshold):
    db, event = _rich_store(tmp_path)
    before = _sources(db)
    assert before[0]["url"] == URL and before[0]["document"] and before[0]["scale"] == "international"
    path = _flat_update(tmp_path, event, fatalities=3)
    outcome = ingest(db, [path], fast_threshold=fast_threshold)
    assert not outcome.refused, [p.message for p in outcome.report.problems]
    assert outcome.counts["updated"] == 1
    [current] = query(db, "SELECT version, fatalities, source_scale FROM events WHERE event_id = 'CDR-AZE-1'")
    assert current == {"version": 2, "fatalities": 3, "source_scale": "international"}
    assert _sources(db) == before
    assert query(db, "SELECT count(*) AS n FROM claims WHERE event_id = 'CDR-AZE-1'") == [{"n": len(event["claims"])}]


def test_a_claims_table_of_a_header_alone_removes_the_claims(tmp_path):
    db, event = _rich_store(tmp_path)
    path = _flat_update(tmp_path, event)
    path.with_name("edited.claims.csv").write_text(",".join(flat.CLAIM_COLUMNS) + "\n", encoding="utf-8")
    outcome = ingest(db, [path])
    assert not outcome.refused and outcome.counts["updated"] == 1
    assert query(db, "SELECT count(*) AS n FROM claims WHERE event_id = 'CDR-AZE-1'") == [{"n": 0}]


def test_an_unedited_flat_row_changes_nothing(tmp_path):
    db, event = _rich_store(tmp_path)
    outcome = ingest(db, [_flat_update(tmp_path, event)])
    assert not outcome.refused and outcome.counts["unchanged"] == 1, outcome.counts


def test_a_flat_update_may_add_a_source_by_name(tmp_path):
    db, event = _rich_store(tmp_path)
    outcome = ingest(db, [_flat_update(tmp_path, event, sources=["Reuters", "AFP"])])
    assert not outcome.refused, [p.message for p in outcome.report.problems]
    reuters, afp = _sources(db)
    assert reuters["url"] == URL and reuters["scale"] == "international"
    assert afp["name"] == "AFP" and afp["url"] is None and afp["scale"] is None


def test_a_source_scale_contradicting_the_stored_sources_is_refused(tmp_path):
    db, event = _rich_store(tmp_path)
    outcome = ingest(db, [_flat_update(tmp_path, event, source_scale="national", fatalities=3)])
    assert outcome.refused
    [p] = [p for p in outcome.report.problems if p.code == "source-scale-mismatch"]
    assert (p.row, p.field, p.value) == (2, "source_scale", "national")
    assert "'international'" in p.message
    assert query(db, "SELECT version FROM events WHERE event_id = 'CDR-AZE-1'") == [{"version": 1}]

"""An ACLED import writes each event's JSON Lines text from the JSON text of the parts a file repeats (dates,
labels, actors, place, sources), made once per distinct part, and of the row's own values: the text must be
the very one the JSON encoder gives for the event's data, escapes, non-ASCII text and numbers included."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from cedar.ingest.importers import acled, import_file, store_sync
from cedar.ingest.importers.submission_files import Encoded, number_json

# Cells a row's own text may hold: quotes, backslashes, tabs, non-ASCII letters, a character beyond the BMP.
TRICKY = ['Said "no" \\ then left', "Tab\there, café, 東京, 🙂", "ends with a backslash \\", "<b>&amp;</b>\u2028"]


def tricky_export(path: Path) -> Path:
    from benchmarks.fixtures import acled_csv

    acled_csv(path, 40)
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    for i, row in enumerate(rows[1:]):
        row[header.index("notes")] = TRICKY[i % len(TRICKY)]
        row[header.index("tags")] = "crowd size=no report; ünïcode tag" if i % 3 == 0 else ""
        row[header.index("actor1")] = row[header.index("actor1")].replace("Protesters", "Protesters «grève»")
        row[header.index("latitude")] = ("1e-05", "-0.0", "12.0", "9.025")[i % 4]
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def test_mapped_rows_carry_the_encoders_text(tmp_path: Path):
    mapped = [m for m in acled.read(tricky_export(tmp_path / "tricky.csv")) if m.data is not None]
    assert len(mapped) == 40
    for m in mapped:
        assert type(m.data) is Encoded
        assert m.data.json == json.dumps(dict(m.data), ensure_ascii=False)


def test_written_lines_are_the_encoders_text(tmp_path: Path):
    result = import_file("acled", tricky_export(tmp_path / "tricky.csv"))
    assert result.events
    result.write_jsonl(tmp_path / "out.jsonl")
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines == [json.dumps(dict(e.data), ensure_ascii=False) for e in result.events]
    assert any("東京" in line for line in lines)  # written as it is, not escaped


def test_an_update_puts_the_event_id_in_front_of_the_rows_text(tmp_path: Path):
    """A row the store holds under the same external id gets its event_id in front (an update): the spooled
    text becomes the encoder's text of the new dict, the other rows stay as they were."""
    result = import_file("acled", tricky_export(tmp_path / "tricky.csv"))
    before = [e.data for e in result.events]
    store_sync._respool(result, set(), {0: "CDR-ETH-1"})
    result.write_jsonl(tmp_path / "out.jsonl")
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines[0] == json.dumps({"event_id": "CDR-ETH-1", **before[0]}, ensure_ascii=False)
    assert lines[1:] == [json.dumps(d, ensure_ascii=False) for d in before[1:]]


def test_numbers_as_the_encoder_writes_them():
    for value in (1e-05, -0.0, 12.0, 9.025, 1e16, 123456789.123, float("nan"), float("inf"), float("-inf")):
        assert number_json(value) == json.dumps(value)

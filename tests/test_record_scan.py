"""Where the records of a CSV start (cedar.validate.record_scan), against a byte-by-byte reading of the
same rule: a record ends at a newline outside quotes; empty and lone-"\\r" records are skipped."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cedar.validate import record_scan

PIECES = ["a,b\n", "\n", "\r\n", "\r", '"x\ny",z\n', "1,2\r\n", '"q""",3\n', "4,5", '""\n']


def _by_hand(data: bytes) -> list[tuple[int, int]]:
    """(start, first line) of each non-empty record, one byte at a time."""
    out, start, quotes = [], 0, 0
    for i, byte in enumerate(data + b"\n"):
        if byte == ord('"'):
            quotes += 1
        elif byte == ord("\n") and quotes % 2 == 0:
            if data[start:i] not in (b"", b"\r"):
                out.append((start, data.count(b"\n", 0, start) + 1))
            start = i + 1
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.sampled_from(PIECES), max_size=14), block=st.sampled_from([3, 7, 1 << 20]))
def test_record_starts_are_those_of_a_byte_by_byte_reading(tmp_path, monkeypatch, parts, block):
    monkeypatch.setattr(record_scan, "_BLOCK", block)  # records that cross the scan's blocks
    path = tmp_path / "f.csv"
    data = "".join(parts).encode()
    path.write_bytes(data)
    starts, lines = record_scan.record_starts(path)
    assert list(zip(starts.tolist(), lines.tolist())) == _by_hand(data)


def test_a_file_of_only_empty_lines_has_no_records(tmp_path: Path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"\n\r\n\r\n")
    starts, lines = record_scan.record_starts(path)
    assert starts.tolist() == [] and lines.tolist() == []

"""`cedar import acled` gives the same answers, byte for byte, as the expected outputs stored beside the
fixtures in tests/data/acled: the JSON Lines submission, the flat CSV submission with its companion tables,
and every problem of the report (refusals and warnings, with rows, fields, values and messages). The
expected files were written by the importer before its mapping and checking were made faster; a change of
answer must be deliberate: regenerate them with `python tests/test_import_acled_answers.py` and review the diff.

`acled-quirks.csv` holds invented rows with the quirks of real exports: misspelled and lower-case labels,
inter codes as labels and as '1.0', ACLED's other date forms, a year that disagrees, unknown regions and
countries, combined and unknown source scales, derived fields that disagree, points outside their country,
an actor coded with two types, a duplicate id, rows with too few and too many cells, a stray quote, a quoted
note over three lines, a blank row and a last row cut off and padded to the header's width."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest
from conftest import ACLED, ACLED_PRE2023, DATA

from cedar.ingest.importers import import_file

QUIRKS = DATA / "acled" / "acled-quirks.csv"
CASES = {"quirks": QUIRKS, "argentina": ACLED, "argentina-pre2023": ACLED_PRE2023}
EXPECTED = DATA / "acled" / "expected"
# The benchmark's generator (benchmarks.fixtures.acled_csv, seed 1) at 3,000 rows: the sha256 of the JSON Lines
# and of the report's problems, as the files would be too large to store.
BENCH_ROWS = 3000


def problems_of(result) -> str:
    """The report's problems as JSON Lines, the file named by its name only (the test's folder varies)."""
    lines = []
    for p in result.report.problems:
        d = p.to_dict()
        d["file"] = Path(d["file"]).name if d["file"] else None
        lines.append(json.dumps(d, ensure_ascii=False, sort_keys=True))
    lines.append(json.dumps({"rows_read": result.rows_read, "imported": result.imported,
                             "refused": {str(k): v for k, v in sorted(result.refused.items())}}, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def outputs(path: Path, work: Path, strict: bool = False) -> dict[str, bytes]:
    """Every output of importing `path`: the JSON Lines, the flat CSV and its companions, the problems."""
    result = import_file("acled", path, strict=strict)
    out: dict[str, bytes] = {}
    result.write_jsonl(work / "out.jsonl")
    out["jsonl"] = (work / "out.jsonl").read_bytes()
    for written in result.write(work / "out.csv"):
        out[written.name.replace("out.", "flat.")] = written.read_bytes()
    out["problems.jsonl"] = problems_of(result).encode("utf-8")
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_acled_import_answers_as_stored(tmp_path: Path, case: str):
    got = outputs(CASES[case], tmp_path)
    for name, data in got.items():
        expected = (EXPECTED / f"{case}.{name}").read_bytes()
        assert data == expected, f"{case}.{name} differs from the stored answer"


def test_acled_strict_import_refuses_as_stored(tmp_path: Path):
    result = import_file("acled", QUIRKS, strict=True)
    assert result.imported == 0
    assert problems_of(result).encode("utf-8") == (EXPECTED / "quirks-strict.problems.jsonl").read_bytes()


def bench_digests(work: Path) -> dict[str, str]:
    from benchmarks.fixtures import acled_csv

    src = acled_csv(work / "bench.csv", BENCH_ROWS)
    result = import_file("acled", src)
    result.write_jsonl(work / "bench.jsonl")
    return {"jsonl": hashlib.sha256((work / "bench.jsonl").read_bytes()).hexdigest(),
            "problems": hashlib.sha256(problems_of(result).encode("utf-8")).hexdigest()}


def test_acled_benchmark_rows_import_as_stored(tmp_path: Path):
    expected = json.loads((EXPECTED / "bench-3000.sha256.json").read_text(encoding="utf-8"))
    assert bench_digests(tmp_path) == expected


def regenerate() -> None:
    import tempfile

    EXPECTED.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for case, path in CASES.items():
            for name, data in outputs(path, work).items():
                (EXPECTED / f"{case}.{name}").write_bytes(data)
        strict = import_file("acled", QUIRKS, strict=True)
        (EXPECTED / "quirks-strict.problems.jsonl").write_bytes(problems_of(strict).encode("utf-8"))
        (EXPECTED / "bench-3000.sha256.json").write_text(json.dumps(bench_digests(work), indent=1) + "\n",
                                                        encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    regenerate()


def _varied_records() -> list[dict]:
    """Mapped rows of the three datasets' files, and the seed's events with planted faults: documents, evidence,
    claims and wrong derived fields among them."""
    import copy

    from conftest import GDELT, GED

    from cedar.ingest.importers import acled, gdelt, ucdp
    from cedar.sample_data import SAMPLE_DIR, SEED_SUBMISSION

    out = [m.data for reader, path in ((acled.read, QUIRKS), (ucdp.read, GED), (gdelt.read, GDELT))
           for m in reader(path) if m.data]
    for event in json.loads((SAMPLE_DIR / SEED_SUBMISSION).read_text(encoding="utf-8")):
        out.append(event)
        for change in ({"interaction": 99}, {"event_date": "2999-01-01"}, {"licensor": "ACLED"},
                       {"iso3": "XYZ"}, {"region": "Atlantis"}, {"verification_status": "verified"},
                       {"fatalities_low": 9, "fatalities_high": 1}, {"sources": []},
                       # pairs differing in one value a shared rule reads: answers kept for one are wrong for the other
                       {"event_type": "Protests", "sub_event_type": "Peaceful protest", "fatalities": 3},
                       {"event_type": "Protests", "sub_event_type": "Peaceful protest", "fatalities": 0},
                       {"actor2": None, "inter2": 3}, {"actor2": None, "inter2": 0}, {"country": "Narnia"},
                       {"event_date_end": "2000-01-01"}, {"external_ids": ["acled:X1"]},
                       {"external_ids": ["ucdp-ged:1"]}):
            out.append({**copy.deepcopy(event), **change})
    return out


def test_shared_rules_find_what_every_rule_finds_on_every_row():
    """The rules answered once per distinct values (an import's check) report exactly the problems, in the same
    order, as the row engine running every rule on every row."""
    from cedar.sample_data import SAMPLE_DIR, SEED_DOCUMENT
    from cedar.schema.rules import Context
    from cedar.validate.rows import Shared, validate_record

    records = _varied_records()
    docs = {SEED_DOCUMENT: (SAMPLE_DIR / SEED_DOCUMENT).read_text(encoding="utf-8")}
    shared, ctx, plain_ctx = Shared(), Context(documents=docs), Context(documents=docs)
    for twice in range(2):  # the second time every answer comes from what the first kept
        for i, data in enumerate(records):
            where = {"file": "f", "row": i, "line": i}
            plain = validate_record(copy_of(data), plain_ctx, where, build=False)[1]
            fast = validate_record(copy_of(data), ctx, where, build=False, shared=shared)[1]
            assert [p.to_dict() for p in fast] == [p.to_dict() for p in plain], (twice, i)
    assert len(shared._found["labels"]) < len(records) / 2  # answered once for many rows


def copy_of(data: dict) -> dict:
    return json.loads(json.dumps(data, default=str))

"""Fuzzing `cedar check`, `cedar ingest` and every importer.

The rule for every case: an exit code of 0, 1 or 2, never a traceback, never a hang (each case
is bounded by a deadline that kills the process), and always a report or a clear `Error:` line.

Cases come from two sources:
- hypothesis strategies that build nested submissions from the seed's events, valid or with
  faults of every kind (a field deleted, a value of the wrong type or outside its vocabulary,
  NaN and huge numbers, broken sources and claims, unknown fields, duplicate refs);
- byte-level mutations (tests/reliability/mutate.py) of real files: the bundled seed as JSON,
  JSON Lines, CSV with its companion and Parquet, the peer files in tests/data, and
  a deletion list; plus the fixed giants (1 MB cells, 10,000 columns, 100,000-deep JSON).

Size: a few dozen cases in `make test`; CEDAR_RELIABILITY=full (make reliability) runs
thousands. The cases run in a long-lived worker process (tests/reliability/worker.py).
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import time
from pathlib import Path

import pytest
from conftest import ACLED, GDELT, GED, REPO, run_cedar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability import mutate
from reliability.scale import FULL, record, size
from reliability.worker import Worker

from cedar.sample_data import SAMPLE_DIR, SEED_DOCUMENT, SEED_SUBMISSION

CASE_SECONDS = 60.0  # the bound on one file, enforced by killing the worker
SEED = json.loads((SAMPLE_DIR / SEED_SUBMISSION).read_text(encoding="utf-8"))
COUNTS: dict[str, int] = {}


def _count(kind: str, n: int = 1) -> None:
    COUNTS[kind] = COUNTS.get(kind, 0) + n


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A folder with the base files, a store, and a worker running there."""
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copy(SAMPLE_DIR / SEED_DOCUMENT, root / SEED_DOCUMENT)
    proc = run_cedar("init", "--db", str(root / "fuzz.duckdb"))
    assert proc.returncode == 0, proc.stderr
    worker = Worker(root)
    yield root, worker
    worker.close()


def assert_rule(res) -> None:  # noqa: ANN001
    """Never a traceback or a hang; always a report (JSON) or a clear error."""
    assert res.ok(), res.why()
    if res.code == 0:
        return
    text = res.stdout.strip()
    report = None
    if text.startswith("{"):
        report = json.loads(text)
    if report is not None and report.get("problems"):
        for p in report["problems"]:
            assert p.get("code") and p.get("message"), p
        return
    assert res.stderr.startswith("Error: "), res.why()
    assert len(res.stderr.splitlines()[0]) > 20, res.why()


# --- hypothesis: submissions built from the model -----------------------------------------------

FIELDS = sorted({k for e in SEED for k in e})
REQUIRED = ("event_date", "event_type", "sub_event_type", "actor1", "country", "sources")
ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**30, max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40),
    st.sampled_from(["", " ", "2023-02-30", "9999-12-31", "0001-01-01", "1900-01-01", "yesterday", "Battles",
                     "Armed clash", "AZE", "ZZZ", "verified", "disputed", "unknown", "-1", "1e9", "NaN", "\u202e",
                     "=HYPERLINK(\"http://x\")", "Ünïcödé", "\x00", "a" * 5000]),
    st.lists(st.text(max_size=8), max_size=3),
    st.dictionaries(st.text(max_size=6), st.text(max_size=6), max_size=2),
)


@st.composite
def submissions(draw):
    """(events, faults): events from the seed, some changed; `faults` names what was done."""
    picks = draw(st.lists(st.integers(0, len(SEED) - 1), min_size=1, max_size=6))
    events, faults = [], []
    for n, i in enumerate(picks):
        ev = json.loads(json.dumps(SEED[i]))
        ev["ref"] = f"fuzz-{n}"
        for _ in range(draw(st.integers(0, 3))):
            kind = draw(st.sampled_from(["drop", "value", "value", "unknown-field", "sources", "claims",
                                         "duplicate-ref", "event-id"]))
            if kind == "drop":
                f = draw(st.sampled_from(FIELDS))
                ev.pop(f, None)
                faults.append(f"drop:{f}")
            elif kind == "value":
                f = draw(st.sampled_from(FIELDS))
                ev[f] = draw(ODD_VALUES)
                faults.append(f"value:{f}")
            elif kind == "unknown-field":
                ev[draw(st.text(min_size=1, max_size=10))] = draw(ODD_VALUES)
                faults.append("unknown-field")
            elif kind == "sources":
                ev["sources"] = draw(st.one_of(st.just([]), ODD_VALUES, st.lists(
                    st.dictionaries(st.sampled_from(["name", "url", "published", "scale", "kind", "document"]),
                                    ODD_VALUES, max_size=4), max_size=2)))
                faults.append("sources")
            elif kind == "claims":
                ev["claims"] = draw(st.one_of(ODD_VALUES, st.lists(
                    st.dictionaries(st.sampled_from(["aspect", "claimant", "stance", "status", "statement"]),
                                    ODD_VALUES, max_size=5), max_size=3)))
                faults.append("claims")
            elif kind == "duplicate-ref":
                ev["ref"] = "fuzz-0"
                faults.append("duplicate-ref" if n else "same-ref")
            else:
                ev["event_id"] = draw(st.sampled_from(["CDR-AZE-1", "ZZZ9", "", "CDR-AZE-0", "AZE-1", "aze1"]))
                faults.append("event-id")
        events.append(ev)
    return events, faults


def _write(root: Path, name: str, events: list, fmt: str) -> Path:
    path = root / f"{name}.{fmt}"
    if fmt == "json":
        path.write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in events) + "\n", encoding="utf-8")
    return path


def test_hypothesis_submissions_get_a_report_never_a_traceback(lab):
    root, worker = lab
    db = root / "fuzz.duckdb"
    seen = {"valid": 0, "invalid": 0, "unreadable": 0}
    t0 = time.monotonic()

    @settings(max_examples=size(20, 600), deadline=None, derandomize=not FULL, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
    @given(submissions(), st.sampled_from(["json", "jsonl"]))
    def case(sub, fmt):
        events, faults = sub
        path = _write(root, "hyp", events, fmt)
        checked = worker.run(["check", str(path), "--format", "json"], CASE_SECONDS)
        _count("hypothesis check")
        assert_rule(checked)
        seen[{0: "valid", 1: "invalid", 2: "unreadable"}[checked.code]] += 1
        if not faults:
            assert checked.code == 0, checked.stdout
        if any(f"drop:{f}" in faults for f in REQUIRED):
            assert checked.code == 1, (faults, checked.stdout[:2000])
        dry = worker.run(["ingest", str(path), "--db", str(db), "--dry-run", "--format", "json"], CASE_SECONDS)
        _count("hypothesis ingest --dry-run")
        assert_rule(dry)
        # an event_id is checked against the store by ingest only; a ref used twice both refuse
        if "event-id" not in faults:
            assert (dry.code == 0) == (checked.code == 0), (faults, checked.stdout[:1500], dry.stdout[:1500])

    case()
    record("fuzz-hypothesis", cases=seen, commands=COUNTS.get("hypothesis check", 0) * 2,
           seconds=round(time.monotonic() - t0, 1))
    assert seen["valid"] and seen["invalid"]


# --- byte-level mutations of real files -------------------------------------------------------

def _bases(root: Path) -> dict[str, tuple[str, Path]]:
    """name -> (kind, path): submissions (check and ingest), importer samples, a deletion list."""
    sys.path.insert(0, str(REPO))
    from benchmarks.fixtures import seed_csv

    base = root / "bases"
    base.mkdir(exist_ok=True)
    shutil.copy(SAMPLE_DIR / SEED_DOCUMENT, base / SEED_DOCUMENT)
    out: dict[str, tuple[str, Path]] = {}
    out["seed.json"] = ("submission", base / "seed.json")
    shutil.copy(SAMPLE_DIR / SEED_SUBMISSION, base / "seed.json")
    (base / "seed.jsonl").write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in SEED) + "\n",
                                     encoding="utf-8")
    out["seed.jsonl"] = ("submission", base / "seed.jsonl")
    seed_csv(base / "seed.csv", 8)
    out["seed.csv"] = ("submission", base / "seed.csv")
    out["seed.sources.csv"] = ("companion", base / "seed.sources.csv")
    import duckdb

    con = duckdb.connect()
    con.execute(f"COPY (SELECT * FROM read_csv('{base / 'seed.csv'}')) TO '{base / 'seed.parquet'}' (FORMAT parquet)")
    con.close()
    shutil.copy(base / "seed.sources.csv", base / "seed.parquet.sources.csv")
    out["seed.parquet"] = ("submission", base / "seed.parquet")
    (base / "gone.csv").write_text("event_id,reason\nCDR-AZE-1,duplicate of CDR-AZE-2\n"
                                   "CDR-AZE-3,retracted by the outlet\n",
                                   encoding="utf-8")
    out["gone.csv"] = ("deletions", base / "gone.csv")
    for dataset, sample, keep in (("acled", ACLED, 40), ("ucdp", GED, 40), ("gdelt", GDELT, 50)):
        lines = sample.read_bytes().split(b"\n")
        path = base / sample.name
        path.write_bytes(b"\n".join(lines[:keep]) + b"\n")
        out[path.name] = (dataset, path)
    return out


def _commands(kind: str, path: Path, db: Path, r: random.Random) -> list[list[str]]:
    if kind in ("submission", "companion"):
        fmt = [] if r.random() < 0.8 else ["--input-format", r.choice(["csv", "jsonl", "json", "parquet"])]
        enc = [] if r.random() < 0.85 else ["--encoding", r.choice(["cp1252", "utf-16", "latin-1", "utf-32"])]
        return [["check", str(path), "--format", "json", *fmt, *enc],
                ["ingest", str(path), "--db", str(db), "--format", "json", *fmt, *enc]]
    if kind == "deletions":
        return [["ingest", "--deletions", str(path), "--db", str(db), "--format", "json"]]
    out = path.with_suffix(".cedar.jsonl")
    cmds = [["import", kind, str(path), "--out", str(out), "--force", "--format", "json"]]
    if r.random() < 0.3:
        cmds.append(["import", kind, str(path), "--ingest", "--db", str(db), "--format", "json"])
    return cmds


def test_mutated_real_files_never_crash_or_hang(lab):
    root, worker = lab
    db = root / "fuzz.duckdb"
    bases = _bases(root)
    rng = random.Random(None if FULL else 9)
    trials = size(30, 1500)
    work = root / "mutants"
    work.mkdir(exist_ok=True)
    shutil.copy(SAMPLE_DIR / SEED_DOCUMENT, work / SEED_DOCUMENT)
    t0, by_code, slowest = time.monotonic(), {}, (0.0, "")
    for i in range(trials):
        name = rng.choice(sorted(bases))
        kind, path = bases[name]
        how, data = mutate.mutate(rng, path.read_bytes())
        if kind == "companion":  # a broken companion beside an intact main file
            target = work / "seed.csv"
            shutil.copy(bases["seed.csv"][1], target)
            (work / "seed.sources.csv").write_bytes(data)
        else:
            target = work / f"m{i % 7}{path.suffix}" if kind != "gdelt" else work / f"m{i % 7}.export.CSV"
            target.write_bytes(data)
            if name == "seed.csv" and rng.random() < 0.5:
                shutil.copy(bases["seed.sources.csv"][1], work / f"m{i % 7}.sources.csv")
        for args in _commands(kind, target, db, rng):
            res = worker.run(args, CASE_SECONDS)
            _count("mutation " + args[0])
            if not res.ok():  # a random full-size case cannot be drawn again: keep the file for a rerun
                kept = REPO / "build" / "reliability-failures"
                kept.mkdir(parents=True, exist_ok=True)
                shutil.copy(target, kept / f"{i}-{name}-{how}{target.suffix}"[:200])
            assert_rule(res), f"{name} after {how}"
            by_code[res.code] = by_code.get(res.code, 0) + 1
            slowest = max(slowest, (res.seconds, f"{args[0]} {name} {how}"))
        (work / f"m{i % 7}.sources.csv").unlink(missing_ok=True)
    record("fuzz-mutations", files=trials, commands=sum(by_code.values()), exit_codes=by_code,
           slowest_s=round(slowest[0], 2), slowest=slowest[1], seconds=round(time.monotonic() - t0, 1))


def test_the_giants(lab):
    """1 MB cells, 10,000 columns, 100,000-deep JSON, NUL-only and 8 MB-line files: every command
    answers, within the bound, with a report or a clear error."""
    root, worker = lab
    db = root / "fuzz.duckdb"
    seed_csv_bytes = (root / "bases" / "seed.csv").read_bytes() if (root / "bases").exists() else None
    if seed_csv_bytes is None:
        _bases(root)
        seed_csv_bytes = (root / "bases" / "seed.csv").read_bytes()
    files = mutate.giants(root / "giants", seed_csv_bytes, (SAMPLE_DIR / SEED_SUBMISSION).read_bytes())
    shutil.copy(SAMPLE_DIR / SEED_DOCUMENT, root / "giants" / SEED_DOCUMENT)
    t0, n, slowest = time.monotonic(), 0, (0.0, "")
    for name, path in sorted(files.items()):
        runs = [["check", str(path), "--format", "json"], ["ingest", str(path), "--db", str(db), "--format", "json"]]
        if path.suffix == ".csv" and (FULL or name == "columns-10000.csv"):
            runs += [["import", ds, str(path), "--out", str(path.with_suffix(".out.jsonl")), "--force",
                      "--format", "json"]
                     for ds in ("acled", "ucdp", "gdelt")]
            runs.append(["ingest", "--deletions", str(path), "--db", str(db), "--format", "json"])
        for args in runs:
            res = worker.run(args, CASE_SECONDS)
            n += 1
            assert_rule(res), name
            slowest = max(slowest, (res.seconds, f"{args[0]} {name}"))
    # and the same attacks through a fresh process, as a user runs them
    for name in ("nested-100000.json", "columns-10000.csv", "cell-1mb.csv") if FULL else ("nested-100000.json",):
        proc = run_cedar("check", str(files[name]))
        n += 1
        assert proc.returncode in (0, 1, 2) and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    record("fuzz-giants", files=len(files), commands=n, slowest_s=round(slowest[0], 2), slowest=slowest[1],
           seconds=round(time.monotonic() - t0, 1))


def test_importers_on_each_others_files(lab):
    """Every importer fed every other dataset's sample and the seed: a layout error, not a crash."""
    root, worker = lab
    bases = _bases(root)
    n = 0
    for dataset in ("acled", "ucdp", "gdelt"):
        for name, (_kind, path) in sorted(bases.items()):
            res = worker.run(["import", dataset, str(path), "--out", str(root / "x.jsonl"), "--force",
                              "--format", "json"],
                             CASE_SECONDS)
            n += 1
            assert_rule(res), (dataset, name)
    record("fuzz-cross-import", commands=n)


def test_utf16_without_a_bom_is_a_clear_error(lab):
    root, worker = lab
    path = root / "no-bom.csv"
    path.write_bytes("event_date,event_type\n2023-09-19,Battles\n".encode("utf-8"))
    for enc in ("utf-16", "utf-32"):  # found by fuzzing: the decoder's UnicodeError was a traceback
        res = worker.run(["check", str(path), "--encoding", enc, "--format", "json"], CASE_SECONDS)
        assert_rule(res)
        assert res.code == 2 and "bad-encoding" in res.stdout, res.stdout


def test_check_and_ingest_agree_on_a_ref_used_twice(lab):
    """Found by fuzzing: check passed a ref used twice, which ingest refused (duplicate-ref)."""
    root, worker = lab
    events = json.loads(json.dumps(SEED[:2]))
    events[1]["ref"] = events[0]["ref"]
    path = _write(root, "dup-ref", events, "json")
    checked = worker.run(["check", str(path), "--format", "json"], CASE_SECONDS)
    dry = worker.run(["ingest", str(path), "--db", str(root / "fuzz.duckdb"), "--dry-run", "--format", "json"],
                     CASE_SECONDS)
    assert checked.code == dry.code == 1
    said = [[(p["code"], p["row"], p["field"], p["message"]) for p in json.loads(res.stdout)["problems"]]
            for res in (checked, dry)]
    assert said[0] == said[1] == [("duplicate-ref", 2, "ref", said[0][0][3])], said
    assert "also used in row 1" in said[0][0][3]


def test_a_count_beyond_64_bits_is_a_reported_error(lab, tmp_path):
    """Found by fuzzing: a count beyond 64 bits passed the checks and ended ingest in an OverflowError
    traceback when it was staged to Arrow. Every whole number of the model now has bounds that fit
    the store's columns."""
    from cedar.schema.model import MAX_FATALITIES

    root, worker = lab
    db = tmp_path / "huge.duckdb"
    assert run_cedar("init", "--db", str(db)).returncode == 0
    # (fatalities as JSON writes it, the code check and ingest report); 2**31 no longer fits the store's INTEGER
    for n, (number, code) in enumerate([(str(10 ** 30), "out-of-range"), (str(2 ** 31), "out-of-range"),
                                        ("9" * 5000, "not-an-integer"), ("1e400", "not-an-integer")]):
        events = json.loads(json.dumps(SEED[:1]))
        events[0].update(ref=f"huge-{n}", fatalities="NUMBER")
        path = _write(root, f"huge-{n}", events, "json")
        path.write_text(path.read_text(encoding="utf-8").replace('"NUMBER"', number), encoding="utf-8")
        for command in (["check", str(path)], ["ingest", str(path), "--db", str(db)]):
            res = worker.run([*command, "--format", "json"], CASE_SECONDS)
            assert_rule(res)
            assert res.code == 1
            assert [(p["code"], p["field"]) for p in json.loads(res.stdout)["problems"]] == [(code, "fatalities")]
    events = json.loads(json.dumps(SEED[:1]))
    events[0].update(ref="largest", fatalities=MAX_FATALITIES)  # the bound itself goes in
    res = worker.run(["ingest", str(_write(root, "largest", events, "json")), "--db", str(db), "--format", "json"],
                     CASE_SECONDS)
    assert res.code == 0, res.stdout

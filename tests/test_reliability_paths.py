"""Every path and every number a command takes, attacked: the options are read from the command line
itself (the Typer app), so a command or option added later is attacked too.

Each path parameter (an option or an argument whose type is a path) is given, in turn: a folder, a
regular file of junk, a path under a missing parent, a path in a read-only folder, a FIFO, a
character device (/dev/null), a loop of symbolic links, a name that is not UTF-8, and a full disk.
The full disk is made without root by a file-size limit (RLIMIT_FSIZE of 4 kB, SIGXFSZ ignored), so
every write past 4 kB fails with EFBIG as on a full disk; those cases run in a fresh process each.
Each number (an int or float option or argument) is given -1, 0, a huge value, inf, nan and text.

The rule: exit status 0, 1 or 2, never a traceback or a hang; a refusal says `Error:` (or prints a
report); a FIFO, device, link loop, read-only place, folder-for-a-file or file-for-a-folder is refused
(1 or 2); and a command that failed leaves no temporary file and nothing new under the name it was
given. `make test` runs a sample of the cases, `make reliability` all of them.
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import ACLED, REPO
from download_support import V1, pristine_store
from reliability.scale import FULL, record
from reliability.worker import Worker
from store_helpers import init

from cedar.sample_data import seed_path

CASE_SECONDS = 120.0
FSIZE = 4096
ATTACKS = ("folder", "file", "missing-parent", "read-only", "fifo", "device", "link-loop", "non-utf8", "full-disk")
NUMBERS = ("-1", "0", "99999999999999999999", "inf", "nan", "text")
# Attacks that no path parameter may accept.
MUST_REFUSE = {"fifo", "device", "link-loop"}
# Parameters that name a folder (by their Python name, which outlives renamed flags); the rest name files.
FOLDERS = {("download", "to"), ("build", "releases"), ("list", "releases"), ("diff", "releases"),
           ("demo", "releases"), ("query", "releases"), ("codebook", "to"), ("serve", "release"),
           ("serve", "releases"), ("serve", "documents")}
# Release locations are text (a folder, or a URL to read): attacked as the folders they also are.
LOCATIONS = {"releases"}
# Parameters a command writes (an existing regular file there is refused without --force).
OUTPUTS = {("import", "to"), ("synth", "to")}
# Folders a command writes into: a read-only one must be refused.
WRITTEN_FOLDERS = {("download", "to"), ("build", "releases"), ("demo", "releases"), ("codebook", "to")}
# Permissions do not bind root: there the read-only place is under /proc, where nothing can be made.
AS_ROOT = os.geteuid() == 0
# Slow commands (a whole demo, a release build through the gate) run only the attacks they must refuse,
# unless at full size.
SLOW = {("demo",), ("release", "build")}
TEMP_NAMES = (".cedar-part-", ".part", ".tmp-", ".publishing-", ".download-")


def commands() -> list[tuple[tuple[str, ...], Any]]:
    from typer.main import get_command

    from cedar.cli import app

    found = []

    def walk(cmd: Any, path: tuple[str, ...]) -> None:
        if hasattr(cmd, "commands"):
            for name, sub in sorted(cmd.commands.items()):
                walk(sub, (*path, name))
        else:
            found.append((path, cmd))

    walk(get_command(app), ())
    return found


def _annotation(param: Any) -> Any:
    desc = getattr(param, "type_descriptor", None)
    return getattr(desc, "annotation", None)


def is_path(param: Any) -> bool:
    a = _annotation(param)
    return a is Path or Path in getattr(a, "__args__", ()) or param.name in LOCATIONS


def is_number(param: Any) -> bool:
    return _annotation(param) in (int, float) and not getattr(param, "is_flag", False)


def role(path: tuple[str, ...], param: Any) -> str:
    key = (path[-1], param.name)
    return "folder" if key in FOLDERS else "output" if key in OUTPUTS else "file"


def written(path: tuple[str, ...], param: Any) -> bool:
    """A place the command makes or writes: an output, a folder it writes into, the store `init` makes."""
    key = (path[-1], param.name)
    return key in OUTPUTS or key in WRITTEN_FOLDERS or key == ("init", "db")


class Lab:
    """A release store and a store to copy, built once; a fresh folder per case."""

    def __init__(self, root: Path, tmp_path_factory: Any):
        self.root = root
        self.store = pristine_store(tmp_path_factory)
        self.db = root / "template.duckdb"
        init(self.db)
        self.n = 0

    def case(self) -> Path:
        self.n += 1
        folder = self.root / f"case-{self.n}"
        folder.mkdir()
        return folder

    def base(self, path: tuple[str, ...], case: Path) -> dict[str, Any]:
        """Values that make each command work, by parameter name; the attacked one is replaced."""
        db = case / "cedar.duckdb"
        shutil.copy(self.db, db)
        common = {"db": db, "store": self.store, "to": case / "out", "releases": case / "rel"}
        per = {
            ("check",): {"files": [seed_path()]},
            ("ingest",): {"files": [seed_path()]},
            ("import",): {"dataset": "acled", "file": ACLED, "to": case / "out.jsonl"},
            ("synth",): {"n": "3", "to": case / "s.csv"},
            ("query",): {"sql": "SELECT 1"},
            ("download",): {"version": "latest", "source": str(self.store)},
            ("init",): {"db": case / "new.duckdb"},
            ("codebook",): {"to": case / "book"},
            ("release", "build"): {"version": "2099.01.1", "store": case / "rel"},
            ("release", "diff"): {"a": V1, "b": V1},
            ("actors", "show"): {"name": "x"}, ("actors", "search"): {"query": "x"},
            ("actors", "alias"): {"name": "x", "new_alias": "y"},
        }
        return {**common, **per.get(path, {})}


def argv(path: tuple[str, ...], cmd: Any, values: dict[str, Any]) -> list[str] | None:
    """The command line from values by parameter name; None when a required value is unknown."""
    args: list[str] = list(path)
    for p in cmd.params:
        if p.hidden if hasattr(p, "hidden") else False:
            continue
        v = values.get(p.name)
        if v is None:
            if p.required:
                return None
            continue
        items = v if isinstance(v, list) else [v]
        if p.param_type_name == "argument":
            args += [str(x) for x in items]
        elif p.opts and not getattr(p, "is_flag", False):
            for x in items:
                args += [p.opts[0], str(x)]
    return args


def attack_value(kind: str, role_: str, case: Path, good: Any) -> Path | str:
    if kind == "folder":
        (case / "a-folder").mkdir()
        return case / "a-folder"
    if kind == "file":
        (case / "junk.txt").write_text("not what Cedar wants\n", encoding="utf-8")
        return case / "junk.txt"
    if kind == "missing-parent":
        return case / "no" / "such" / "x.duckdb"
    if kind == "read-only":
        if AS_ROOT:
            return Path("/proc") / f"cedar-{case.name}" / ("sub" if role_ == "folder" else "x.duckdb")
        ro = case / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        return ro / ("sub" if role_ == "folder" else "x.duckdb")
    if kind == "fifo":
        os.mkfifo(case / "fifo")
        return case / "fifo"
    if kind == "device":
        return "/dev/null"
    if kind == "link-loop":
        (case / "loop").symlink_to(case / "loop")
        return case / "loop"
    if kind == "non-utf8":
        name = case / os.fsdecode(b"caf\xe9-\xff")
        if role_ == "file" and isinstance(good, Path) and good.is_file():
            shutil.copy(good, name)  # the same input under a name that is not UTF-8
        elif role_ == "folder" and isinstance(good, Path) and good.is_dir():
            shutil.copytree(good, name)
        return name
    return good  # full-disk: the working value, written under a file-size limit


def _fsize() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FSIZE, FSIZE))


def run_limited(args: list[str], cwd: Path) -> tuple[int | None, str, str]:
    try:
        proc = subprocess.run([sys.executable, "-m", "cedar", *args], capture_output=True, cwd=cwd,
                              timeout=CASE_SECONDS, preexec_fn=_fsize)
    except subprocess.TimeoutExpired:
        return None, "", "hang"
    return (proc.returncode, proc.stdout.decode("utf-8", "backslashreplace"),
            proc.stderr.decode("utf-8", "backslashreplace"))


def leftovers(case: Path, before: set[str]) -> list[str]:
    """Temporary files anywhere in the case folder, and new entries at its top."""
    temps = [str(p) for p in case.rglob("*") if any(t in p.name for t in TEMP_NAMES)]
    # DuckDB's journal of a transaction that did not commit is the store's, replayed or dropped on open
    new = sorted(n for n in set(os.listdir(case)) - before if not n.endswith(".duckdb.wal"))
    return temps + [f"new: {n}" for n in new]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("paths")
    worker = Worker(root)
    yield Lab(root, tmp_path_factory), worker
    worker.close()
    for p in root.rglob("*"):  # read-only folders made by the cases
        if p.is_dir() and not p.is_symlink():
            p.chmod(0o700)


def _cases(lab: Lab) -> list[tuple[tuple[str, ...], Any, Any, str]]:
    out = []
    for path, cmd in commands():
        for p in cmd.params:
            if is_path(p) and not getattr(p, "hidden", False):
                for kind in ATTACKS:
                    if path in SLOW and not FULL and kind not in MUST_REFUSE:
                        continue
                    out.append((path, cmd, p, kind))
    return out


def test_every_path_parameter_against_hostile_paths(lab):
    lab_, worker = lab
    t0 = time.monotonic()
    cases = _cases(lab_)
    if not FULL:  # a sample in `make test`; every attack kind stays in it
        rng = random.Random(16)
        by_kind: dict[str, list] = {}
        for c in cases:
            by_kind.setdefault(c[3], []).append(c)
        cases = [c for kind in ATTACKS for c in rng.sample(by_kind.get(kind, []), min(4, len(by_kind.get(kind, []))))]
    counts = {"cases": 0, "refused": 0, "accepted": 0, "skipped": 0}
    by_exit: dict[str, int] = {}
    failures = []
    for path, cmd, param, kind in cases:
        case = lab_.case()
        values = lab_.base(path, case)
        r = role(path, param)
        good = values.get(param.name)
        good = good[0] if isinstance(good, list) else good
        target = attack_value(kind, r, case, good)
        values[param.name] = [target] if param.nargs == -1 else target
        if path == ("demo",):
            values.setdefault("db", case / "demo.duckdb")
        args = argv(path, cmd, values)
        if args is None:
            counts["skipped"] += 1
            continue
        before = set(os.listdir(case))
        if kind == "full-disk":
            code, stdout, err = run_limited(args, lab_.root)
            traceback = "Traceback (most recent call last)" in err
        else:
            res = worker.run(args, CASE_SECONDS)
            code, stdout, err = res.code, res.stdout, res.stderr
            traceback = res.kind != "exit" or "Traceback" in res.stderr
        counts["cases"] += 1
        by_exit[str(code)] = by_exit.get(str(code), 0) + 1
        where = f"cedar {' '.join(map(str, args))[:200]} [{kind} as {param.name}]"
        if traceback or code not in (0, 1, 2):
            failures.append(f"{where}: exit {code}\n{err[-1500:]}")
            continue
        must = kind in MUST_REFUSE or (kind == "read-only" and written(path, param)) or \
            (kind == "folder" and r != "folder") or (kind == "file" and r == "folder")
        if code == 0:
            counts["accepted"] += 1
            if must:
                failures.append(f"{where}: accepted (exit 0)")
            continue
        counts["refused"] += 1
        if "Error: " not in err and not any(w in stdout + err for w in ("ERROR", '"problems"', "NOT published")):
            failures.append(f"{where}: exit {code} without an Error: line or a report\n{err[-500:]}")
        left = leftovers(case, before)
        if left:
            failures.append(f"{where}: exit {code} but left {left[:5]}")
    record("paths-hostile", **counts, exit_codes=by_exit, seconds=round(time.monotonic() - t0, 1))
    assert not failures, "\n\n".join(failures[:20]) + f"\n({len(failures)} failures)"


def _number_cases() -> list[tuple[tuple[str, ...], Any, Any, str]]:
    out = []
    for path, cmd in commands():
        if path in SLOW:
            continue
        for p in cmd.params:
            if is_number(p) and not getattr(p, "hidden", False):
                out += [(path, cmd, p, v) for v in NUMBERS]
    return out


def test_every_number_against_out_of_range_values(lab):
    lab_, worker = lab
    t0 = time.monotonic()
    counts = {"cases": 0, "refused": 0, "accepted": 0, "skipped": 0}
    failures = []
    for path, cmd, param, value in _number_cases():
        case = lab_.case()
        values = lab_.base(path, case)
        values[param.name] = value
        args = argv(path, cmd, values)
        if args is None:
            counts["skipped"] += 1
            continue
        res = worker.run(args, CASE_SECONDS)
        counts["cases"] += 1
        where = f"cedar {' '.join(map(str, args))[:200]} [{param.name}={value}]"
        if not res.ok():
            failures.append(res.why())
            continue
        counts["accepted" if res.code == 0 else "refused"] += 1
        if value in ("nan", "text", "inf") and res.code == 0:
            failures.append(f"{where}: accepted (exit 0)")
    record("numbers-hostile", **counts, seconds=round(time.monotonic() - t0, 1))
    assert not failures, "\n\n".join(failures[:20]) + f"\n({len(failures)} failures)"


def test_the_suite_finds_every_path_option():
    """The introspection sees the path options the command line has (a guard against it silently finding
    none, say after a change of Typer)."""
    names = {(path[-1], p.name) for path, cmd in commands() for p in cmd.params if is_path(p)}
    assert {("check", "files"), ("ingest", "db"), ("import", "to"), ("download", "to"), ("build", "releases")} <= names
    assert REPO.is_dir()

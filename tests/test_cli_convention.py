"""The command line's one convention (docs/cli.md), held across every command and subcommand found by
walking the command tree: option names, `--format`, `-h`, `--version`, the JSON form, the exit status
of the same mistake, and the old spellings that still work with a deprecation note."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
import typer
from conftest import ACLED, run_cedar
from release_support import ingest_store
from typer.testing import CliRunner

from cedar import __version__
from cedar.cli import app
from cedar.sample_data import seed_path

OUTPUT_FORMS = {"text", "json", "csv", "table", "bibtex", "cff"}
DEPRECATED = {"--store", "--from", "--release", "--json"}
VERSION = "2026.11.1"


def commands() -> Iterator[tuple[str, Any]]:
    """(words after `cedar`, Click command) of every group and command of the tree."""
    def walk(words: list[str], cmd: Any) -> Iterator[tuple[str, Any]]:
        yield " ".join(words), cmd
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            yield from walk([*words, name], sub)

    yield from walk([], typer.main.get_command(app))


LEAVES = [(words, cmd) for words, cmd in commands() if words and not hasattr(cmd, "commands")]


def options(cmd: Any) -> dict[str, Any]:
    """Every spelling of every visible option of a command."""
    return {name: p for p in cmd.params if getattr(p, "hidden", False) is False
            for name in (*p.opts, *p.secondary_opts) if name.startswith("-")}


def choices(option: Any) -> tuple[str, ...]:
    """The values an option takes when they are a fixed list (an Enum): its `type_descriptor` in Typer."""
    found = getattr(getattr(option, "type_descriptor", None), "choices", None) or ()
    return tuple(str(getattr(c, "value", c)) for c in found)


def with_option(name: str) -> set[str]:
    return {words for words, cmd in LEAVES if name in options(cmd)}


def cedar(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_the_tree_has_every_command():
    assert {w for w, _ in LEAVES} >= {"check", "codebook", "demo", "download", "init", "ingest", "query", "import",
                                      "synth", "actors list", "actors show", "actors search", "actors alias",
                                      "release build", "release list", "release diff"}


@pytest.mark.parametrize("words", [w for w, _ in commands()])
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_every_command_has_short_and_long_help(words, flag):
    result = cedar(*words.split(), flag)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Usage: ") and "-h, --help" in result.stdout


def test_version():
    result = cedar("--version")
    assert result.exit_code == 0 and result.stdout == f"cedar {__version__}\n"
    proc = run_cedar("--version")
    assert proc.returncode == 0 and proc.stdout == f"cedar {__version__}\n"


@pytest.mark.parametrize("words, cmd", LEAVES, ids=[w for w, _ in LEAVES])
def test_option_names_follow_the_convention(words, cmd):
    names = options(cmd)
    assert not DEPRECATED & set(names), f"{words} shows an old spelling"
    if "--format" in names:
        assert set(choices(names["--format"])) <= OUTPUT_FORMS, words
        assert "json" in choices(names["--format"]) and "-f" in names["--format"].opts, words
    for name in ("--db", "--releases"):  # the store and the release location have one name each
        if name in names:
            assert names[name].opts == [name], (words, names[name].opts)


@pytest.mark.parametrize("words", [w for w, _ in LEAVES])
def test_an_unknown_option_is_a_wrong_call(words):
    result = cedar(*words.split(), "--no-such-option")
    assert result.exit_code == 2 and "No such option" in result.stderr, result.output


# --- the same mistake, the same exit status, in every command that can make it ----------------------

# How each command meets a store that is not there (init and demo create one; check reads one if it is).
MISSING_STORE = {
    "ingest": [str(seed_path())], "query": ["SELECT 1"], "import": ["acled", str(ACLED), "--ingest"],
    "actors list": [], "actors show": ["x"], "actors search": ["x"], "actors alias": ["x", "y"],
    "release build": [VERSION],
}
# How each command that reads releases meets a release location that is not there.
MISSING_RELEASES = {"download": [], "query": ["SELECT 1"], "release list": [], "release diff": [VERSION, VERSION],
                    "sync": [],
                    "panel": ["--out", "never-written.csv"],
                    "serve": [],
                    "export": ["--out", "events.geojson"],
                    "cite": []}


def test_a_store_that_does_not_exist_is_a_wrong_call_everywhere(tmp_path):
    assert set(MISSING_STORE) == with_option("--db") - {"init", "demo", "check", "code"}
    for words, args in MISSING_STORE.items():
        extra = ["--releases", str(tmp_path / "rel")] if words == "release build" else []
        result = cedar(*words.split(), *args, *extra, "--db", str(tmp_path / "nope.duckdb"))
        assert result.exit_code == 2, (words, result.output)
        assert "There is no store" in result.stderr and "Traceback" not in result.output, (words, result.output)
    assert not any(tmp_path.iterdir())  # nothing created on the way


def test_a_release_location_that_does_not_exist_is_a_wrong_call_everywhere(tmp_path):
    assert set(MISSING_RELEASES) == with_option("--releases") - {"release build", "demo"}
    for words, args in MISSING_RELEASES.items():
        result = cedar(*words.split(), *args, "--releases", str(tmp_path / "nowhere"))
        assert result.exit_code == 2, (words, result.output)
        assert result.stderr.startswith("Error: "), (words, result.stderr)


def test_a_file_that_does_not_exist_is_a_wrong_call_everywhere(tmp_path, workspace):
    db = str(workspace["db"])
    for args in (["check"], ["ingest", "--db", db], ["import", "acled"]):
        result = cedar(*args, str(tmp_path / "none.csv"))
        assert result.exit_code == 2, (args, result.output)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("convention")
    db = ingest_store(root / "cedar.duckdb")
    return {"root": root, "db": db, "releases": root / "releases"}


def _built(workspace: dict[str, Path]) -> Path:
    releases = workspace["releases"]
    if not (releases / VERSION).is_dir():
        proc = run_cedar("release", "build", VERSION, "--db", str(workspace["db"]), "--releases", str(releases))
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return releases


def test_an_unknown_version_is_a_wrong_call_everywhere(workspace, tmp_path):
    releases = str(_built(workspace))
    for args in (["download", "2026.12.9", "--releases", releases, "--to", str(tmp_path)],
                 ["release", "diff", VERSION, "2026.12.9", "--releases", releases],
                 ["panel", "--version", "2026.12.9", "--releases", releases, "--out", str(tmp_path / "p.csv")]):
        result = cedar(*args)
        assert result.exit_code == 2 and "2026.12.9 is not published" in result.stderr, (args, result.output)


def test_a_malformed_version_is_a_wrong_call_everywhere(workspace, tmp_path):
    releases, db = str(_built(workspace)), str(workspace["db"])
    for args in (["download", "v1", "--releases", releases, "--to", str(tmp_path)],
                 ["release", "diff", VERSION, "v1", "--releases", releases],
                 ["panel", "--version", "v1", "--releases", releases, "--out", str(tmp_path / "p.csv")],
                 ["release", "build", "v1", "--db", db, "--releases", str(tmp_path / "rel")]):
        result = cedar(*args)
        assert result.exit_code == 2 and "v1" in result.stderr, (args, result.output)
    assert not (tmp_path / "rel").exists()


# --- one JSON form ------------------------------------------------------------------------------------

def test_every_command_prints_json_indented_by_two_spaces_with_a_final_newline(workspace, tmp_path):
    releases, db = _built(workspace), str(workspace["db"])
    calls = {
        "check": [str(seed_path())],
        "ingest": ["--db", db, "--dry-run", str(seed_path())],
        "query": ["--db", db, "SELECT event_id, actor1 FROM events ORDER BY event_id LIMIT 2"],
        "import": ["acled", str(ACLED), "--out", str(tmp_path / "acled.jsonl")],
        "synth": ["3", "--out", str(tmp_path / "synth.csv")],
        "code": [str(seed_path().with_suffix(".txt")), "--out", str(tmp_path / "code.json")],
        "actors list": ["--db", db, "--country", "AZE"],
        "actors show": ["--db", db, "Karabakh Armenians"],
        "actors search": ["--db", db, "azeri army"],
        "release build": [VERSION, "--db", db, "--releases", str(tmp_path / "rel")],
        "release list": ["--releases", str(releases)],
        "release diff": [VERSION, VERSION, "--releases", str(releases)],
        "download": ["--releases", str(releases), "--to", str(tmp_path / "dl")],
        "sync": ["--releases", str(releases), "--to", str(tmp_path / "sync")],
        "panel": ["--releases", str(releases), "--out", str(tmp_path / "panel.csv")],
        "export": ["--releases", str(releases), "--out", str(tmp_path / "events.geojson")],
        "cite": ["--releases", str(releases)],
    }
    assert set(calls) == {w for w, cmd in LEAVES if "json" in choices(options(cmd).get("--format"))}
    for words, args in calls.items():
        result = cedar(*words.split(), *args, "--format", "json")
        assert result.exit_code == 0, (words, result.output)
        text = result.stdout
        assert text.endswith("\n") and not text.endswith("\n\n"), words
        assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n", words


# --- old spellings ------------------------------------------------------------------------------------

def test_old_spellings_still_work_with_a_note(workspace, tmp_path):
    releases = str(_built(workspace))
    result = cedar("release", "list", "--store", releases, "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["releases"][0]["version"] == VERSION
    assert "--store is deprecated" in result.stderr and "--releases" in result.stderr
    result = cedar("release", "list", "--from", releases)
    assert result.exit_code == 0 and VERSION in result.stdout and "--from is deprecated" in result.stderr
    result = cedar("download", "--from", releases, "--to", str(tmp_path), "--format", "csv", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["format"] == "csv"
    assert "--json is deprecated" in result.stderr and "use --files csv" in result.stderr
    result = cedar("query", "--release", str(tmp_path), "SELECT count(*) AS n FROM events", "-f", "json")
    assert result.exit_code == 2 and "--release is deprecated" in result.stderr  # csv only: no Parquet to read
    result = cedar("query", "--release=" + releases, "SELECT count(*) AS n FROM events", "-f", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == [{"n": 6}], result.output

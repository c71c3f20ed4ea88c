"""Old spellings of options, still accepted for a while: each is rewritten to today's spelling before
Click parses the command line, with a one-line note on stderr, and none is shown by --help.

Today's convention (docs/cli.md): `--db` is the store, `--releases` a folder or URL of releases,
`--format` only the form of the output, `--files` which files `cedar download` fetches.
"""

from __future__ import annotations

from typing import Iterable

import typer

# command (its words after `cedar`) -> old option -> today's option
RENAMED: dict[str, dict[str, str]] = {
    "download": {"--from": "--releases"},
    "query": {"--release": "--releases"},
    # the first design spelled the range --from/--to (a visible --from is kept for the release store)
    "panel": {"--release": "--releases", "--from": "--since", "--to": "--until"},
    "release build": {"--store": "--releases"},
    "release list": {"--store": "--releases", "--from": "--releases"},
    "release diff": {"--store": "--releases"},
    "sync": {"--from": "--releases"},
}
# Old spellings that stay without a note: `cedar sync --from SOURCE --to DIR` reads as it is meant
SILENT: dict[str, set[str]] = {"sync": {"--from"}}
# command -> old flag -> the options that replace it
FLAGS: dict[str, dict[str, tuple[str, ...]]] = {"download": {"--json": ("--format", "json")}}
# `cedar download --format parquet|csv|all` chose the files; --format is now the output's form only
FILE_SETS = ("parquet", "csv", "all")
GROUPS = ("release", "actors")


def command_of(args: list[str]) -> str:
    """The command's words: `release list` for ['release', 'list', ...], `query` for ['query', ...]."""
    if args and args[0] in GROUPS:
        return " ".join(args[:2])
    return args[0] if args else ""


def rewrite(args: Iterable[str], note: bool = True) -> list[str]:
    """The arguments with old spellings replaced by today's (after `--` nothing is touched)."""
    args = list(args)
    command = command_of(args)
    renamed, flags = RENAMED.get(command, {}), FLAGS.get(command, {})
    result: list[str] = []
    told: set[str] = set()
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            result += args[i:]
            break
        name, eq, value = arg.partition("=")
        new: list[str] = [arg]
        if name in renamed:
            new = [renamed[name] + eq + value]
            _tell(name, renamed[name], told, note and name not in SILENT.get(command, set()))
        elif arg in flags:
            new = list(flags[arg])
            _tell(arg, " ".join(flags[arg]), told, note)
        elif command == "download" and name == "--format":
            chosen = value if eq else (args[i + 1] if i + 1 < len(args) else "")
            if chosen in FILE_SETS:
                new = ["--files", chosen]
                i += 0 if eq else 1
                _tell(f"--format {chosen}", f"--files {chosen}", told, note)
        result += new
        i += 1
    return result


def _tell(old: str, new: str, told: set[str], note: bool) -> None:
    if note and old not in told:
        told.add(old)
        typer.echo(f"Note: {old} is deprecated and will be removed; use {new}.", err=True)

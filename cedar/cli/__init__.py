"""The `cedar` command line: the app, its commands registered in the order `cedar --help` lists them,
and `main`, which turns the library's errors into a message and an exit status (cedar.cli.exits).

Kept light on purpose: `cedar --help` and `cedar check` must start fast, so each command imports the
library modules behind it when it runs, and nothing here imports Great Expectations or pandas.
"""

from __future__ import annotations

import sys

import typer

from cedar.cli import actors, check, demo, download, exits, failures, imports, query, release, store, synth
from cedar.errors import CedarError

app = typer.Typer(
    name="cedar",
    help="Cedar: an open, versioned dataset of political violence and protest events.\n\n"
    "Example: cedar check my-events.csv",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

app.command()(check.check)
app.command()(check.codebook)
app.command()(demo.demo)
app.command()(download.download)
app.command()(store.init)
app.command()(store.ingest)
app.command()(query.query)
app.command("import")(imports.import_)
app.command()(synth.synth)
app.add_typer(actors.app, name="actors")
app.add_typer(release.app, name="release")


def main() -> None:
    failures.prepare()
    try:
        app()
    except CedarError as exc:
        sys.exit(exits.report(exc))
    except SystemExit as exc:
        if exc.code == exits.INTERRUPTED:  # Typer's quiet exit on Ctrl-C: say what became of the work
            exits.report(failures.interrupted())
        raise
    except failures.CAUGHT as exc:
        sys.exit(exits.report(failures.typed(exc)))
    except Exception as exc:
        if not (failures.is_duckdb(exc) or failures.out_of_memory(exc)):
            raise
        sys.exit(exits.report(failures.typed(exc)))


__all__ = ["app", "main"]

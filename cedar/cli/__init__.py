"""The `cedar` command line: the app, its commands registered in the order `cedar --help` lists them,
and `main`, which turns the library's errors into a message and an exit status (cedar.cli.exits).

Kept light on purpose: `cedar --help` and `cedar check` must start fast, so each command imports the
library modules behind it when it runs, and nothing here imports Great Expectations or pandas.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any, Optional

import typer
from typer._click.core import Context  # Typer carries its own copy of Click; its Context is that one
from typer.core import TyperGroup

from cedar import __version__, extras
from cedar.cli import (
    actors,
    aliases,
    check,
    cite,
    demo,
    download,
    exits,
    export,
    failures,
    imports,
    query,
    release,
    serve,
    store,
    synth,
)
from cedar.cli import code as code_command
from cedar.cli import panel as panel_command
from cedar.cli.sync import sync as sync_copy
from cedar.errors import CedarError


class CedarGroup(TyperGroup):
    """The root command: old option spellings rewritten before parsing (cedar.cli.aliases), and the
    library's errors turned into a message and an exit status however the app is called."""

    def main(self, args: Optional[Any] = None, *rest: Any, **options: Any) -> Any:
        return super().main(aliases.rewrite(sys.argv[1:] if args is None else args), *rest, **options)

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except CedarError as exc:
            ctx.exit(exits.report(exc))


app = typer.Typer(
    name="cedar",
    cls=CedarGroup,
    help="Cedar: an open, versioned dataset of political violence and protest events.\n\n"
    "Example: cedar check my-events.csv",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(shown: bool) -> None:
    if shown:
        typer.echo(f"cedar {__version__}")
        raise typer.Exit()


@app.callback()
def cedar(_version_shown: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print Cedar's version and exit.")] = False) -> None:
    """Cedar: an open, versioned dataset of political violence and protest events.

    Example: cedar check my-events.csv
    """

app.command()(check.check)
app.command()(check.codebook)
app.command()(demo.demo)
app.command()(download.download)
app.command()(store.init)
app.command()(store.ingest)
app.command()(query.query)
app.command()(panel_command.panel)
app.command()(export.export)
app.command("import")(imports.import_)
app.command()(synth.synth)
app.command("sync")(sync_copy)
app.command()(serve.serve)
app.command()(code_command.code)
app.add_typer(actors.app, name="actors")
app.add_typer(release.app, name="release")
app.command()(cite.cite)


def main() -> None:
    failures.prepare()
    try:
        app()
    except CedarError as exc:
        sys.exit(exits.report(exc))
    except SystemExit as exc:
        # Typer's quiet exit on Ctrl-C: say what became of the work, unless a typed Interrupted said it
        if exc.code == exits.INTERRUPTED and not exits.told_interrupted:
            exits.report(failures.interrupted())
        raise
    except failures.CAUGHT as exc:
        sys.exit(exits.report(failures.typed(exc)))
    except ModuleNotFoundError as exc:  # a package of an extra this install lacks: name the extra
        if (error := extras.missing(exc)) is None:
            raise
        sys.exit(exits.report(error))
    except Exception as exc:
        if failures.query_interrupted(exc):
            sys.exit(exits.report(failures.interrupted()))
        if not (failures.is_duckdb(exc) or failures.out_of_memory(exc)):
            raise
        sys.exit(exits.report(failures.typed(exc)))


__all__ = ["app", "main"]

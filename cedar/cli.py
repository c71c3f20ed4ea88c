"""The `cedar` command line.

Kept light on purpose: `cedar --help` and `cedar check` must start fast, so the modules behind
each command are imported inside it, and nothing here imports Great Expectations or pandas.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

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


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


# Options shared by several commands, defined once.
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="text for people, json for programs.")]
MaxErrorsOption = Annotated[Optional[int], typer.Option(
    "--max-errors", min=1, help="List at most this many errors; the rest are still counted (by default all are "
    "listed).")]
EncodingOption = Annotated[str, typer.Option(
    "--encoding", help="Text encoding of CSV and JSON files, e.g. cp1252 or latin-1.")]
InputFormatOption = Annotated[Optional[str], typer.Option(
    "--input-format", help="csv, jsonl, json or parquet; by default taken from the file's ending.")]


def _out(text: str = "", err: bool = False) -> None:
    # Text without escape codes has none to strip: saying so spares echo a regex over all of it (the
    # report of a million-row ingest is hundreds of megabytes).
    typer.echo(text, err=err, color=True if "\x1b" not in text else None)


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"


@app.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="Submission files: .csv, .jsonl, .json or .parquet.",
                                                show_default=False)],
    output: Annotated[CheckFormat, typer.Option("--format", "-f", help="text for people, json for programs, csv "
                                                "for a table of the problems (one row each).")] = CheckFormat.text,
    max_errors: MaxErrorsOption = None,
    encoding: EncodingOption = "utf-8",
    input_format: InputFormatOption = None,
    db: Annotated[Optional[Path], typer.Option(
        "--db", envvar="CEDAR_DB", help="A store whose actor registry checks actor names (read-only); by default "
        "CEDAR_DB or data/cedar.duckdb if it exists. Without one, actor names are not checked.")] = None,
) -> None:
    """Check submission files against the rules that gate a release, and report every problem.

    Exit 0 when valid, 1 when the data has errors, 2 for a wrong call or an unreadable file.

    Example: cedar check my-events.csv --format json
    """
    from cedar.ingest.actors import open_registry
    from cedar.validate.engine import check_files
    from cedar.validate.render import cut_short, render_csv, render_text

    _check_encoding(encoding)
    registry, note = open_registry(db)  # a busy store is not waited for: the check goes on without it
    result = check_files(files, registry=registry, input_format=input_format, encoding=encoding,
                         max_errors=max_errors)
    _out(note, err=True)
    if output is CheckFormat.json:
        _out(json.dumps(result.report.to_dict(), ensure_ascii=False, indent=2))
    elif output is CheckFormat.csv:  # UTF-8 bytes whatever the terminal's encoding; the table has its own line ends
        typer.echo(render_csv(result.report).encode("utf-8"), nl=False)
        if result.report.truncated:
            _out(cut_short(result.report, after_counts=False), err=True)
    else:
        _out(render_text(result.report))
    raise typer.Exit(result.exit_code)


def _check_encoding(encoding: str) -> None:
    import codecs

    try:
        codecs.lookup(encoding)
    except LookupError:
        raise CedarError(f"Unknown encoding '{encoding}'.", "Use a Python codec name such as utf-8, cp1252 or "
                         "latin-1.", exit_code=2) from None


@app.command()
def codebook(
    out: Annotated[Optional[Path], typer.Option(
        "--out", help="Folder to write codebook.md and event.schema.json into; without it the codebook is printed.")]
    = None,
) -> None:
    """Write the codebook (Markdown) and the JSON Schema, both generated from the event model.

    Example: cedar codebook --out docs
    """
    from cedar.schema.codebook import codebook_markdown, json_schema_text

    if out is None:
        _out(codebook_markdown())
        return
    out.mkdir(parents=True, exist_ok=True)
    (out / "codebook.md").write_text(codebook_markdown(), encoding="utf-8")
    (out / "event.schema.json").write_text(json_schema_text(), encoding="utf-8")
    _out(f"Wrote {out / 'codebook.md'} and {out / 'event.schema.json'}")


DEMO_DB = Path("data/demo.duckdb")
DEMO_RELEASES = Path("data/demo-releases")
DEMO_QUERY = ("SELECT event_type, verification_status, count(*) AS events FROM events "
              "GROUP BY ALL ORDER BY event_type, verification_status")


@app.command()
def demo(
    db: Annotated[Path, typer.Option("--db", help="The demo store, created afresh on every run.")] = DEMO_DB,
    releases: Annotated[Path, typer.Option("--releases", help="The demo release store, emptied on every run.")]
    = DEMO_RELEASES,
) -> None:
    """Run the whole path on the bundled seed: a fresh store, the Nagorno-Karabakh sample ingested,
    a release built behind the gate, and a query.

    Example: cedar demo
    """
    import datetime as dt
    import shutil

    from cedar.ingest import load, query, store
    from cedar.sample_data import seed_path
    from cedar.validate.render import render_text

    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    store.init(db)
    _out(f"1. Created a fresh store {db}")
    path = seed_path()
    _out(f"2. Ingesting the bundled seed submission {path.name} (the checks of `cedar check`, then one transaction)")
    outcome = load.ingest(db, [path], submitter="cedar demo")
    _out(render_text(outcome.report))
    if outcome.exit_code:
        raise typer.Exit(outcome.exit_code)
    c = outcome.counts
    _out(f"   submission {outcome.submission_id}: {c['added']} events added, {c['documents_added']} source "
         "document(s) stored")
    for e in outcome.events:
        _out(f"   {e['ref']} -> {e['event_id']}")

    from cedar.releases.build import build_release

    version = f"{dt.datetime.now(dt.timezone.utc):%Y.%m}.1"
    if releases.exists():
        shutil.rmtree(releases)
    _out(f"3. Building release {version} into {releases} (published only if every expectation passes)")
    built = build_release(version, db, releases)
    if not built.passed:
        _out(render_text(built.gate.report))
        _out(f"   Release {version} NOT published.")
        raise typer.Exit(1)
    _out(f"   published {built.folder}: " + ", ".join(f"{v} {k}" for k, v in built.row_counts.items()))
    _out(f'4. cedar query --db {db} "{DEMO_QUERY}"')
    names, rows = query.run(db, DEMO_QUERY)
    _out(query.as_table(names, rows))
    from cedar.cli_release import list_

    _out(f"5. cedar release list --store {releases}")
    list_(store=releases, output=OutputFormat.text, source=None)


# The other command groups register themselves on `app` when imported.
from cedar import cli_actors, cli_download, cli_import, cli_release, cli_store, cli_synth  # noqa: E402,F401


def main() -> None:
    try:
        app()
    except CedarError as exc:
        _out(f"Error: {exc.message}", err=True)
        if exc.hint:
            _out(f"Hint: {exc.hint}", err=True)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()

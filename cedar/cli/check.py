"""`cedar check` and `cedar codebook`: the rules a submission must pass, applied and written out.

The library modules are imported inside the commands: `cedar check` must start fast.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from cedar.cli import exits
from cedar.cli.common import (
    DEFAULT_DB,
    ENV_DB,
    EncodingOption,
    InputFormatOption,
    MaxErrorsOption,
    check_encoding,
    out,
    out_json,
)


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"


def check(
    files: Annotated[list[Path], typer.Argument(help="Submission files: .csv, .jsonl, .json or .parquet.",
                                                show_default=False)],
    output: Annotated[CheckFormat, typer.Option("--format", "-f", help="text for people, json for programs, csv "
                                                "for a table of the problems (one row each).")] = CheckFormat.text,
    max_errors: MaxErrorsOption = None,
    encoding: EncodingOption = "utf-8",
    input_format: InputFormatOption = None,
    db: Annotated[Optional[Path], typer.Option(
        "--db", envvar=ENV_DB, help=f"A store whose actor registry checks actor names (read-only); by default "
        f"{ENV_DB} or {DEFAULT_DB} if it exists. Without one, actor names are not checked.")] = None,
) -> None:
    """Check submission files against the rules that gate a release, and report every problem.

    Exit 0 when valid, 1 when the data has errors, 2 for a wrong call or an unreadable file.

    Example: cedar check my-events.csv --format json
    """
    from cedar.ingest.actors import open_registry
    from cedar.validate.engine import check_files
    from cedar.validate.render import cut_short, render_csv, render_text

    check_encoding(encoding)
    registry, note = open_registry(db)  # a busy store is not waited for: the check goes on without it
    result = check_files(files, registry=registry, input_format=input_format, encoding=encoding,
                         max_errors=max_errors)
    out(note, err=True)
    if output is CheckFormat.json:
        out_json(result.report.to_dict())
    elif output is CheckFormat.csv:  # UTF-8 bytes whatever the terminal's encoding; the table has its own line ends
        typer.echo(render_csv(result.report).encode("utf-8"), nl=False)
        if result.report.truncated:
            out(cut_short(result.report, after_counts=False), err=True)
    else:
        out(render_text(result.report))
    raise typer.Exit(exits.for_check(result))


def codebook(
    to: Annotated[Optional[Path], typer.Option(
        "--out", help="Folder to write codebook.md and event.schema.json into; without it the codebook is printed.")]
    = None,
) -> None:
    """Write the codebook (Markdown) and the JSON Schema, both generated from the event model.

    Example: cedar codebook --out docs
    """
    from cedar.schema.codebook import codebook_markdown, json_schema_text

    if to is None:
        out(codebook_markdown())
        return
    from cedar import paths

    paths.writable_folder(to, "--out folder")
    with paths.new_folder(to):
        for name, text in (("codebook.md", codebook_markdown()), ("event.schema.json", json_schema_text())):
            # the codebook's own two files, regenerated in place (`make codebook`); never through a link
            target = paths.output_file(to / name, "output file", ours=True)
            with paths.atomic_write(target, "w", encoding="utf-8") as fh:
                fh.write(text)
    out(f"Wrote {to / 'codebook.md'} and {to / 'event.schema.json'}")

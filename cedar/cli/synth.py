"""`cedar synth`: synthetic submissions of any size, for benchmarks and trials (the generator and its
gazetteer imported inside the command, so that `cedar --help` stays fast)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from cedar.cli.common import ForceOption, FormatOption, OutputFormat, out, out_json, progress
from cedar.errors import UsageError


def synth(
    n: Annotated[Optional[int], typer.Argument(min=1, help="How many events to write (not with --template).",
                                               show_default=False)] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same file.")] = 0,
    to: Annotated[Optional[Path], typer.Option("--out", "-o", help="CSV file to write.")] = None,
    faults: Annotated[float, typer.Option(
        "--faults", min=0.0, max=1.0,
        help="Share of rows with one planted fault of a kind the rules catch, e.g. 0.01.")] = 0.0,
    template: Annotated[bool, typer.Option(
        "--template", help="Write a CSV template instead: the header of every column a contributor fills, in the "
                           "codebook's order, and one example row coded by the codebook's conventions.")] = False,
    output: FormatOption = OutputFormat.text,
    force: ForceOption = False,
) -> None:
    """Write N realistic synthetic events as a CSV submission that passes `cedar check`.

    Real places (GeoNames towns with their countries), ACLED's event types with their own
    sub-event types, actors whose types fit the event, dates over the last eight years,
    fatalities, sources and verification statuses. With --faults, that share of rows carries
    one planted fault each (a wrong date, a sub-event type of another type, a point outside its
    country, ...).

    Example: cedar synth 1000000 --seed 1 --faults 0.01 --out events-1m.csv

    A template to fill by hand: cedar synth --template --out events.csv
    """
    from cedar import paths
    from cedar.ingest import synth as make

    if template:
        if n is not None or faults:
            raise UsageError("--template writes a header and one example row: give no N and no --faults.",
                             "Run `cedar synth --template --out events.csv`, or drop --template for N events.")
        path = paths.output_file(to or Path("template.csv"), "output file", force=force)
        make.write_template(path)
        if output == OutputFormat.json:
            out_json({"file": str(path), "template": True, "columns": make.template_columns()})
        else:
            out(f"wrote a template to {path}: its header and one example row; see docs/codebook.md for the columns "
                "and the coding conventions")
        return
    if n is None:
        raise UsageError("Give N, how many events to write, or --template for a CSV template.",
                         "For example `cedar synth 1000 --out events.csv`.")

    path = paths.output_file(to or Path(f"synth-{n}.csv"), "output file", force=force)
    with progress(f"Writing {path}") as tick:
        planted = make.write(path, n, seed=seed, faults=faults, on_row=tick)
    if output == OutputFormat.json:
        out_json({"file": str(path), "rows": n, "seed": seed, "fault_rate": faults,
                        "faults_planted": dict(sorted(planted.items()))})
        return
    out(f"wrote {n} events to {path}" + (f", {sum(planted.values())} with a planted fault" if faults else ""))
    for kind, count in sorted(planted.items()):
        out(f"   {count:>8}  {kind}")

"""`cedar synth`: synthetic submissions of any size, for benchmarks and trials (the generator and its
gazetteer imported inside the command, so that `cedar --help` stays fast)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from cedar.cli.common import ForceOption, FormatOption, OutputFormat, out, out_json, progress


def synth(
    n: Annotated[int, typer.Argument(min=1, help="How many events to write.", show_default=False)],
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same file.")] = 0,
    to: Annotated[Optional[Path], typer.Option("--out", "-o", help="CSV file to write.")] = None,
    faults: Annotated[float, typer.Option(
        "--faults", min=0.0, max=1.0,
        help="Share of rows with one planted fault of a kind the rules catch, e.g. 0.01.")] = 0.0,
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
    """
    from cedar import paths
    from cedar.ingest import synth as make

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

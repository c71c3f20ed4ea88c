"""`cedar release build|list|diff`.

Heavy modules (pyarrow, pandas, Great Expectations) are imported inside the commands, so that
`cedar --help` stays fast.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from cedar.cli import exits
from cedar.cli.common import (
    DEFAULT_DB,
    DEFAULT_RELEASES,
    DbOption,
    FormatOption,
    OutputFormat,
    ReleasesOption,
    out,
    out_json,
    releases_folder,
)


class Partition(str, Enum):
    """--partition of `cedar release build` (cedar.releases.partitions.MODES)."""
    auto = "auto"
    always = "always"
    never = "never"


app = typer.Typer(
    name="release",
    help="Build, list and compare versioned releases of the dataset.\n\n"
    "Example: cedar release build 2026.11.1 --releases data/releases",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


@app.command("build")
def build(
    version: Annotated[str, typer.Argument(help="The new version, YYYY.MM.N (e.g. 2026.11.1); it must sort after "
                                                "every published version.", show_default=False)],
    db: DbOption = DEFAULT_DB,
    releases: ReleasesOption = None,
    private: Annotated[bool, typer.Option(
        "--private", help="A private release: it may hold events whose terms forbid publishing them (ACLED's), "
        "and is marked private in its manifest, index entry and datapackage.json. Build it into a release "
        "store of its own and share it only with those the terms allow.")] = False,
    partition: Annotated[Partition, typer.Option(
        "--partition", help="The layout of the data files: auto partitions a release of more than 1,000,000 "
        "events into Parquet files by year (by month in a year of more than 2,000,000 events); always and "
        "never force one layout (docs/scale.md).")] = Partition.auto,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Build a release from the store: every file written, the gate run, and the release
    published only when every expectation passed.

    A public release holds only events whose terms allow publishing them: a store holding events
    imported from ACLED is refused (exit 1, nothing written) unless --private is given.

    Versions are YYYY.MM.N: year, two-digit month, then 1, 2, ... They sort as numbers and are
    kept apart from the schema version. A published version is never overwritten. Exit 0 when
    published, 1 when the gate failed (nothing published), 2 for a wrong call.

    Example: cedar release build 2026.11.1 --db data/cedar.duckdb --releases data/releases
    """
    from cedar.releases.build import build_release

    text = output is OutputFormat.text

    def step(message: str) -> None:
        if text:
            out(f"... {message}", err=True)

    from cedar.ingest.store import migrate

    migrate(db)  # a store whose ids have the earlier form (AZE12) gets the current ones before it is released
    result = build_release(version, db, releases_folder(releases, exists=False), step=step, private=private,
                           partition=partition.value)
    if not text:
        out_json(result.to_dict())
    else:
        _print_build(result)
    raise typer.Exit(exits.for_release(result))


def _print_build(result: Any) -> None:
    from cedar.validate.render import render_text

    gate = result.gate
    counts = ", ".join(f"{v} {k}" for k, v in result.row_counts.items())
    changes = ", ".join(f"{v} {k}" for k, v in result.changes.items())
    if result.passed:
        out(f"Published {'PRIVATE ' if result.private else ''}release {result.version} in {result.folder}")
        out(f"  previous: {result.previous or 'none (first release)'}")
        out(f"  rows: {counts}")
        out(f"  changes: {changes}")
        out(f"  gate: {len(gate.outcomes)} expectations passed ({gate.seconds:.1f} s); "
            f"report: {result.folder / 'validation' / 'report.html'}")
        out(f"  recorded in the store's releases table: "
            f"{'yes' if result.recorded_in_store else 'no (index.json is the authority)'}")
    else:
        out(render_text(gate.report))
        out(f"Release {result.version} NOT published: {gate.report.error_count} of {len(gate.outcomes)} "
            f"expectations failed. Nothing was written to the release store's index.")
        if result.rejected_report:
            out(f"Report: {result.rejected_report}")


@app.command("list")
def list_(releases: Annotated[Optional[str], typer.Option(
              "--releases", envvar="CEDAR_RELEASES", help="The release store: a folder, or an http(s):// URL of "
              "one (its index.json is read and checked, nothing is written); default $CEDAR_RELEASES, else "
              "data/releases.", show_default=False)] = None,
          output: FormatOption = OutputFormat.text) -> None:
    """List the published releases, newest first.

    Examples: cedar release list --releases data/releases ;
    cedar release list --releases https://example.org/cedar/releases
    """
    from cedar.releases.download import list_releases

    # a folder is read as a URL is, so both refuse alike what is not a release store
    path, published = list_releases(releases or str(DEFAULT_RELEASES))
    print_releases(path, published, output)


def print_releases(path: Path | str, releases: list[dict[str, Any]], output: OutputFormat) -> None:
    """A release store's index (cedar.releases.index.read_index), newest first."""
    if output is OutputFormat.json:
        out_json({"store": str(path), "releases": releases})
        return
    if not releases:
        out(f"No releases in {path}.")
        return
    out(f"{'version':12} {'created':22} {'events':>8}  {'previous':12} schema")
    for r in releases:
        out(f"{r['version']:12} {str(r.get('created', '')):22} {str(r.get('events', '')):>8}  "
            f"{str(r.get('previous_version') or '-'):12} {r.get('schema_version', '')}"
            + ("  private" if r.get("private") is True else ""))


@app.command("diff")
def diff(
    a: Annotated[str, typer.Argument(help="The older version.", show_default=False)],
    b: Annotated[str, typer.Argument(help="The newer version.", show_default=False)],
    releases: ReleasesOption = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Compare two published releases: the events added, updated and deleted from A to B.

    Example: cedar release diff 2026.10.1 2026.11.1 --releases data/releases
    """
    from cedar.releases.diff import diff_releases

    changes = diff_releases(releases_folder(releases), a, b)
    counts = changes.counts()
    if output is OutputFormat.json:
        out_json({"from": a, "to": b, "counts": counts, "added": changes.added, "updated": changes.updated,
                  "deleted": changes.deleted})
        return
    out(f"{a} -> {b}: {counts['added']} added, {counts['updated']} updated, {counts['deleted']} deleted, "
        f"{counts['unchanged']} unchanged")
    for label, ids in (("added", changes.added), ("updated", changes.updated), ("deleted", changes.deleted)):
        if ids:
            out(f"  {label}: {', '.join(ids)}")

"""`cedar sync`: bring a downloaded copy of a release up to the latest (or a named) release by fetching only
what changed, and optionally keep a DuckDB table of the user's own current (the library imported inside
the command, so that `cedar --help` stays fast)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from cedar.cli.common import FormatOption, OutputFormat, out, out_json, say
from cedar.cli.download import SourceOption, TimeoutOption, TriesOption, _Bar, _size
from cedar.errors import Interrupted


def sync(
    source: SourceOption = ...,  # type: ignore[assignment]
    to: Annotated[Path, typer.Option("--to", help="The folder `cedar download --to` filled: its newest release is "
                                                  "brought up to date (replaced by the new one).")] = Path("."),
    version: Annotated[str, typer.Option("--version", help="The release to bring the copy to (YYYY.MM.N), or "
                                                           "latest.")] = "latest",
    into: Annotated[Optional[Path], typer.Option(
        "--into", help="A DuckDB file of your own whose table `events` is kept current too (created if absent; "
                       "your own columns are kept).", show_default=False)] = None,
    timeout: TimeoutOption = 30.0,
    tries: TriesOption = 4,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Bring a downloaded release up to date by fetching only the changes of each release in between.

    Each release publishes the full rows of the events added or updated since the one before, and the
    ids deleted; sync checks them against the manifests, applies them, and checks the result against
    the target's manifest, so the copy ends up with the target's files byte for byte. A copy that is too
    old, damaged or edited by hand is replaced by a full download, with a line saying why. Exit 0 when the
    copy is current, 1 when the store or the connection is at fault (the old copy is left as it was), 2
    for a wrong call.

    Example: cedar sync --releases https://example.org/cedar/releases --to cedar-data --into my.duckdb
    """
    from cedar.releases.sync import sync as run

    as_json = output is OutputFormat.json
    bar = _Bar()
    try:
        result = run(source, to, version, into=into, timeout=timeout, tries=tries, listener=bar,
                     say=(lambda m: None) if as_json else say)
    except KeyboardInterrupt:
        raise Interrupted("Interrupted: the copy was left as it was; what was fetched so far was removed.",
                          "Run the same command again.") from None
    finally:
        bar.close()
    if as_json:
        out_json(result.to_dict())
        return
    c = result.counts
    if result.mode == "current":
        out(f"{result.folder} holds release {result.version} already: nothing to fetch.")
    elif result.mode == "delta":
        out(f"Synced {result.copy_version} -> {result.version} into {result.folder}: {c['added']} added, "
            f"{c['updated']} updated, {c['deleted']} deleted; fetched {_size(result.fetched_bytes)} of the "
            f"{_size(result.full_bytes)} a full download takes, in {result.seconds:.1f} s.")
    elif result.mode == "partitions":
        out(f"Synced {result.copy_version} -> {result.version} into {result.folder}: {len(result.fetched_files)} "
            f"file(s) new or changed and fetched, {result.kept_files} unchanged and kept; fetched "
            f"{_size(result.fetched_bytes)} of the {_size(result.full_bytes)} a full download takes, in "
            f"{result.seconds:.1f} s.")
    else:
        out(f"Downloaded release {result.version} into {result.folder} instead of applying changes "
            f"({result.reason}): {_size(result.fetched_bytes)} fetched in {result.seconds:.1f} s.")
    out("  every file matches the sha256 in the release's manifest.")
    if not result.selection.everything:
        out(f"  the copy keeps its part of the release: {result.selection.describe()} (selection.json).")
    if result.into is not None:
        i = result.into
        out(f"  {i['database']}: table {i['table']} {'created' if i['created'] else 'brought to ' + i['release']}: "
            f"{i['added']} added, {i['updated']} updated, {i['deleted']} deleted.")

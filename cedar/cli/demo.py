"""`cedar demo`: the whole path on the bundled seed, through the library functions behind the commands.

The library (DuckDB, pyarrow, Great Expectations) is imported inside the command, so that `cedar --help`
stays fast.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Annotated

import typer

from cedar.cli import exits
from cedar.cli.common import ForceOption, OutputFormat, out
from cedar.cli.release import print_releases
from cedar.errors import UsageError

DEMO_DB = Path("data/demo.duckdb")
DEMO_RELEASES = Path("data/demo-releases")
DEMO_MARK = ".cedar-demo"  # in the demo release store: the next demo may empty it
DEMO_QUERY = ("SELECT event_type, verification_status, count(*) AS events FROM events "
              "GROUP BY ALL ORDER BY event_type, verification_status")


def demo(
    db: Annotated[Path, typer.Option("--db", help="The demo store, created afresh on every run.")] = DEMO_DB,
    releases: Annotated[Path, typer.Option("--releases", help="The demo release store, emptied on every run.")]
    = DEMO_RELEASES,
    force: ForceOption = False,
) -> None:
    """Run the whole path on the bundled seed: a fresh store, the Nagorno-Karabakh sample ingested,
    a release built behind the gate, and a query.

    A store or release folder that an earlier `cedar demo` did not make is replaced only with --force.

    Example: cedar demo
    """
    from cedar.ingest import query
    from cedar.releases.index import read_index

    _may_replace(db, releases, force)
    _ingest_seed(db)
    _build(db, releases)
    out(f'4. cedar query --db {db} "{DEMO_QUERY}"')
    names, rows = query.run(db, DEMO_QUERY)
    out(query.as_table(names, rows))
    out(f"5. cedar release list --releases {releases}")
    print_releases(releases, read_index(releases), OutputFormat.text)


def _may_replace(db: Path, releases: Path, force: bool) -> None:
    """Refuse, before anything is removed, to replace a store or a release folder an earlier demo did not make."""
    from cedar import paths

    theirs: list[Path] = []
    if paths.optional_file(db, "demo store") and not _demo_store(db):
        theirs.append(db)
    paths.writable_folder(releases, "demo release store")
    if releases.is_dir() and any(releases.iterdir()) and not (releases / DEMO_MARK).is_file():
        theirs.append(releases)
    if theirs and not force:
        raise UsageError(f"cedar demo would remove {paths.describe(theirs)}, which an earlier cedar demo did not make.",
                         "Give other paths with --db and --releases, or add --force to remove them.")


def _demo_store(db: Path) -> bool:
    """A Cedar store that `cedar demo` made (it says so in store_meta)."""
    import duckdb

    from cedar.errors import CedarError
    from cedar.ingest import store

    try:
        with store.connect(db, write=False) as con:
            return con.execute("SELECT count(*) FROM store_meta WHERE key = 'made_by' AND value = 'cedar demo'")\
                .fetchone()[0] > 0
    except (CedarError, duckdb.Error):
        return False


def _ingest_seed(db: Path) -> None:
    from cedar.ingest import load, store
    from cedar.sample_data import seed_path
    from cedar.validate.render import render_text

    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    store.init(db)
    with store.connect(db, write=True) as con:  # so that the next demo may replace it without --force
        con.execute("INSERT INTO store_meta VALUES ('made_by', 'cedar demo')")
    out(f"1. Created a fresh store {db}")
    path = seed_path()
    out(f"2. Ingesting the bundled seed submission {path.name} (the checks of `cedar check`, then one transaction)")
    outcome = load.ingest(db, [path], submitter="cedar demo")
    out(render_text(outcome.report))
    if outcome.refused:
        raise typer.Exit(exits.for_outcome(outcome))
    c = outcome.counts
    out(f"   submission {outcome.submission_id}: {c['added']} events added, {c['documents_added']} source "
        "document(s) stored")
    for e in outcome.events:
        out(f"   {e['ref']} -> {e['event_id']}")


def _build(db: Path, releases: Path) -> None:
    from cedar.releases.build import build_release
    from cedar.validate.render import render_text

    version = f"{dt.datetime.now(dt.timezone.utc):%Y.%m}.1"
    if releases.exists():
        shutil.rmtree(releases)
    out(f"3. Building release {version} into {releases} (published only if every expectation passes)")
    try:
        built = build_release(version, db, releases)
    finally:
        if releases.is_dir():
            (releases / DEMO_MARK).touch()
    if not built.passed:
        out(render_text(built.gate.report))
        out(f"   Release {version} NOT published.")
        raise typer.Exit(exits.for_release(built))
    out(f"   published {built.folder}: " + ", ".join(f"{v} {k}" for k, v in built.row_counts.items()))

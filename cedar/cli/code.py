"""`cedar code`: propose coded events from a news report, with the sentences they rest on (the assist is
imported inside the command, so that `cedar --help` stays fast)."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from cedar.cli.common import DEFAULT_DB, ENV_DB, ForceOption, FormatOption, OutputFormat, out, out_json
from cedar.errors import InputError, UsageError


def _date(value: Optional[str]) -> Optional[dt.date]:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"--published {value!r} is not a date.", "Give it as YYYY-MM-DD, e.g. 2026-03-12.") from None


def code(
    article: Annotated[Path, typer.Argument(help="The report: a UTF-8 text file (a first line 'Published: "
                                                 "YYYY-MM-DD' is read when present).", show_default=False)],
    published: Annotated[Optional[str], typer.Option(
        "--published", help="Publication date YYYY-MM-DD, to which weekdays and 'yesterday' are anchored "
        "(default: the report's Published line, else a date in its file name).")] = None,
    source: Annotated[Optional[str], typer.Option(
        "--source", help="The outlet's name (default: read from the dateline).")] = None,
    to: Annotated[Optional[Path], typer.Option(
        "--out", "-o", help="Submission file (JSON) to write; default ARTICLE with .json beside it.")] = None,
    review: Annotated[bool, typer.Option(
        "--review", help="Also write an HTML page with the report and each event beside its highlighted "
        "sentences.")] = False,
    review_out: Annotated[Optional[Path], typer.Option(
        "--review-out", help="The review page's file (implies --review; default: the submission's name with "
        ".review.html).")] = None,
    output: FormatOption = OutputFormat.text,
    force: ForceOption = False,
    db: Annotated[Optional[Path], typer.Option(
        "--db", envvar=ENV_DB, help=f"A store whose actor registry gives actors their canonical names (read-only); "
        f"by default {ENV_DB} or {DEFAULT_DB} if it exists.")] = None,
) -> None:
    """Propose coded events from a news report: a submission that `cedar check` reads.

    Rules over the text (offline): one event per place, day, actor pair and sub-event type,
    with dates anchored to the publication date, the place from the gazetteer, actors, fatalities,
    claims and a verification status, and the sentences each rests on quoted as evidence. Every
    event is a proposal: a person checks it before it is submitted.

    Example: cedar code report.txt --out report.json --review
    """
    from cedar import paths
    from cedar.coding import review as pages
    from cedar.coding.propose import propose
    from cedar.ingest.actors import open_registry

    when = _date(published)
    src = paths.input_file(article, "report")
    if source is not None and not source.strip():
        raise UsageError("--source is empty.", "Give the outlet's name, or leave --source out.")
    try:
        raw = src.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"The report {src} is not UTF-8 text ({exc.reason} at byte {exc.start}).",
                         "Save it as UTF-8 and run again.") from None
    except OSError as exc:
        raise paths.disk_error(exc, src) from None
    target = paths.output_file(to or src.with_suffix(".json"), "submission file", force=force, inputs=[src])
    page_path = None
    if review or review_out is not None:
        page_path = paths.output_file(review_out or target.with_suffix(".review.html"), "review page", force=force,
                                      inputs=[src, target])
    # `cedar check` reads a document only inside the submission's folder
    document = os.path.relpath(src.resolve(), target.resolve().parent)
    outside = document.startswith("..") or os.path.isabs(document)
    registry, _ = open_registry(db)  # a store is optional: without one the seed registry's names are used
    proposal = propose(raw, published=when, source=source.strip() if source else None,
                       document=src.name if outside else document, name=src.name, registry=registry)
    if outside:
        proposal.unfilled.append(f"sources.document: the report is not in the submission's folder; copy {src.name} "
                                 f"beside {target.name} for `cedar check` to confirm the quoted evidence")
    with paths.atomic_write(target, encoding="utf-8") as fh:
        fh.write(json.dumps(proposal.events, ensure_ascii=False, indent=2) + "\n")
    if page_path is not None:
        with paths.atomic_write(page_path, encoding="utf-8") as fh:
            fh.write(pages.page(proposal, src.name))
    problems = _check(target) if proposal.events and not outside else []
    _say(proposal, target, page_path, problems, output)


def _check(target: Path) -> list[dict[str, Any]]:
    """What `cedar check` says of the written submission: the fields the assist could not fill right."""
    from cedar.validate.engine import check_files

    report = check_files([target]).report.to_dict()
    return [p for p in report.get("problems", []) if p.get("severity") == "error"]


def _say(proposal: Any, target: Path, page: Optional[Path], problems: list[dict[str, Any]],
         output: OutputFormat) -> None:
    events = proposal.events
    if output == OutputFormat.json:
        out_json({"file": str(target), "review": str(page) if page else None, "events": len(events),
                  "proposed": [_line(e) for e in events], "unfilled": proposal.unfilled,
                  "check_errors": problems})
        return
    out(f"proposed {len(events)} event(s) in {target}" + (f"; review page {page}" if page else ""))
    for e in events:
        out("  " + _line(e))
    for u in proposal.unfilled:
        out(f"  not filled: {u}")
    for p in problems:
        out(f"  cedar check: {p.get('field') or p.get('column')}: {p.get('message')}")
    if events:
        out("Every event is a machine proposal: check it against the report (the evidence quotes the sentences "
            "it rests on) before `cedar ingest`.")


def _line(e: dict[str, Any]) -> str:
    toll = "toll not stated" if e.get("fatalities") is None else f"{e['fatalities']} killed"
    end = f"..{e['event_date_end']}" if e.get("event_date_end") else ""
    return (f"{e['event_date']}{end} {e['sub_event_type']} in {e['location']} ({e.get('admin1') or '?'}): "
            f"{e['actor1']} / {e.get('actor2') or '-'}; {toll}; {e['verification_status']}")

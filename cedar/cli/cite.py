"""`cedar cite`: how to cite a release of the dataset, as text, BibTeX, CFF or JSON."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from cedar.cli.common import DEFAULT_RELEASES, ReleasesOption, out, out_json


class CiteFormat(str, Enum):
    text = "text"
    bibtex = "bibtex"
    cff = "cff"
    json = "json"


def cite(
    version: Annotated[str, typer.Argument(help="A published version (YYYY.MM.N) or latest.")] = "latest",
    releases: ReleasesOption = None,
    output: Annotated[CiteFormat, typer.Option(
        "--format", "-f", help="text for people, bibtex or cff (CITATION.cff) for reference managers, json for "
        "programs.")] = CiteFormat.text,
) -> None:
    """Print how to cite a release: its version, date and the sha256 of its manifest, and the datasets
    its events come from with their citations.

    --releases is a release store (folder or URL), a downloaded copy, or one release's folder. Exit 0
    when printed, 1 when the release is damaged or unreachable, 2 for a wrong call.

    Example: cedar cite 2026.11.1 --releases data/releases --format bibtex
    """
    from cedar.releases.citation import cite as cite_release

    cited = cite_release(releases or str(DEFAULT_RELEASES), version)
    if output is CiteFormat.json:
        out_json(cited.to_dict())
    elif output is CiteFormat.bibtex:
        out(cited.bibtex())
    elif output is CiteFormat.cff:
        out(cited.cff().rstrip("\n"))
    else:
        out(cited.text())

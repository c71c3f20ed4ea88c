"""`cedar export`: a downloaded release, or the events of it a filter keeps, written in a format an
analyst loads directly, chosen by the output's suffix:

    .dta      Stata (written by pyreadstat: the `export` extra)
    .xlsx     Excel, with the codebook as a second sheet (XlsxWriter: the `export` extra)
    .geojson  a FeatureCollection of points (RFC 7946: [longitude, latitude])
    .csv      ACLED's 31-column layout, as the release's events-acled.csv

One row per event, in the release's order (natural order of event ids). Inter codes are written as
numbers (ACLED's codes, as events-acled.csv has them) or, with inter="labels", as the codebook's
labels (inter1, inter2 and interaction as text). Filters are combined with AND; values of one
filter with OR. The file is made under a temporary name and renamed when complete.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cedar import paths
from cedar.errors import UsageError
from cedar.schema import vocab

from . import export_formats, localrelease, long_forms
from . import version as versions
from .index import INDEX
from .manifest import MANIFEST

# The output's suffix -> its format.
FORMATS = {".dta": "stata", ".xlsx": "excel", ".geojson": "geojson", ".csv": "acled-csv"}
INTER_FORMS = ("numbers", "labels")


@dataclass(frozen=True)
class Filters:
    """Which events to export: each filter given narrows the export (AND); the values of one filter
    are alternatives (OR). Countries are ISO 3166 alpha-3 codes or country names, in any case."""

    countries: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    event_types: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"country": list(self.countries), "since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None, "event_type": list(self.event_types)}

    def where(self) -> str:
        """The SQL condition over the events view (values checked by `check`, quoted as literals)."""
        terms = []
        if self.countries:
            listed = ", ".join(_literal(c.casefold()) for c in self.countries)
            terms.append(f"(lower(iso3) IN ({listed}) OR lower(country) IN ({listed}))")
        if self.since:
            terms.append(f"event_date >= DATE '{self.since.isoformat()}'")
        if self.until:
            terms.append(f"event_date <= DATE '{self.until.isoformat()}'")
        if self.event_types:
            terms.append(f"event_type IN ({', '.join(_literal(t) for t in self.event_types)})")
        return " AND ".join(terms) or "TRUE"

    def check(self) -> None:
        for value in (*self.countries, *self.event_types):
            if not value.strip() or _CONTROL.search(value):
                raise UsageError(f"The filter value {value!r} is empty or holds control characters.",
                                 "Give a country name or code, or an event type, as plain text.")
        known = {t.casefold(): t for t in vocab.EVENT_TYPES}
        for t in self.event_types:
            if t.casefold() not in known:
                raise UsageError(f"'{t}' is not an event type.", "Event types: " + ", ".join(vocab.EVENT_TYPES) + ".")
        if self.since and self.until and self.since > self.until:
            raise UsageError(f"--since {self.since} is after --until {self.until}: no event can match.",
                             "Give a --since on or before --until.")

    def normalised(self) -> Filters:
        known = {t.casefold(): t for t in vocab.EVENT_TYPES}
        return Filters(tuple(c.strip() for c in self.countries), self.since, self.until,
                       tuple(known[t.casefold()] for t in self.event_types))


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass
class ExportResult:
    path: Path
    format: str
    version: str
    rows: int
    inter: str
    filters: Filters
    notes: list[str] = field(default_factory=list)  # what was changed to fit the format (names, cut text)

    def to_dict(self) -> dict[str, Any]:
        return {"file": str(self.path), "format": self.format, "version": self.version, "rows": self.rows,
                "inter": self.inter, "filters": self.filters.to_dict(), "notes": self.notes}


def format_of(out: Path) -> str:
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise UsageError(f"Cannot tell the format of {out.name!r} from its suffix.",
                         "End the --out file in " + ", ".join(FORMATS) + " (Stata, Excel, GeoJSON, ACLED-layout CSV).")
    return fmt


def release_folder(releases: Path, version: str | None) -> Path:
    """The release to export: `releases` itself when it is one, else its version `version` (or its
    newest) in a folder of releases (a release store, or the --to folder of `cedar download`)."""
    if version is None:
        return localrelease.find_release(releases)
    versions.parse(version)
    if (releases / MANIFEST).is_file():
        found = releases.resolve().name
        if found != version:
            raise UsageError(f"{releases} is release {found}, not {version}.",
                             "Leave out --version, or give the folder that holds the versions with --releases.")
        return releases
    localrelease.find_release(releases)  # a folder of releases at all, or a clear error
    folder = releases / version
    if not (folder / MANIFEST).is_file():
        held = sorted((p.name for p in releases.iterdir() if versions.is_version(p.name) and (p / MANIFEST).is_file()),
                      key=versions.sort_key)
        where = "its index.json" if (releases / INDEX).is_file() else "it"
        raise UsageError(f"Release {version} is not in {releases}.",
                         f"Releases there: {', '.join(held)} (see {where}); or download {version} with "
                         "`cedar download VERSION --releases URL --to DIR`.")
    return folder


def export_release(releases: Path, out: Path, *, version: str | None = None, filters: Filters | None = None,
                   inter: str = "numbers", force: bool = False) -> ExportResult:
    """Write the events of a downloaded release that `filters` keeps to `out`, in the format of its
    suffix; returns what was written."""
    fmt = format_of(out)
    if inter not in INTER_FORMS:
        raise UsageError(f"--inter {inter!r} is neither of {', '.join(INTER_FORMS)}.",
                         "Give --inter numbers (ACLED's codes) or --inter labels.")
    filters = filters or Filters()
    filters.check()
    filters = filters.normalised()
    folder = release_folder(releases, version)
    # never over a file of the release itself, even with --force
    paths.output_file(out, force=force, inputs=[p for p in folder.iterdir() if p.is_file()])
    if fmt == "acled-csv":
        paths.engine_name(out, "output file")  # DuckDB writes this one
    export_formats.require(fmt)  # a missing optional library is said before any work
    con = localrelease.connect(folder, locked=False)
    try:
        found = _release_version(folder)
        _check_countries(con, filters, found)
        # the ACLED layout makes its own cells from the numbers (releases/acled_export.py)
        as_read = "numbers" if fmt == "acled-csv" else inter
        con.execute(f"CREATE TEMP VIEW selected AS {selected_sql(filters, as_read)}")
        rows = int(con.execute("SELECT count(*) FROM selected").fetchall()[0][0])
        result = ExportResult(out, fmt, found, rows, inter, filters)
        if not rows:
            result.notes.append("No event of the release matches the filters: the file holds the columns only.")
        export_formats.check_size(fmt, rows)
        paths.write_via(out, lambda tmp: export_formats.write(fmt, con, tmp, result))
    finally:
        con.close()
    return result


def selected_sql(filters: Filters, inter: str) -> str:
    """The exported rows: the events the filters keep, inter codes as numbers or labels."""
    columns = "*"
    if inter == "labels":
        columns = (f"* REPLACE ({long_forms.inter_label_sql('inter1')} AS inter1, "
                   f"{long_forms.inter_label_sql('inter2')} AS inter2, "
                   f"{long_forms.interaction_label_sql('inter1', 'inter2')} AS interaction)")
    return f"SELECT {columns} FROM events WHERE {filters.where()}"


def _release_version(folder: Path) -> str:
    import json

    try:
        found = json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError, AttributeError):
        found = None
    return found if isinstance(found, str) and versions.is_version(found) else folder.resolve().name


def _check_countries(con: Any, filters: Filters, version: str) -> None:
    """A country that no event of the release has (a misspelling, say) is a wrong call, not an empty file."""
    for c in filters.countries:
        hit = con.execute("SELECT count(*) FROM events WHERE lower(iso3) = $c OR lower(country) = $c",
                          {"c": c.casefold()}).fetchall()[0][0]
        if not hit:
            held = [r[0] for r in con.execute("SELECT DISTINCT country FROM events ORDER BY 1 LIMIT 30").fetchall()]
            raise UsageError(f"No event of release {version} is in '{c}'.",
                             "Countries in it: " + ", ".join(map(str, held)) + " (a name or an ISO alpha-3 code).")

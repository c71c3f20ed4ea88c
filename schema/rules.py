"""The rules an event must keep, declared once: a stable code, the column it is reported on,
a message template that says how to fix the value, and the check itself.

The declarations are apart from the engine that runs them (`cedar.validate.rows`), so that the
codebook lists them and other engines can run the same rules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from . import countries, derive, flat, vocab
from .model import INTERACTION_RANGE, MAX_FATALITIES, MAX_VERSION, Event


@dataclass(frozen=True)
class Rule:
    code: str
    template: str  # rendered with the finding's params plus {field} and {value}
    doc: str  # one line for the codebook
    check: Callable[[Any, "Context"], Iterator["Finding"]] | None = None  # None: enforced by the model's types
    columns: tuple[str, ...] = ()  # the columns it is about, for the codebook ("sources.x": the sources table's)
    severity: str = "error"  # "warning": reported, and the row still passes
    fills: bool = False  # runs before the others and may fill or replace values of the row (places, actors)

    def render(self, **params: Any) -> str:
        return self.template.format(**params)


@dataclass(frozen=True)
class Finding:
    field: str
    value: Any
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    """What rules may need beyond the row: today's date and the source documents' texts."""

    today: dt.date = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).date())
    documents: dict[str, str | None] = field(default_factory=dict)  # path as written -> text (None: unreadable)
    actors: Any = None  # the store's actor registry (cedar.ingest.actors.Registry), None without a store
    row_failed: set[str] = field(default_factory=set)  # fields of the current row already found faulty
    _hashes: dict[str, str] = field(default_factory=dict, repr=False)

    def sha256(self, name: str, text: str) -> str:
        """The sha256 of a document's text, worked out once however many events cite it."""
        if name not in self._hashes:
            self._hashes[name] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return self._hashes[name]


RULES: dict[str, Rule] = {}


def declare(code: str, template: str, doc: str, check: Callable | None = None, columns: tuple[str, ...] = (),
            severity: str = "error", fills: bool = False) -> Rule:
    rule = Rule(code, template, doc, check, columns, severity, fills)
    RULES[code] = rule
    return rule


def rule(code: str, template: str, doc: str, columns: tuple[str, ...] = (), severity: str = "error",
         fills: bool = False) -> Callable:
    def register(fn: Callable) -> Callable:
        declare(code, template, doc, fn, columns, severity, fills)
        return fn

    return register


# Rules the model's types enforce; the row engine maps Pydantic's error kinds onto these codes.
declare("missing-value", "{field} is required: give a value.", "A required column is empty.")
declare("not-in-vocabulary", "'{value}' is not a permitted {field}. Use one of: {allowed}.",
        "A value outside its controlled vocabulary.")
declare("not-a-number", "'{value}' in {field} is not a number: write a decimal number such as 39.8153.",
        "Text in a number column.")
declare("not-an-integer", "'{value}' in {field} is not a whole number: write digits only, such as 6.",
        "Text or a fraction in a whole-number column.")
declare("not-a-date", "'{value}' in {field} is not a date: write it as YYYY-MM-DD, such as 2023-09-19.",
        "A date that cannot be read.")
declare("not-a-timestamp", "'{value}' in {field} is not a time: write it as ISO 8601, such as 2023-09-19T12:00:00Z.",
        "A timestamp that cannot be read.")
declare("not-a-boolean", "'{value}' in {field} is not true or false.", "A yes/no column with another value.")
declare("out-of-range", "{value} in {field} is out of range: it must be {bound}.",
        f"A number outside its range (latitude -90..90, longitude -180..180, fatalities 0..{MAX_FATALITIES:,}, "
        f"interaction {INTERACTION_RANGE[0]}..{INTERACTION_RANGE[1]}, version 1..{MAX_VERSION:,}).")
declare("bad-format", "'{value}' in {field} does not have the expected form: {expected}.",
        "A code that does not match its pattern (event ids, ISO codes, hashes).")
declare("unexpected-field", "{field} is not a field of this part of the event: remove it or check its spelling.",
        "A nested object carries a key the model does not know.")
declare("invalid-value", "'{value}' in {field} is not valid: {detail}.", "A value the model cannot accept.")


# Rules the readers enforce on a whole file, its header or a row's shape, before any event is built.
declare("file-not-found", "There is no file '{value}': check the path.", "A file named on the command line does not exist.")
declare("unreadable-file", "Cannot read '{value}': {reason}.", "The file exists but the system refuses to read it.")
declare("unknown-format", "Cannot tell the format of '{value}' ({reason}): name the file .csv, .jsonl, .json or "
        ".parquet, or pass --input-format csv, jsonl, json or parquet.",
        "The file's ending (or --input-format) names no format Cedar reads.")
declare("empty-file", "The file is empty: a submission needs {needs}.", "A file with no content (or only blank lines).")
declare("no-rows", "The file has {has} but no events: add at least one event.",
        "A header, an empty array or a schema, and no records.")
declare("not-utf8", "Line {line} has bytes that are not UTF-8 ({bad} at byte {position} of the line): save the file "
        "as UTF-8, or name its encoding with --encoding (for example --encoding cp1252 or --encoding latin-1).",
        "A text file that is not UTF-8, read without --encoding.")
declare("bad-encoding", "Line {line} has bytes that are not {encoding} ({bad} at byte {position} of the line): name the "
        "file's real encoding with --encoding, or save it as UTF-8 and leave --encoding out.",
        "A text file that does not decode with the --encoding given.")
declare("bad-csv", "Line {line} cannot be read as CSV ({detail}): check its quotation marks; a quote inside a quoted "
        "value is written twice (\"\").", "Text the CSV reader cannot split into cells, such as a stray quote.")
declare("wrong-separator", "The columns are separated by {separator}, not commas: save the file as CSV with commas "
        "between columns (in a spreadsheet: Save As, CSV UTF-8, comma-delimited).",
        "A CSV file whose columns are separated by ';' or tabs.")
declare("missing-columns", "The header lacks required column(s): {missing}. Add them (see `cedar codebook`); the header "
        "has: {header}.", "Required columns absent from a flat file's header (one problem naming them all).")
declare("unknown-column", "'{value}' is not a Cedar column: {hint}",
        "A header names a column the model does not have (with the closest column, if one is close).")
declare("duplicate-column", "Column '{value}' appears twice in the header: keep one.", "A header names a column twice.")
declare("wrong-cell-count", "This row has {value} cells and the header {header_cells}: a value with a comma must be in "
        "double quotes, and every row needs one cell per column.", "A CSV row with more or fewer cells than the header.")
declare("invalid-json", "Line {line} is not valid JSON ({detail}): {fix}.", "Text that cannot be read as JSON.")
declare("not-an-object", "Record {row} is {kind}, not an object: each event is a JSON object with the event's fields.",
        "A JSON record that is not an object.")
declare("bad-parquet", "The file cannot be read as Parquet ({detail}): export it again.",
        "A damaged or truncated Parquet file.")

# Values a submission may use once, across all its files (cedar.validate.repeats); `first` says where
# the value was used first ("row 3", or "row 3 of other.csv").
declare("duplicate-ref", "ref '{value}' is also used in {first}: each row's ref must be its own, so that the report "
        "can say which id each row was given.", "Two rows of one submission (in any of its files) share a ref.")
declare("duplicate-event-id", "{value} is also named in {first}: a submission may change an event once; merge the "
        "two rows.", "Two rows of one submission (in any of its files) name the same event_id.")


# What only the store can find, at `cedar ingest`, `cedar delete` and `cedar import --ingest`.
declare("already-ingested", "This file is already in the store: submission {value} brought it in on {received}{by}. "
        "Nothing from it is ingested again.", "A file whose bytes the store already holds is not ingested twice.",
        severity="warning")
declare("unknown-event-id", "There is no event {value} in the store: {fix}",
        "A row names an event_id the store does not hold (to update, or to delete).")
declare("event-deleted", "{value} was deleted by submission {submission} (reason: {reason}) and cannot be updated; ids "
        "are never reused. If the event must come back, leave event_id empty to add it as a new event.",
        "A row updates an event that was deleted.")
declare("stale-version", "The row says version {value} of {event_id}, but the store holds version {current}: the event "
        "changed since this row was coded from it. Start from the current version, or leave version empty.",
        "A row coded from an older version of an event than the store's current one.")
declare("possible-duplicate", "This row ({event_id}) may be the same event as {other}: same event_date, event_type and "
        "actor1, {km} km apart. If it is, {fix}; nothing is merged for you.",
        "A new event with the same date, type and actor1 as a stored event or another row, within a few km "
        "(a warning: nothing is merged).", severity="warning")
declare("possible-duplicates-not-listed", "{value} more rows may duplicate an earlier row or a stored event (only the "
        "first {listed} are listed).", "possible-duplicate warnings beyond the first ones are counted, not listed.",
        severity="warning")
declare("missing-reason", "A deletion needs a reason (e.g. 'retracted by the outlet', 'duplicate of AZE3'): it is "
        "published with the deletion.", "A row of a deletion list without a reason.")
declare("already-deleted", "{value} was already deleted{by}: {fix}", "A deletion names an event deleted before (an "
        "error in a deletion list, a warning in an imported deletions file).")
declare("not-held", "{value} is not in the store: nothing to delete.", "An imported deletion names an event the store "
        "never held.", severity="warning")
declare("deleted-in-store", "{value} was held as {event_id}, which was deleted from the store; it is not brought back "
        "(ids are never reused). To add it again as a new event, remove its external id from the deletion's record "
        "first.", "An imported row whose event was deleted from the store.", severity="warning")
declare("likely-match", "{first} ({first_label}) and {value} ({label}) look like the same event in two datasets: "
        "{first_type} / {type}, {days} day(s) and {km} km apart. They are linked as corroboration, not merged.",
        "Events of two datasets that look alike are linked (event_links), never merged.", severity="warning")
declare("no-final-line-break", "The file does not end with a line break, as complete exports do: its last row may be "
        "cut off. It was imported because it reads as a whole row; compare it with the source.",
        "An imported export whose last line has no line break.", severity="warning")
declare("unknown-layout", "{file} is not in a layout this importer knows: it has {value}; expected {expected}.{hint}",
        "An export in a layout the importer does not know (its columns say which).")


# Rules that fill or replace values before the others run (their findings say what was changed).
@rule("place-filled",
      "latitude and longitude were empty and are filled from the gazetteer: '{value}' is {how}. Filled: "
      "latitude {latitude}, longitude {longitude}, admin1 {admin1}, admin2 {admin2}, geo_precision "
      "{geo_precision}. Check them, or give the coordinates yourself.",
      "A row without coordinates whose location (or admin2, admin1) names a place in its country gets the "
      "place's coordinates, admin1, admin2 and a geo_precision (exact for a town, region for an admin1); a warning "
      "that says how the place was found.",
      columns=("location", "latitude", "longitude", "admin1", "admin2", "geo_precision", "region"),
      severity="warning", fills=True)
def _fill_place(e: Any, ctx: Context) -> Iterator[Finding]:
    if ctx.row_failed & {"latitude", "longitude", "iso3"}:
        return  # a coordinate was given and is faulty: reported as such, never replaced
    from . import places

    for name, value, params in places.fill(e):
        yield Finding(name, value, params)


@rule("place-not-found",
      "latitude and longitude are empty and '{value}' names no place in {iso3} that the gazetteer knows: give the "
      "coordinates, or a town's name (GeoNames spelling or an alternate name) in location.",
      "A row without coordinates needs a location the gazetteer can find within the stated country.",
      columns=("location", "latitude", "longitude"), fills=True)
def _place_not_found(e: Any, ctx: Context) -> Iterator[Finding]:
    if ctx.row_failed & {"latitude", "longitude", "iso3"}:
        return
    if e.latitude is None and e.longitude is None and e.iso3 and countries.is_iso3(e.iso3):
        yield Finding("latitude", e.location or e.admin1 or "", {"iso3": e.iso3})


_ACTOR_FIELDS = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")


@rule("actor-alias-replaced",
      "'{value}' in {field} is an alias of '{canonical}' in the actor registry and was replaced by it.",
      "An actor name that the registry knows as an alias is replaced by its canonical name (a warning listing "
      "each replacement; checks without a store have no registry).",
      columns=_ACTOR_FIELDS, severity="warning", fills=True)
def _actor_alias(e: Any, ctx: Context) -> Iterator[Finding]:
    if ctx.actors is None:
        return
    for name in ("actor1", "actor2"):
        value = getattr(e, name)
        canonical = ctx.actors.canonical(value) if value else None
        if canonical and canonical != value:
            setattr(e, name, canonical)
            yield Finding(name, value, {"canonical": canonical})
    for name in ("assoc_actor_1", "assoc_actor_2"):
        items = list(getattr(e, name) or ())
        for i, value in enumerate(items):
            canonical = ctx.actors.canonical(value) if value else None
            if canonical and canonical != value:
                items[i] = canonical
                yield Finding(f"{name}[{i}]", value, {"canonical": canonical})
        if items != list(getattr(e, name) or ()):
            setattr(e, name, items)


@rule("unknown-actor",
      "'{value}' in {field} is not in the actor registry. Closest names: {closest}. Use one of them if it is "
      "meant, or add the actor (a new actor enters the registry when the submission is ingested).",
      "An actor the registry does not know is a warning naming the three closest registry names.",
      columns=_ACTOR_FIELDS, severity="warning")
def _unknown_actor(e: Any, ctx: Context) -> Iterator[Finding]:
    if ctx.actors is None:
        return
    for name in ("actor1", "actor2"):
        value = getattr(e, name)
        if value and not ctx.actors.known(value):
            yield Finding(name, value, {"closest": ctx.actors.closest_text(value)})
    for name in ("assoc_actor_1", "assoc_actor_2"):
        for i, value in enumerate(getattr(e, name) or ()):
            if value and not ctx.actors.known(value):
                yield Finding(f"{name}[{i}]", value, {"closest": ctx.actors.closest_text(value)})


@rule("actor-type-contradicts-registry",
      "{field} is {value} but the actor registry has '{actor}' as type {expected} ({label}): correct {field}, or "
      "check that the actor is the one meant.",
      "inter1 and inter2 agree with the actor type the registry holds for actor1 and actor2.",
      columns=("actor1", "inter1", "actor2", "inter2"))
def _actor_type(e: Any, ctx: Context) -> Iterator[Finding]:
    if ctx.actors is None:
        return
    for actor, inter in (("actor1", "inter1"), ("actor2", "inter2")):
        name, given = getattr(e, actor), getattr(e, inter)
        expected = ctx.actors.type_of(name) if name else None
        if expected and given and given != expected:
            yield Finding(inter, given, {"actor": name, "expected": expected,
                                         "label": vocab.ACTOR_TYPES.get(expected, "")})


@rule("sub-event-not-in-type",
      "'{value}' is a sub-event type of {actual_type}, not of {event_type}: change event_type to "
      "{actual_type} or pick a sub-event type of {event_type} ({allowed}).",
      "sub_event_type belongs to its event_type.",
      columns=("event_type", "sub_event_type"))
def _sub_event_in_type(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.event_type and e.sub_event_type and vocab.EVENT_TYPE_OF[e.sub_event_type] != e.event_type:
        yield Finding("sub_event_type", e.sub_event_type, {
            "actual_type": vocab.EVENT_TYPE_OF[e.sub_event_type], "event_type": e.event_type,
            "allowed": ", ".join(vocab.SUB_EVENT_TYPES[e.event_type])})


@rule("disorder-type-mismatch",
      "disorder_type '{value}' disagrees with sub_event_type '{sub_event_type}', whose disorder type is "
      "'{expected}': leave disorder_type empty (it is derived) or write '{expected}'.",
      "A submitted disorder_type must agree with the one derived from sub_event_type.",
      columns=("disorder_type", "sub_event_type"))
def _disorder_type(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.disorder_type and e.sub_event_type:
        expected = vocab.disorder_type_of(e.sub_event_type)
        if e.disorder_type != expected:
            yield Finding("disorder_type", e.disorder_type, {"sub_event_type": e.sub_event_type, "expected": expected})


@rule("interaction-mismatch",
      "interaction {value} disagrees with inter1 {inter1} and inter2 {inter2}, which give {expected}: "
      "leave interaction empty (it is derived) or write {expected}.",
      "A submitted interaction must equal ACLED's rule applied to inter1 and inter2.",
      columns=("interaction", "inter1", "inter2"))
def _interaction(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.interaction is not None and e.inter1:
        expected = vocab.interaction_of(e.inter1, e.inter2)
        if e.interaction != expected:
            yield Finding("interaction", e.interaction, {"inter1": e.inter1, "inter2": e.inter2 or 0, "expected": expected})


@rule("civilian-targeting-mismatch",
      "civilian_targeting {value} disagrees with event_type '{event_type}' and target_kind '{target_kind}', "
      "which give {expected}: leave civilian_targeting empty (it is derived) or correct target_kind.",
      "A submitted civilian_targeting must agree with the one derived from event type and target kind.",
      columns=("civilian_targeting", "event_type", "target_kind"))
def _civilian_targeting(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.civilian_targeting is not None and e.event_type:
        expected = derive.civilian_targeting(e.event_type, e.target_kind)
        if e.civilian_targeting != expected:
            yield Finding("civilian_targeting", e.civilian_targeting,
                          {"event_type": e.event_type, "target_kind": e.target_kind, "expected": expected})


@rule("source-scale-mismatch",
      "source_scale '{value}' disagrees with the scales of the sources, which give '{expected}': "
      "leave source_scale empty (it is derived) or correct the sources' scale.",
      "A submitted source_scale must agree with the one derived from the sources.",
      columns=("source_scale", "sources.scale"))
def _source_scale(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.source_scale is not None and any(s.scale for s in e.sources or ()):
        expected = derive.source_scale(e.sources)
        if e.source_scale != expected:
            yield Finding("source_scale", e.source_scale, {"expected": expected})


@rule("end-before-start",
      "event_date_end {value} is before event_date {event_date}: swap them or correct the end date.",
      "event_date <= event_date_end.",
      columns=("event_date", "event_date_end"))
def _end_before_start(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.event_date and e.event_date_end and e.event_date_end < e.event_date:
        yield Finding("event_date_end", e.event_date_end, {"event_date": e.event_date})


@rule("span-needs-end",
      "date_precision is 'span' but event_date_end is empty: give the last day of the span, or use "
      "'week' or 'month' precision.",
      "A span has an end date.",
      columns=("date_precision", "event_date_end"))
def _span_needs_end(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.date_precision == "span" and e.event_date_end is None:
        yield Finding("event_date_end", None)


@rule("date-in-future",
      "{field} {value} is in the future (today is {today}): events are coded after they happen; correct the year.",
      "No date after today (the event's dates and its sources' publication dates).",
      columns=("event_date", "event_date_end", "sources.published"))
def _date_in_future(e: Any, ctx: Context) -> Iterator[Finding]:
    for name in ("event_date", "event_date_end"):
        value = getattr(e, name)
        if value and value > ctx.today:
            yield Finding(name, value, {"today": ctx.today})
    for i, s in enumerate(e.sources or ()):
        if s.published and s.published > ctx.today:
            yield Finding(f"sources[{i}].published", s.published, {"today": ctx.today})


@rule("fatalities-out-of-order",
      "{field} {value} breaks fatalities_low <= fatalities <= fatalities_high ({low} <= {best} <= {high}): "
      "correct the estimates.",
      "fatalities_low <= fatalities <= fatalities_high.",
      columns=("fatalities", "fatalities_low", "fatalities_high"))
def _fatalities_order(e: Any, ctx: Context) -> Iterator[Finding]:
    low, best, high = e.fatalities_low, e.fatalities, e.fatalities_high
    shown = {"low": _show(low), "best": _show(best), "high": _show(high)}
    if low is not None and high is not None and low > high:
        yield Finding("fatalities_low", low, shown)
    elif best is not None and low is not None and low > best:
        yield Finding("fatalities_low", low, shown)
    elif best is not None and high is not None and best > high:
        yield Finding("fatalities_high", high, shown)


def _show(v: Any) -> str:
    return "empty" if v is None else str(v)


@rule("protest-with-fatalities",
      "A peaceful protest has {value} fatalities: if people died, code it as 'Protest with intervention' or "
      "'Excessive force against protesters'; otherwise write 0 or leave it empty.",
      "Peaceful protests have no fatalities.",
      columns=("sub_event_type", "fatalities"))
def _protest_fatalities(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.sub_event_type == "Peaceful protest" and e.fatalities:
        yield Finding("fatalities", e.fatalities)


@rule("battle-needs-two-armed-actors",
      "A battle needs two armed actors, but {field} is {shown}: give actor2 with an armed actor type "
      "(1-4 or 8), or code the event as another type.",
      "Battles have two armed actors (inter codes 1, 2, 3, 4 or 8 on both sides).",
      columns=("event_type", "inter1", "actor2", "inter2"))
def _battle_actors(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.event_type != "Battles":
        return
    if e.inter1 is not None and e.inter1 not in vocab.ARMED_ACTOR_TYPES:
        yield Finding("inter1", e.inter1, {"shown": e.inter1})
    if not e.actor2:
        yield Finding("actor2", e.actor2, {"shown": "empty"})
    elif e.inter2 is not None and e.inter2 not in vocab.ARMED_ACTOR_TYPES:
        yield Finding("inter2", e.inter2, {"shown": e.inter2})


@rule("violence-against-civilians-needs-civilian-target",
      "Violence against civilians must have civilians as its target, but target_kind is '{value}': "
      "set target_kind to 'civilians' (and inter2 to 7), or code the event as another type.",
      "Violence against civilians has target_kind 'civilians' and, when actor2 is given, inter2 7.",
      columns=("event_type", "target_kind", "inter2"))
def _vac_target(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.event_type != "Violence against civilians":
        return
    if e.target_kind != "civilians":
        yield Finding("target_kind", e.target_kind)
    elif e.actor2 and e.inter2 not in (None, 7):
        yield Finding("inter2", e.inter2)


@rule("second-actor-type-without-actor",
      "inter2 is {shown} but {problem}: {fix}.",
      "inter2 is 0 or empty exactly when there is no actor2, and set when there is one.",
      columns=("actor2", "inter2"))
def _inter2_actor2(e: Any, ctx: Context) -> Iterator[Finding]:
    if not e.actor2 and e.inter2:
        yield Finding("inter2", e.inter2, {"shown": e.inter2, "problem": "actor2 is empty",
                                           "fix": "name actor2, or set inter2 to 0"})
    elif e.actor2 and not e.inter2:
        yield Finding("inter2", e.inter2, {
            "shown": _show(e.inter2), "problem": f"actor2 is '{e.actor2}'",
            "fix": "give actor2's actor type (1-8) in inter2, or leave actor2 empty"})


@rule("unknown-country",
      "'{value}' is not an ISO 3166-1 alpha-3 country code: use the code of the country, e.g. AZE for Azerbaijan.",
      "iso3 is an assigned ISO 3166-1 alpha-3 code.",
      columns=("iso3",))
def _known_country(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.iso3 and not countries.is_iso3(e.iso3):
        yield Finding("iso3", e.iso3)


@rule("iso3-country-mismatch",
      "country '{value}' does not match iso3 {iso3} ({expected}): correct one of the two.",
      "iso3 matches country.",
      columns=("country", "iso3"))
def _iso3_matches(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.iso3 and e.country and countries.is_iso3(e.iso3) and not countries.name_matches_code(e.country, e.iso3):
        yield Finding("country", e.country, {"iso3": e.iso3, "expected": countries.country_name(e.iso3)})


def _cell(e: Any) -> tuple[float, float]:
    """The point to 0.01 degree (about a kilometre, well within the border tolerance), as the gazetteer
    answers it: rows at nearby points share one cached answer."""
    return round(e.latitude * 100) / 100, round(e.longitude * 100) / 100  # places.cells, one point at a time


@rule("point-outside-country",
      "The point {value} lies outside {country} ({iso3}): {found}. Check the coordinates (swapped latitude and "
      "longitude? a lost minus sign?) or the country.",
      "latitude and longitude lie inside the stated country, judged by the nearest GeoNames places: a tolerance "
      "of 25 km near borders and coasts (wider where the country has few places); the country found is named.",
      columns=("latitude", "longitude", "iso3"))
def _point_in_country(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.latitude is None or e.longitude is None or not e.iso3 or not countries.is_iso3(e.iso3):
        return
    from . import places

    found = places.point_outside(e.iso3, *_cell(e))
    if found is not None:
        yield Finding("latitude", f"{e.latitude}, {e.longitude}", {"country": e.country, "iso3": e.iso3,
                                                                     "found": found})


@rule("point-maybe-outside-country",
      "The point {value} may lie outside {iso3}: it is {km} km from a place of {found} and {own_km} km from the "
      "nearest place of {iso3} ({nearest}). Check the coordinates and the country.",
      "A point past the border tolerance but not beyond doubt in another country (GeoNames has few places there) "
      "is flagged (a warning) with the country it may lie in.",
      columns=("latitude", "longitude", "iso3"), severity="warning")
def _point_maybe_outside(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.latitude is None or e.longitude is None or not e.iso3 or not countries.is_iso3(e.iso3):
        return
    from . import places

    near = places.point_near_border(e.iso3, *_cell(e))
    if near:
        yield Finding("latitude", f"{e.latitude}, {e.longitude}", {"iso3": e.iso3, **near})


@rule("point-far-from-places",
      "The point {value} is {km} km from the nearest place of {iso3} in the gazetteer ({nearest}): at sea, or in "
      "an empty land? Check the coordinates.",
      "A point more than 100 km from every place of the gazetteer is flagged (a warning): at sea, or a slip.",
      columns=("latitude", "longitude"), severity="warning")
def _point_far(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.latitude is None or e.longitude is None or not e.iso3 or not countries.is_iso3(e.iso3):
        return
    from . import places

    far = places.point_far(e.iso3, *_cell(e))
    if far:
        yield Finding("latitude", f"{e.latitude}, {e.longitude}", {"iso3": e.iso3, **far})


@rule("admin1-mismatch",
      "admin1 '{value}' is not where the point lies: the gazetteer puts it in {found} ({iso3}). Correct admin1 "
      "or the coordinates.",
      "A stated admin1 agrees with the admin1 of the GeoNames places around the point (GeoNames' and ISO "
      "3166-2's spellings accepted); a warning, since admin borders are not drawn exactly.",
      columns=("admin1", "latitude", "longitude"), severity="warning")
def _admin1(e: Any, ctx: Context) -> Iterator[Finding]:
    if not e.admin1 or e.latitude is None or e.longitude is None or not e.iso3 or not countries.is_iso3(e.iso3):
        return
    from . import places

    found = places.admin1_mismatch(e.iso3, e.admin1, *_cell(e))
    if found:
        yield Finding("admin1", e.admin1, {"found": found, "iso3": e.iso3})


@rule("region-mismatch",
      "region '{value}' is not ACLED's region of {iso3}, which is {expected}: write '{expected}' or leave region "
      "empty (it is filled from the country).",
      "region is ACLED's region of the country (a table of every country).",
      columns=("region", "iso3"))
def _region(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.region and e.iso3 and countries.is_iso3(e.iso3):
        from .regions import region_of

        expected = region_of(e.iso3)
        if expected and e.region != expected:
            yield Finding("region", e.region, {"iso3": e.iso3, "expected": expected})


@rule("missing-source",
      "The event has no source: give at least one source (name, and where you can url, date and scale).",
      "At least one source.",
      columns=("sources",))
def _has_source(e: Any, ctx: Context) -> Iterator[Finding]:
    if not e.sources:
        yield Finding("sources", None)


@rule("document-not-found",
      "The source document '{value}' cannot be read: put the file beside the submission, or correct the path.",
      "A source document named by a source exists.",
      columns=("sources.document",))
def _document_exists(e: Any, ctx: Context) -> Iterator[Finding]:
    for s in e.sources or ():
        if s.document and ctx.documents.get(s.document) is None:
            yield Finding("sources", s.document)


@rule("document-hash-mismatch",
      "The document '{value}' has sha256 {actual}, not {expected}: the text changed since it was coded; "
      "correct document_sha256 or restore the text.",
      "A document's sha256, where given, matches its text.",
      columns=("sources.document", "sources.document_sha256"))
def _document_hash(e: Any, ctx: Context) -> Iterator[Finding]:
    for s in e.sources or ():
        text = ctx.documents.get(s.document) if s.document else None
        if text is not None and s.document_sha256:
            actual = ctx.sha256(s.document, text)
            if actual != s.document_sha256:
                yield Finding("sources", s.document, {"actual": actual, "expected": s.document_sha256})


EVIDENCE_GAP = " [...] "


@rule("evidence-not-in-document",
      "The evidence '{value}' does not appear word for word in the source document: quote the document "
      "exactly (same quotation marks and apostrophes), or separate passages with ' [...] '.",
      "Quoted evidence appears word for word in a source document of the event.",
      columns=("evidence", "sources.document"))
def _evidence_quoted(e: Any, ctx: Context) -> Iterator[Finding]:
    if not e.evidence:
        return
    texts = [ctx.documents.get(s.document) for s in (e.sources or ()) if s.document]
    texts = [t for t in texts if t is not None]
    if not texts:
        return  # nothing to compare with; an unreadable document is its own error
    for passage in e.evidence.split(EVIDENCE_GAP):
        if not any(passage.strip() in t for t in texts):
            yield Finding("evidence", passage.strip())


@rule("verified-without-basis",
      "The event is verified but {problem}: {fix}.",
      "verified states its basis: two independent sources, an acknowledgement on record, the outlet's own voice, "
      "or eyewitnesses.",
      columns=("verification_status", "verification_basis", "sources", "claimed_by"))
def _verified_basis(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.verification_status != "verified":
        return
    basis = e.verification_basis
    if basis is None:
        yield Finding("verification_basis", None, {
            "problem": "verification_basis is empty",
            "fix": "set it to one of " + ", ".join(vocab.VERIFICATION_BASES) + ", or code the event as unverified"})
    elif basis == "independent-sources" and len({s.name for s in e.sources or ()}) < 2:
        yield Finding("verification_basis", basis, {
            "problem": "it rests on independent sources and fewer than two are listed",
            "fix": "list both sources, or code the event as unverified"})
    elif basis == "actor-acknowledgement" and not e.claimed_by:
        yield Finding("verification_basis", basis, {
            "problem": "it rests on the actor's acknowledgement and claimed_by is empty",
            "fix": "name who acknowledged it in claimed_by"})
    elif basis == "actor-acknowledgement" and e.sources and all(
            s.name.casefold() in {c.casefold() for c in e.claimed_by} for s in e.sources):
        # the acknowledgement counts when an independent source reports it, not the actor's own channel alone
        yield Finding("verification_basis", basis, {
            "problem": "the only source of the actor's acknowledgement is the actor itself",
            "fix": "add an independent source that reports the acknowledgement, or code the event as unverified"})


@rule("disputed-needs-both-sides",
      "{what} is disputed but {missing}: a dispute needs a claimant on each side; name both, or code it as "
      "unverified.",
      "disputed needs a claimant on each side (claimed_by and denied_by; for a claim, an asserting and a "
      "denying claim on the same aspect).",
      columns=("verification_status", "claimed_by", "denied_by", "claims.status", "claims.stance"))
def _disputed(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.verification_status == "disputed":
        missing = [n for n in ("claimed_by", "denied_by") if not getattr(e, n)]
        if missing:
            yield Finding(missing[0], None, {"what": "The event", "missing": " and ".join(missing) + (" are" if len(missing) > 1 else " is") + " empty"})
    for i, c in enumerate(e.claims or ()):
        if c.status != "disputed":
            continue
        stances = {o.stance for o in e.claims if o.aspect == c.aspect}
        if stances != {"asserts", "denies"}:
            yield Finding(f"claims[{i}].status", c.status, {
                "what": f"The claim on {c.aspect}",
                "missing": "no claim " + ("denies" if "denies" not in stances else "asserts") + " it"})


# Every list column of the flat row (sources' names are checked on the sources themselves).
_LIST_COLUMNS = tuple(n for n, kind in flat.kinds_of(Event).items() if kind == flat.LIST and n not in ("sources", "claims"))


@rule("separator-in-list-item",
      "'{value}' in {field} is empty or contains ';', which separates list items in CSV: write each item "
      "without it.",
      "List items are not empty and do not contain ';', the list separator in CSV.",
      columns=(*_LIST_COLUMNS, "sources.name"))
def _list_items(e: Any, ctx: Context) -> Iterator[Finding]:
    for name in _LIST_COLUMNS:
        for item in getattr(e, name) or ():
            if ";" in item or not item.strip():
                yield Finding(name, item)
    for s in e.sources or ():
        if ";" in s.name:
            yield Finding("sources", s.name)


# The point rules: what they find depends only on the row's country, cell and admin1.
POINT_RULES = frozenset(("point-outside-country", "point-maybe-outside-country", "point-far-from-places",
                         "admin1-mismatch"))


def point_rules_quiet(e: Any) -> bool:
    """True when no rule of POINT_RULES can fire on this row, worked out once per (country, cell, admin1):
    the row engine then skips them (four rule calls a row were most of what place checks cost it)."""
    if e.latitude is None or e.longitude is None or not e.iso3 or not countries.is_iso3(e.iso3):
        return True
    from . import places

    return places.quiet(e.iso3, *_cell(e), e.admin1 or None)


_cross_field: tuple[int, list[Rule], list[Rule]] = (-1, [], [])


def _split() -> tuple[int, list[Rule], list[Rule]]:
    global _cross_field
    if _cross_field[0] != len(RULES):
        _cross_field = (len(RULES), [r for r in RULES.values() if r.check is not None and not r.fills],
                        [r for r in RULES.values() if r.check is not None and r.fills])
    return _cross_field


def cross_field_rules() -> list[Rule]:
    """The rules with a check, in declaration order, apart from the filling ones; asked for every
    row, so kept until a rule is declared."""
    return _split()[1]


def filling_rules() -> list[Rule]:
    """The rules that fill or replace values (places, actor aliases): run first, on the draft row."""
    return _split()[2]

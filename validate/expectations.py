"""The release gate's expectations, generated from the event model and its vocabularies.

Each expectation is a plain `Spec` here (no Great Expectations import, so this module is cheap
and testable on its own); `cedar.validate.gate` turns them into GX expectations and runs them.
A spec carries the stable code of the rule it enforces (the codes of schema/rules.py where one
exists, so the codebook documents them), the table it runs on, and a sentence for the report.

Model expectations (per table, from the model's annotations):
  - not null: fields the model requires, and what the store always fills in;
  - vocabularies: every Literal field's permitted values;
  - ranges and patterns: the fields' ge/le bounds, regular expressions and minimum lengths;
  - cross-column rules: sub_event_type belongs to event_type, disorder_type and the first digit of
    interaction agree with what they derive from, fatalities_low <= fatalities <= fatalities_high,
    event_date <= event_date_end, no event date after the release date;
  - unique keys, and every claim, source and actor row belongs to a released event.
Dataset expectations (against the store's deletions and the previous release):
  - every id deleted in the store is absent; no id deleted in an earlier release comes back;
  - every event of the previous release is still there or deleted with a reason;
  - the row count changes by at most max(ROW_COUNT_MIN_SLACK, ROW_COUNT_CHANGE * previous count);
  - an event whose version did not change keeps its fatalities, and the fatality total equals the
    previous total plus what the added, updated and deleted events account for.
"""

from __future__ import annotations

import datetime as dt
import math
import typing
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from cedar.schema import countries, flat, licences, vocab
from cedar.schema.model import DERIVED, STORE, Claim, Event, Source, field_meta

# The stated bound on the change in row count from one release to the next.
ROW_COUNT_CHANGE = 0.25  # a quarter of the previous release's events, up or down ...
ROW_COUNT_MIN_SLACK = 1000  # ... or this many events, whichever is larger

# What the store and the derivations always fill in, beyond what the contributor must give.
# (source_scale is derived too, but is empty when no source states its scale.)
ALWAYS_FILLED = tuple(n for n in flat.event_columns()
                      if field_meta(n).get("given_by") == STORE and field_meta(n).get("concept") == "identity"
                      or field_meta(n).get("given_by") == DERIVED and n != "source_scale")


@dataclass(frozen=True)
class Spec:
    code: str  # the rule's stable code
    table: str  # which table it runs on: events, claims, sources, actors, previous, unchanged
    expectation: str  # the GX expectation class, e.g. ExpectColumnValuesToBeBetween
    kwargs: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    columns: tuple[str, ...] = ()
    dataset: bool = False  # a dataset expectation (against the store's history), not a model one
    when: tuple[str, Any] | None = None  # (column, value): only rows where the column has this value

    @property
    def name(self) -> str:
        return f"{self.table}: {self.code}" + (f" ({', '.join(self.columns)})" if self.columns else "")


def _literal_values(annotation: Any) -> tuple[Any, ...] | None:
    for arg in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(arg) is typing.Literal:
            return typing.get_args(arg)
        inner = _literal_values(arg) if typing.get_args(arg) and arg is not annotation else None
        if inner:
            return inner
    return None


def _constraints(f: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in f.metadata:
        for key in ("ge", "le", "pattern", "min_length"):
            if getattr(m, key, None) is not None:
                out[key] = getattr(m, key)
    return out


def _field_specs(table: str, model: type[BaseModel], names: list[str], required: set[str]) -> list[Spec]:
    specs: list[Spec] = []
    kinds = flat.kinds_of(model)
    for name in names:
        f = model.model_fields[name]
        if name in required:
            specs.append(Spec("missing-value", table, "ExpectColumnValuesToNotBeNull", {"column": name},
                              f"{name} is never empty", (name,)))
        if kinds[name] == flat.LIST:
            continue
        values = _literal_values(f.annotation)
        if values:
            shown = ", ".join(map(str, values[:6])) + (" ..." if len(values) > 6 else "")
            specs.append(Spec("not-in-vocabulary", table, "ExpectColumnValuesToBeInSet",
                              {"column": name, "value_set": list(values)}, f"{name} is one of {shown}", (name,)))
        c = _constraints(f)
        if "ge" in c or "le" in c:
            kw = {"column": name, "min_value": c.get("ge"), "max_value": c.get("le")}
            bound = " and ".join(s for s in (f">= {c['ge']}" if "ge" in c else "", f"<= {c['le']}" if "le" in c else "")
                                 if s)
            specs.append(Spec("out-of-range", table, "ExpectColumnValuesToBeBetween", kw, f"{name} is {bound}",
                              (name,)))
        if "pattern" in c:
            specs.append(Spec("bad-format", table, "UnexpectedRowsExpectation",
                              {"unexpected_rows_query": _pattern_query(name, c["pattern"])},
                              f"{name} matches {c['pattern']}", (name,)))
        if "min_length" in c:
            specs.append(Spec("missing-value", table, "ExpectColumnValueLengthsToBeBetween",
                              {"column": name, "min_value": c["min_length"]},
                              f"{name} has at least {c['min_length']} character(s)", (name,)))
    return specs


def _pattern_query(name: str, pattern: str) -> str:
    """The rows whose `name` does not match `pattern`, for GX's UnexpectedRowsExpectation (GX's own
    regex expectation has no DuckDB translation). Braces are doubled: GX formats the query."""
    regex = pattern.replace("'", "''").replace("{", "{{").replace("}", "}}")
    return (f'SELECT event_id, "{name}" FROM {{batch}} '
            f"""WHERE "{name}" IS NOT NULL AND NOT regexp_full_match("{name}", '{regex}')""")


def _pairs(code: str, a: str, b: str, pairs: list[tuple[Any, Any]], description: str) -> list[Spec]:
    """(a, b) must be one of the pairs: for each value of a, b is in the values it allows.

    Written as one conditional in-set expectation per value of a (GX's row_condition), not as
    ExpectColumnPairValuesToBeInSet, whose pandas implementation walks the rows one by one
    (about 0.2 ms a row: minutes for a million events; kept so, one query per value, on SQL too).
    A row whose a is outside its vocabulary
    is left to the vocabulary expectation."""
    allowed: dict[Any, list[Any]] = {}
    for x, y in pairs:
        allowed.setdefault(x, []).append(y)
    specs = []
    for x, ys in allowed.items():
        specs.append(Spec(code, "events", "ExpectColumnValuesToBeInSet", {"column": b, "value_set": ys},
                          f"{description} ({a} {x}: {b} in {', '.join(map(str, ys))})", (a, b), when=(a, x)))
    return specs


def _order(code: str, high: str, low: str, description: str) -> Spec:
    return Spec(code, "events", "ExpectColumnPairValuesAToBeGreaterThanB",
                {"column_A": high, "column_B": low, "or_equal": True, "ignore_row_if": "either_value_is_missing"},
                description, (low, high))


def model_specs(release_date: dt.date) -> list[Spec]:
    """The expectations the event model implies, for the events and the long tables."""
    event_names = list(flat.event_columns())
    required = {n for n in event_names if Event.model_fields[n].is_required()} | set(ALWAYS_FILLED)
    specs = [
        Spec("duplicate-event-id", "events", "ExpectColumnValuesToBeUnique", {"column": "event_id"},
             "every event_id is given once", ("event_id",)),
        *_field_specs("events", Event, event_names, required),
        Spec("not-in-vocabulary", "events", "ExpectColumnValuesToBeInSet",
             {"column": "iso3", "value_set": sorted(countries._names_by_code())},
             "iso3 is an ISO 3166-1 alpha-3 code", ("iso3",)),
        *_pairs("sub-event-not-in-type", "event_type", "sub_event_type",
              [(t, s) for s, t in vocab.EVENT_TYPE_OF.items()], "sub_event_type belongs to event_type"),
        *_pairs("disorder-type-mismatch", "disorder_type", "sub_event_type",
                [(vocab.disorder_type_of(s), s) for s in vocab.ALL_SUB_EVENT_TYPES],
                "disorder_type is the one its sub_event_type gives"),
        *_pairs("interaction-mismatch", "inter1", "interaction",
              sorted({(a, vocab.interaction_of(a, b)) for a in vocab.ACTOR_TYPES for b in (0, *vocab.ACTOR_TYPES)}),
              "interaction is one that inter1 can give (10 x inter1 alone, else 10 x min + max)"),
        _order("fatalities-out-of-order", "fatalities", "fatalities_low", "fatalities_low <= fatalities"),
        _order("fatalities-out-of-order", "fatalities_high", "fatalities", "fatalities <= fatalities_high"),
        _order("fatalities-out-of-order", "fatalities_high", "fatalities_low", "fatalities_low <= fatalities_high"),
        _order("end-before-start", "event_date_end", "event_date", "event_date <= event_date_end"),
        Spec("date-in-future", "events", "ExpectColumnValuesToBeBetween",
             {"column": "event_date", "max_value": release_date.isoformat()},
             f"no event_date after the release date ({release_date.isoformat()})", ("event_date",)),
    ]
    for table, model, key in (("claims", Claim, "claim_no"), ("sources", Source, "source_no")):
        names = list(model.model_fields)
        req = {n for n in names if model.model_fields[n].is_required()}
        specs += [
            Spec("missing-value", table, "ExpectColumnValuesToNotBeNull", {"column": "event_id"},
                 "event_id is never empty", ("event_id",)),
            Spec("duplicate-row", table, "ExpectCompoundColumnsToBeUnique", {"column_list": ["event_id", key]},
                 f"(event_id, {key}) is given once", ("event_id", key)),
            *_field_specs(table, model, names, req),
        ]
    specs += [
        Spec("not-in-vocabulary", "actors", "ExpectColumnValuesToBeInSet",
             {"column": "role", "value_set": ["actor1", "assoc_actor_1", "actor2", "assoc_actor_2"]},
             "role is actor1, assoc_actor_1, actor2 or assoc_actor_2", ("role",)),
        Spec("missing-value", "actors", "ExpectColumnValuesToNotBeNull", {"column": "actor"},
             "actor is never empty", ("actor",)),
    ]
    return specs


# Sets of ids (all events, all deletions) are not given to GX as value sets: GX copies and
# serialises an expectation's arguments many times over, which for 100,000 ids takes minutes.
# Membership is computed once in SQL into a flag column of a check table of the build's staging
# database (cedar.releases.gating), and the expectation reads the flag; the table keeps event_id, so
# failures still name their events.
#   deleted:    event_id, in_release          one row per id deleted in the store
#   released_deleted: event_id, in_release    one row per id in the previous release's deletions
#   previous:   event_id, now                 one row per event of the previous release:
#                                             now = released | deleted | None (gone without a deletion)
#   unchanged:  event_id, fatalities, previous_fatalities,  events whose version did not change;
#               published_unchanged, changed_fields         whether every published field is as before,
#                                                           else the fields (or claims, sources) that differ

def licence_specs(private: bool) -> list[Spec]:
    """Each event's licence is the one its licensor's terms give, its licensor the one its external_ids
    give (cedar.schema.licences); and unless the release is private, every event's terms allow
    publishing it (ACLED's do not)."""
    derived = licences.licensor_sql("external_ids")
    # one query for both columns: a conditional expectation per licensor cost a scan each
    specs = [
        Spec("licence-mismatch", "events", "UnexpectedRowsExpectation",
             {"unexpected_rows_query": f"SELECT event_id, licensor, licence FROM {{batch}} "
                                       f"WHERE licensor IS DISTINCT FROM {derived} "
                                       f"OR licence IS DISTINCT FROM {licences.licence_sql('licensor')}"},
             "licensor is the one the dataset prefixes of external_ids give, and licence the one its terms give",
             ("licensor", "licence", "external_ids")),
    ]
    if not private:
        held = ", ".join(t.licensor for t in licences.TERMS if not t.redistributable)
        specs.append(Spec("not-redistributable", "events", "ExpectColumnValuesToBeInSet",
                          {"column": "licensor", "value_set": list(licences.REDISTRIBUTABLE)},
                          f"every event's terms allow publishing it (licensor {held} only in a private release)",
                          ("licensor",), True))
    return specs


def reference_specs() -> list[Spec]:
    """Every row of a long table belongs to an event of the release: one SQL query over the events
    (GX's batch) and the long tables, an anti-join that yields only the rows that break it. The long
    tables go into one anti-join, so the events' ids are hashed once, not once per table (at 30M
    events: 17.6 s where three joins took 23.6 s)."""
    rows = " UNION ALL ".join(f"SELECT event_id, '{t}' AS long_table FROM {t}" for t in ("claims", "sources", "actors"))
    query = (f"SELECT x.event_id, x.long_table FROM ({rows}) x "
             "WHERE x.event_id NOT IN (SELECT event_id FROM {batch})")
    return [Spec("unknown-event", "events", "UnexpectedRowsExpectation", {"unexpected_rows_query": query},
                 "every claim, source and actor row names an event of this release", ("event_id",))]


def row_count_bounds(previous_count: int) -> tuple[int, int]:
    slack = max(ROW_COUNT_MIN_SLACK, math.ceil(ROW_COUNT_CHANGE * previous_count))
    return max(0, previous_count - slack), previous_count + slack


def dataset_specs(*, previous_count: int | None, expected_fatalities: int | None) -> list[Spec]:
    """Expectations over the release as a whole, against the store's deletions and the previous
    release (on the check tables above). `expected_fatalities`: the previous total plus the
    changes' share."""
    specs = [
        Spec("deleted-id-present", "deleted", "ExpectColumnValuesToBeInSet",
             {"column": "in_release", "value_set": [False]},
             "no event deleted in the store is in the release", ("event_id",), True),
        Spec("deleted-id-reused", "released_deleted", "ExpectColumnValuesToBeInSet",
             {"column": "in_release", "value_set": [False]},
             "no id deleted in an earlier release comes back", ("event_id",), True),
    ]
    if previous_count is not None:
        low, high = row_count_bounds(previous_count)
        specs += [
            Spec("row-count-change", "events", "ExpectTableRowCountToBeBetween",
                 {"min_value": low, "max_value": high},
                 f"the number of events is within {low}..{high} (previous release: {previous_count}; bound: "
                 f"max({ROW_COUNT_MIN_SLACK}, {ROW_COUNT_CHANGE:.0%}) of it)", (), True),
            Spec("previous-event-missing", "previous", "ExpectColumnValuesToNotBeNull", {"column": "now"},
                 "every event of the previous release is still there, or deleted in the store with a reason",
                 ("event_id",), True),
            Spec("fatalities-changed-without-version", "unchanged", "ExpectColumnPairValuesToBeEqual",
                 {"column_A": "fatalities", "column_B": "previous_fatalities",
                  "ignore_row_if": "both_values_are_missing"},
                 "an event whose version did not change keeps its fatalities", ("fatalities",), True),
            Spec("changed-without-version", "unchanged", "ExpectColumnValuesToBeInSet",
                 {"column": "published_unchanged", "value_set": [True]},
                 "an event whose version did not change publishes the same row, claims and sources as in the "
                 "previous release (changed_fields names what differs)", ("event_id",), True),
        ]
    if expected_fatalities is not None:
        specs.append(Spec("fatality-total-jump", "events", "ExpectColumnSumToBeBetween",
                          {"column": "fatalities", "min_value": expected_fatalities, "max_value": expected_fatalities},
                          f"the fatality total is {expected_fatalities}: the previous total plus what the added, "
                          "updated and deleted events account for", ("fatalities",), True))
    return specs

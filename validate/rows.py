"""The row engine: runs the model's types and the declared rules on one record at a time,
reporting every problem of the row rather than the first.

Pydantic's error kinds are mapped onto the rule codes declared in `cedar.schema.rules`, so a
contributor sees one vocabulary of codes whichever layer found the problem.
"""

from __future__ import annotations

import math
import operator
import typing
from functools import lru_cache
from itertools import islice
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from pydantic import ValidationError

from cedar.schema import derive, event_ids, flat, rules
from cedar.schema.gazetteer import gazetteer
from cedar.schema.model import Event, EventDraft, required_fields
from cedar.schema.rules import RULES, Context, cross_field_rules, filling_rules
from cedar.validate.repeats import event_key
from cedar.validate.report import ERROR, Problem

_PYDANTIC_CODES = {
    "missing": "missing-value",
    "string_too_short": "missing-value",
    "literal_error": "not-in-vocabulary",
    "enum": "not-in-vocabulary",
    "int_parsing": "not-an-integer",
    "int_type": "not-an-integer",
    "int_from_float": "not-an-integer",
    "float_parsing": "not-a-number",
    "float_type": "not-a-number",
    "finite_number": "not-a-number",
    "date_parsing": "not-a-date",
    "date_type": "not-a-date",
    "date_from_datetime_parsing": "not-a-date",
    "date_from_datetime_inexact": "not-a-date",
    "datetime_parsing": "not-a-timestamp",
    "datetime_type": "not-a-timestamp",
    "datetime_from_date_parsing": "not-a-timestamp",
    "bool_parsing": "not-a-boolean",
    "bool_type": "not-a-boolean",
    "greater_than_equal": "out-of-range",
    "less_than_equal": "out-of-range",
    "greater_than": "out-of-range",
    "less_than": "out-of-range",
    "string_pattern_mismatch": "bad-format",
    "extra_forbidden": "unexpected-field",
}
# What to write instead, for the kinds of value the model refuses without a rule of their own.
_DETAILS = {"string_type": "write text here, not a number, list or object",
            "list_type": "write a list here (in CSV: items separated by ';')",
            "dict_type": "write an object with named fields here",
            "model_type": "write an object with named fields here",
            "model_attributes_type": "write an object with named fields here"}
_BOUNDS = {"greater_than_equal": "at least {ge}", "less_than_equal": "at most {le}",
           "greater_than": "more than {gt}", "less_than": "less than {lt}"}
_PATTERNS = {"event_id": event_ids.EXPECTED, "iso3": "three capital letters, e.g. AZE",
             "document_sha256": "64 lower-case hexadecimal digits"}


def field_name(loc: tuple[Any, ...]) -> str:
    """('sources', 0, 'name') -> 'sources[0].name'"""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _number(v: Any) -> Any:
    return int(v) if isinstance(v, float) and v.is_integer() else v


def message(code: str, field: str | None, value: Any, **params: Any) -> str:
    return RULES[code].render(field=field, value=value, **params)


def _from_pydantic(err: Mapping[str, Any], where: dict[str, Any]) -> Problem:
    kind = err["type"]
    code = _PYDANTIC_CODES.get(kind, "invalid-value")
    name = field_name(err["loc"])
    value = err.get("input") if kind not in ("missing",) else None
    ctx = err.get("ctx") or {}
    if code == "not-a-number" and _is_int(err["loc"]):  # inf or nan from JSON in a whole-number column
        code = "not-an-integer"
    if kind == "int_parsing_size" and _literals(err["loc"]):  # beyond 64 bits, where a code (inter1) is asked
        code = "not-in-vocabulary"
        *head, last = _literals(err["loc"])
        ctx = {"expected": f"{', '.join(map(repr, head))} or {last!r}"}  # as pydantic words a Literal's values
    params: dict[str, Any] = {}
    if code == "not-in-vocabulary":
        params["allowed"] = ctx.get("expected", "")
    elif code == "out-of-range":
        params["bound"] = _BOUNDS[kind].format(**{k: _number(v) for k, v in ctx.items()})
    elif code == "bad-format":
        params["expected"] = _PATTERNS.get(str(err["loc"][-1]), f"the pattern {ctx.get('pattern')}")
    elif code == "invalid-value":
        params["detail"] = _DETAILS.get(kind) or err.get("msg", "").rstrip(".")
    if isinstance(value, dict):
        value = None
    return Problem(code, message(code, name, value, **params), field=name, value=value, **where)


def _is_int(loc: tuple[Any, ...]) -> bool:
    return len(loc) == 1 and flat.kinds_of(Event).get(str(loc[0])) == flat.INT


def _literals(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The values of the Literal a top-level field takes, else ()."""
    f = Event.model_fields.get(str(loc[0])) if len(loc) == 1 else None
    for arg in (f.annotation, *typing.get_args(f.annotation)) if f else ():
        if typing.get_origin(arg) is typing.Literal:
            return typing.get_args(arg)
    return ()


@lru_cache(maxsize=None)
def _defaults() -> tuple[str, ...]:
    """Fields with a value as default (target_kind 'unknown'): an empty cell or null takes it."""
    return tuple(n for n, f in Event.model_fields.items() if not f.is_required() and isinstance(f.default, str))


# Rules whose findings follow from these attributes of the row alone (read off their checks in schema/: none
# reads the context or another attribute), so that a check of many rows repeating them (an import: a file repeats
# its labels, actors, countries and sources) works them out once per distinct values (`Shared`).
SHARED_RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "labels": (("event_type", "sub_event_type", "disorder_type", "interaction", "inter1", "inter2",
                "civilian_targeting", "target_kind", "actor1", "actor2", "country", "iso3", "fatalities",
                "fatalities_low", "fatalities_high"),
               ("sub-event-not-in-type", "disorder-type-mismatch", "interaction-mismatch",
                "civilian-targeting-mismatch", "fatalities-out-of-order", "protest-with-fatalities",
                "battle-needs-two-armed-actors",
                "violence-against-civilians-needs-civilian-target", "second-actor-type-without-actor",
                "protest-actor1-not-protesters", "riot-actor1-not-rioters", "protest-intervention-needs-force",
                "state-actor-without-period", "state-forces-type-by-country")),
    "country": (("iso3", "country", "region", "date_precision", "event_date_end"),
                ("span-needs-end", "unknown-country", "iso3-country-mismatch", "region-mismatch")),
    # and the context's documents, which do not change during a check; only for rows without claims, evidence,
    # claimed_by or denied_by (lists of models or names: `_sources_key`)
    "sources": (("sources", "source_scale", "verification_status", "verification_basis"),
                ("source-scale-mismatch", "missing-source", "document-not-found", "document-hash-mismatch",
                 "evidence-too-short", "evidence-not-in-document", "verified-without-basis",
                 "disputed-needs-both-sides")),
    # and the context's today, as every key: `_dates_key`
    "dates": (("event_date", "event_date_end", "sources.published"), ("end-before-start", "date-in-future")),
    # the external ids by their dataset prefixes: `_licence_key`
    "licence": (("licensor", "licence", "external_ids"), ("licence-mismatch",)),
}
_SHARED_GROUP = {code: group for group, (_, codes) in SHARED_RULES.items() for code in codes}
# Rules that ask the actor registry and find nothing without one (each returns at once when the context has no
# registry, as an import's check has none): `Shared` leaves them out of such a check.
REGISTRY_RULES = frozenset({"unknown-actor", "actor-type-contradicts-registry", "actor-alias-replaced"})


def _sources_key(e: Any) -> tuple[Any, ...] | None:
    """The sources group's values as a key (each source's fields in order), or None: run its rules on the row."""
    if e.claims or e.claimed_by or e.denied_by or e.evidence:
        return None
    sources = None if e.sources is None else tuple([tuple(s.__dict__.values()) for s in e.sources])
    return sources, e.source_scale, e.verification_status, e.verification_basis


def _dates_key(e: Any) -> tuple[Any, ...]:
    return e.event_date, e.event_date_end, tuple([s.published for s in e.sources or ()])


def _licence_key(e: Any) -> tuple[Any, ...]:
    """Whose terms follow from the ids' dataset prefixes alone (licences.dataset_of: the text before ':')."""
    return e.licensor, e.licence, tuple([x.partition(":")[0] for x in e.external_ids or ()])


_KEY: dict[str, Callable[[Any], Any]] = {"labels": operator.attrgetter(*SHARED_RULES["labels"][0]),
                                          "country": operator.attrgetter(*SHARED_RULES["country"][0]),
                                          "sources": _sources_key, "dates": _dates_key, "licence": _licence_key}


class Shared:
    """The cross-field rules of a check whose rows repeat their values: SHARED_RULES answered once per distinct
    values of what they read, kept across the rows (a Context without a registry: none of these rules asks
    one), the others run on every row."""

    def __init__(self, size: int = 100_000):
        self.size = size
        self._found: dict[str, dict[Any, dict[str, list[Any]]]] = {g: {} for g in SHARED_RULES}
        self._plans: dict[tuple[bool, bool, bool, int], list[tuple[Any, str | None]]] = {}
        self._groups = [(group, _KEY[group], self._found[group]) for group in SHARED_RULES]
        self._registry = False  # the check's context has an actor registry (set by `filling`, once a row)
        self._fill_from: list[Any] | None = None
        self._fill: list[Any] = []

    def _plan(self, quiet: bool, direct: bool) -> list[tuple[Any, str | None]]:
        """The cross-field rules in the order they run, each with its group of SHARED_RULES (None: run it);
        `direct`: only those run on every row."""
        key = (quiet, direct, self._registry, len(RULES))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = [(r, _SHARED_GROUP.get(r.code)) for r in cross_field_rules()
                                       if not (quiet and r.code in rules.POINT_RULES)
                                       and not (direct and r.code in _SHARED_GROUP)
                                       and (self._registry or r.code not in REGISTRY_RULES)]
        return plan

    def filling(self, ctx: Context) -> list[Any]:
        """The filling rules, as `validate_record` runs them; those of REGISTRY_RULES only with a registry."""
        self._registry = ctx.actors is not None
        every = filling_rules()
        if self._registry:
            return every
        if self._fill_from is not every:  # worked out again only when the rules change
            self._fill_from, self._fill = every, [r for r in every if r.code not in REGISTRY_RULES]
        return self._fill

    def _answer(self, group: str, draft: Any, ctx: Context, key: tuple[Any, ...]) -> dict[str, list[Any]]:
        """The group's rules that find something, with their findings ({}: none does), kept under `key`."""
        found: dict[str, list[Any]] = {}
        for code in SHARED_RULES[group][1]:
            check = RULES[code].check
            assert check is not None  # every shared rule has a check
            findings = list(check(draft, ctx))
            if findings:
                found[code] = findings
        known = self._found[group]
        if len(known) >= self.size:
            known.clear()
        known[key] = found
        return found

    def run(self, draft: Any, ctx: Context, failed: set[str], problems: list[Problem], where: dict[str, Any],
            quiet: bool) -> None:
        """The cross-field rules over a draft, as `validate_record` runs them (point rules skipped when `quiet`)."""
        today = ctx.today
        found: dict[str, dict[str, list[Any]] | None] = {}
        silent = True  # every group answered, and none found anything: the common case
        for group, key_of, known in self._groups:
            values = key_of(draft)
            if values is None:  # the group's rules run on the row
                found[group] = None
                silent = False
                continue
            answers = known.get((today, values))
            if answers is None:
                answers = self._answer(group, draft, ctx, (today, values))
            found[group] = answers
            if answers:
                silent = False
        if silent:
            for rule, _ in self._plan(quiet, True):
                run_rule(rule, draft, ctx, failed, problems, where)
            return
        for rule, in_group in self._plan(quiet, False):
            answers = found[in_group] if in_group is not None else None
            if answers is None:
                run_rule(rule, draft, ctx, failed, problems, where)
            else:
                findings = answers.get(rule.code)
                if findings:
                    run_rule(rule, draft, ctx, failed, problems, where, findings)


def run_rule(rule: Any, draft: Any, ctx: Context, failed: set[str], problems: list[Problem],
             where: dict[str, Any], findings: Iterable[Any] | None = None) -> None:
    """One rule over a draft (or its `findings`, already worked out): its findings as problems, a field already
    reported on left out."""
    for finding in rule.check(draft, ctx) if findings is None else findings:
        top = finding.field.split("[")[0].split(".")[0]
        if top in failed:
            continue  # already reported on this field; a second message would only repeat it
        problems.append(Problem(rule.code, rule.render(field=finding.field, value=finding.value, **finding.params),
                                rule.severity, field=finding.field, value=finding.value, **where))
        if rule.fills and rule.severity == ERROR:
            failed.update({top, *rule.columns})  # what could not be filled is not reported again as missing


def validate_record(data: dict[str, Any], ctx: Context, where: dict[str, Any], cell_problems: Sequence[Problem] = (),
                    absent: frozenset[str] = frozenset(), build: bool = True,
                    shared: Shared | None = None) -> tuple[Event | None, list[Problem]]:
    """The event a record codes (None when it has errors, or when `build` is false: a check that
    keeps no events need not pay for building them) and every problem found in it.

    `where` gives the file, row and line for the problems; `absent` names columns missing from
    the whole file, which were reported once and are not reported again per row. With `shared` (a check
    that compares no rows with each other: an import), SHARED_RULES are answered from it and the row's
    key for the check across rows is not worked out."""
    problems = [Problem(p.code, p.message or message(p.code, p.field, p.value), p.severity, **{**where,
                                                                                               "field": p.field,
                        "value": p.value}) for p in cell_problems] if cell_problems else []
    failed = {p.field or "" for p in problems}
    clean = {k: v for k, v in data.items() if k not in failed} if failed else data
    defaults = _defaults()
    for name in defaults:
        if clean.get(name, ...) is None:  # not given: the default, as for an absent column
            clean = {k: v for k, v in clean.items() if v is not None or k not in defaults}
            break
    try:
        draft: Any = EventDraft.model_validate(clean)  # a model made at run time: no static attributes
    except ValidationError as exc:
        for err in exc.errors():
            problems.append(_from_pydantic(err, where))
            failed.add(str(err["loc"][0]) if err["loc"] else "")
        draft = EventDraft.model_validate({k: v for k, v in clean.items() if k not in failed})

    ctx.row_failed = failed
    # places and actor aliases, filled or replaced before anything is required
    for rule in filling_rules() if shared is None else shared.filling(ctx):
        run_rule(rule, draft, ctx, failed, problems, where)

    values = draft.__dict__  # the fields' values, read directly: asked for every required field of every row
    for name in required_fields():
        if values[name] is None and name not in failed and name not in absent:
            problems.append(Problem("missing-value", message("missing-value", name, None), field=name, **where))
            failed.add(name)

    quiet = rules.point_rules_quiet(draft)
    if shared is not None:
        shared.run(draft, ctx, failed, problems, where, quiet)
    else:
        for rule in cross_field_rules():
            if quiet and rule.code in rules.POINT_RULES:
                continue
            run_rule(rule, draft, ctx, failed, problems, where)
        ctx.row_key = event_key(draft)  # for the check across rows: one event per place, day, actor pair, sub-type

    if any(p.severity == ERROR for p in problems) or not absent.isdisjoint(required_fields()):
        return None, problems
    if not build:
        return None, problems
    return Event.model_validate(derive.complete(draft.model_dump(), draft.sources)), problems


def event_of(data: dict[str, Any]) -> Event:
    """The event of a record in which `validate_record` found no problem at all, built without running the
    rules again: with no finding, no rule filled or replaced a value, so the draft is the record's own data."""
    clean = {k: v for k, v in data.items() if v is not None or k not in _defaults()}
    draft: Any = EventDraft.model_validate(clean)
    return Event.model_validate(derive.complete(draft.model_dump(), draft.sources))


def prefetch_places(items: Iterable[Any], size: int = 4096) -> Iterator[Any]:
    """The records as they come, with the gazetteer's answers for their points worked out a batch at a
    time (one vectorised look-up for `size` records: Gazetteer.prefetch) before the rules ask for them
    one by one. Anything that is not a record with a usable point passes through untouched."""
    it = iter(items)
    while True:
        batch: list[Any] = []
        try:
            batch.extend(islice(it, size))
        except BaseException:  # the reader gave up (an unreadable file): what it read first is still checked
            yield from batch
            raise
        if not batch:
            return
        points = [p for p in map(_point, batch) if p is not None]
        if points:
            gazetteer().prefetch(*map(list, zip(*points)))
        yield from batch


def _point(item: Any) -> tuple[str, float, float] | None:
    data = getattr(item, "data", None)
    if not isinstance(data, dict):
        return None
    iso3: Any = data.get("iso3")
    lat: Any = data.get("latitude")
    lon: Any = data.get("longitude")
    if not isinstance(iso3, str) or type(lat) not in (int, float) or type(lon) not in (int, float):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    return iso3, round(lat * 100) / 100, round(lon * 100) / 100  # the cell, as schema.rules_places._cell rounds it

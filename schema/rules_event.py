"""The event's cross-field rules: actors against the actor registry, the taxonomy, the derived
fields (disorder type, interaction, civilian targeting, source scale), dates, fatalities, and what
each event type asks of its actors and target."""

from __future__ import annotations

from typing import Any, Iterator

from . import derive, licences, vocab
from .rules_base import Context, Finding, rule
from .rules_fill import ACTOR_FIELDS


@rule("unknown-actor",
      "'{value}' in {field} is not in the actor registry. Closest names: {closest}. Use one of them if it is "
      "meant, or add the actor (a new actor enters the registry when the submission is ingested).",
      "An actor the registry does not know is a warning naming the three closest registry names of the event's "
      "country or of none (international actors).",
      columns=ACTOR_FIELDS, severity="warning")
def _unknown_actor(e: Any, ctx: Context) -> Iterator[Finding]:
    if ctx.actors is None:
        return
    for name in ("actor1", "actor2"):
        value = getattr(e, name)
        if value and not ctx.actors.known(value):
            yield Finding(name, value, {"closest": ctx.actors.closest_text(value, e.iso3)})
    for name in ("assoc_actor_1", "assoc_actor_2"):
        for i, value in enumerate(getattr(e, name) or ()):
            if value and not ctx.actors.known(value):
                yield Finding(f"{name}[{i}]", value, {"closest": ctx.actors.closest_text(value, e.iso3)})


@rule("actor-type-contradicts-registry",
      "{field} is {value} but the actor registry has '{actor}' as type {expected} ({label}): correct {field}, or "
      "check that the actor is the one meant.",
      "inter1 and inter2 agree with the actor type the registry holds for actor1 and actor2, in ACLED's context: "
      "a state's forces are 1 in their own country and 8 (External/Other forces) abroad, either way round.",
      columns=("actor1", "inter1", "actor2", "inter2"))
def _actor_type(e: Any, ctx: Context) -> Iterator[Finding]:
    if ctx.actors is None:
        return
    for actor, inter in (("actor1", "inter1"), ("actor2", "inter2")):
        name, given = getattr(e, actor), getattr(e, inter)
        # judged in ACLED's context: a state's forces are 1 at home and 8 abroad
        expected = ctx.actors.type_contradiction(name, given, e.iso3) if name else None
        if expected:
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
            yield Finding("interaction", e.interaction, {"inter1": e.inter1, "inter2": e.inter2 or 0,
                                                         "expected": expected})


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


@rule("licence-mismatch",
      "{field} '{value}' disagrees with external_ids, which give '{expected}': leave {field} empty (it is derived "
      "from the datasets external_ids name) or correct external_ids.",
      "A submitted licensor or licence must agree with the one derived from external_ids (cedar.schema.licences).",
      columns=("licensor", "licence", "external_ids"))
def _licence(e: Any, ctx: Context) -> Iterator[Finding]:
    licensor = licences.licensor_of(e.external_ids)
    if e.licensor is not None and e.licensor != licensor:
        yield Finding("licensor", e.licensor, {"expected": licensor})
    if e.licence is not None and e.licence != licences.licence_of(licensor):
        yield Finding("licence", e.licence, {"expected": licences.licence_of(licensor)})


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

"""`cedar code`: a report in, proposed events out, in Cedar's nested submission format. Each event carries
the sentences it rests on, quoted from the text (joined by the evidence gap), the coder naming the assist
and a note that a machine proposed it. Nothing here writes to the store."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cedar.errors import InputError
from cedar.schema.rules import EVIDENCE_GAP
from cedar.schema.vocab import disorder_type_of, interaction_of

from . import CODER, actors, classify, facts, places, roles, segment, text, verify

NOTE = "Proposed by machine (cedar code): check every field against the report before submitting."
_FILE_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


@dataclass
class Proposal:
    events: list[dict[str, Any]]
    report: text.Report
    unfilled: list[str] = field(default_factory=list)  # what could not be filled, and why
    spans: list[list[tuple[int, int]]] = field(default_factory=list)  # each event's evidence, as offsets


def publication_date(raw: str, published: dt.date | None, name: str) -> dt.date:
    """--published, else the report's `Published:` line, else a date in the file's name."""
    if published:
        return published
    found = text.published_line(raw)
    if found:
        return found
    m = _FILE_DATE.search(name)
    if m:
        try:
            return dt.date.fromisoformat(m.group(1))
        except ValueError:
            pass
    raise InputError(f"{name}: no publication date: the report has no 'Published: YYYY-MM-DD' first line",
                     "give --published YYYY-MM-DD, so that weekdays and 'yesterday' can be anchored")


def propose(raw: str, *, published: dt.date | None = None, source: str | None = None,
            document: str = "report.txt", name: str = "report", registry: Any = None) -> Proposal:
    """The events a report gives. With a store's actor `registry`, actor names it knows by an alias take
    their canonical names."""
    with actors.report_groups(raw):
        return _propose(raw, published, source, document, name, registry)


def _propose(raw: str, published: dt.date | None, source: str | None, document: str, name: str,
             registry: Any) -> Proposal:
    pub = publication_date(raw, published, name)
    report = text.read(raw, pub)
    iso3 = places.main_country(raw, report.dateline)
    if not report.sentences or iso3 is None:
        why = "has no sentences" if not report.sentences else "names no country or place the gazetteer knows"
        return Proposal([], report, [f"the report {why}: nothing proposed"])
    lead = segment.segment(report, iso3, None)
    lead_date = lead[0].when.start if lead else None
    drafts = segment.segment(report, iso3, lead_date)
    outlet = source or _outlet(report) or "unknown outlet"
    src = {"name": outlet, "url": None, "published": pub.isoformat(), "document": document,
           "document_sha256": hashlib.sha256(raw.encode("utf-8")).hexdigest()}
    events: list[dict[str, Any]] = []
    spans = []
    speakers = facts.speakers(report.text[report.body_start:])
    for n, d in enumerate(drafts, 1):
        first = d.sentences[0].index
        previous = report.sentences[first - 1].text if first > 0 else None
        events.append(_event(d, n, iso3, outlet, src, events, name, previous, speakers, raw))
        spans.append([(s.start, s.start + len(s.text)) for s in d.sentences])
    unfilled = []
    for e in events:
        e.pop("actor1_obj", None)
        e.pop("actor2_obj", None)
        if registry is not None:
            _canonical(e, registry)
        if e["geo_precision"] == "country":
            unfilled.append(f"{e['ref']}: the place '{e['location']}' is not in the gazetteer: coded at the "
                            "country's capital (geo_precision country); give its coordinates and admin1")
    return Proposal(events, report, unfilled, spans)


def _canonical(e: dict[str, Any], registry: Any) -> None:
    def name(n: str | None) -> str | None:
        return (registry.canonical(n) or n) if n else n

    e["actor1"], e["actor2"] = name(e["actor1"]), name(e["actor2"])
    e["claimed_by"] = [name(n) for n in e["claimed_by"]]
    e["denied_by"] = [name(n) for n in e["denied_by"]]
    for c in e["claims"]:
        c["claimant"] = name(c["claimant"])


def _outlet(report: text.Report) -> str | None:
    first = report.text[report.body_start:report.body_start + 400]
    m = re.search(r"\(([A-Z][^()]{2,50}?)\)\s*[-–—:]", first) or re.search(r"\btold (?:the )?([A-Z][\w ]+?(?:Post|"
                                                                         r"Times|Service|Bulletin|Wire|Agency|News))",
                                                                         report.text)
    if m:
        return re.sub(r"^[A-Za-z]+ \d{1,2},?\s*|^\d{1,2} [A-Za-z]+ \d{4}\s*", "", m.group(1)).strip() or None
    return None


def _event(d: segment.Draft, n: int, iso3: str, outlet: str, src: dict[str, Any], before: list[dict[str, Any]],
           name: str, previous: str | None, speakers: dict[str, str] | None = None, raw: str = "") -> dict[str, Any]:
    sents = [s.text for s in d.sentences]
    core = next((s.text for s in d.sentences if s.index == d.core), sents[0])  # the trigger's sentence
    if d.event_type in ("Protests", "Riots") and d.sub != "Mob violence":
        segment.upgrade(d, " ".join(sents))  # what happened at a demonstration may be told after it
    assert d.where is not None
    iso3 = d.where.iso3 or iso3  # an event abroad is coded in the country it happened in
    if d.sub == "Government regains territory" and roles.foreign_taker(core, d.trigger.pos, iso3) is not None:
        # "Russia's defence ministry said its forces had 'liberated' X", told from Ukraine: a foreign force takes it
        d.trigger = classify.Trigger("Battles", "Non-state actor overtakes territory", d.trigger.pos, d.trigger.words)
    a1, a2 = roles.assign(d.sub, core, " ".join(sents), d.trigger.pos, iso3, before)
    if d.event_type == "Explosions/Remote violence" and a1.kind in ("armed", "military") and a1.inter in (1, 3):
        a1 = roles.across_border(core, raw, iso3) or roles.foreign_striker(" ".join(sents), iso3) or a1
    toll = facts.fatalities(sents, d.sub)
    v = verify.verify(sents, a1, a2, iso3, outlet, previous=previous,
                      intervention=d.sub in ("Protest with intervention", "Excessive force against protesters"),
                      place=d.where.place.name, clash=d.sub == "Armed clash", roles=speakers,
                      excessive=d.sub == "Excessive force against protesters")
    if toll.best is not None and toll.sentence is not None:
        att = facts.attribution(sents[toll.sentence], 0, None)
        if att and v.status != "disputed":
            v.claims.append({"aspect": "fatalities", "claimant": att.source, "stance": "asserts",
                             "status": "unverified", "statement": verify._clip(sents[toll.sentence])})
    assert d.where is not None
    e: dict[str, Any] = {"ref": f"{Path(name).stem}-{n}", "event_date": d.when.start.isoformat()}
    if d.when.end:
        e["event_date_end"] = d.when.end.isoformat()
    e |= {"date_precision": d.when.precision, "disorder_type": disorder_type_of(d.sub),
          "event_type": d.event_type, "sub_event_type": d.sub,
          "interaction": interaction_of(a1.inter, a2.inter if a2 else None),
          "actor1": a1.name, "inter1": a1.inter, "actor2": a2.name if a2 else None,
          "inter2": a2.inter if a2 else None, "target_kind": roles.target_kind(d.sub, a2, " ".join(sents))}
    e |= places.place_fields(d.where, d.where.iso3 or iso3)
    e |= {"fatalities": toll.best}
    if toll.low is not None:
        e["fatalities_low"] = toll.low
    if toll.high is not None:
        e["fatalities_high"] = toll.high
    e |= {"verification_status": v.status, "verification_basis": v.basis, "claimed_by": v.claimed_by,
          "denied_by": v.denied_by, "verification_note": v.note, "claims": v.claims,
          "evidence": EVIDENCE_GAP.join(_joined(d, raw)),
          "notes": f"{d.sub} ({d.trigger.words!r}, dated from {d.when.how!r}). {NOTE}",
          "sources": [dict(src)], "coder": CODER, "actor1_obj": a1, "actor2_obj": a2}
    return e


def _joined(d: segment.Draft, raw: str) -> list[str]:
    """The event's sentences, contiguous ones joined as they stand in the text (a gap between the others:
    a clause and the sentence after it are not contiguous when the rest of its sentence lies between)."""
    out: list[str] = []
    end = None
    for s in d.sentences:
        between = raw[end:s.start] if end is not None else None
        if between is not None and out and between.isspace() and "\n" not in between:
            out[-1] = out[-1] + between + s.text
        else:
            out.append(s.text)
        end = s.start + len(s.text)
    return out

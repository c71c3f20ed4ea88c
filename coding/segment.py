"""Which sentences make events: a sentence with an event trigger and a date of its own (or the date of
its paragraph, of "hours later", of the paragraph that introduced a list of places) starts an event at its
place; the sentences after it that add attribution, tolls, claims or denials join it. Background (a past
year, "last month", "since 2019"), plans and general lines ("protests spread to several cities") start
no event."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from . import classify, dates, facts, places
from .text import Report, Sentence

_INTRO = re.compile(r"^(?:In|At|Near|Outside)\s+(?:the\s+)?(?:\w+ern\s+|neighbouring\s+|neighboring\s+)?[A-ZÀ-Ý]|"
                    r"^(?:Further \w+|Also),?\s")  # case matters: "In Erbil," yes, "In a statement," no
# a paragraph that begins another story: it neither inherits a date nor adds to the event before
_ANOTHER = re.compile(r"^(?:Separately|Elsewhere|Meanwhile|In (?:a )?(?:separate|another) (?:incident|attack)),?\s",
                      re.I)
_GENERAL = re.compile(r"\b(?:spread to|across|in several|in many|in dozens of|in other|in a number of)\s+"
                      r"(?:\w+\s+){0,2}(?:cities|towns|regions|provinces|parts|districts|countries|places)\b", re.I)
_REMOTE = {"Air/drone strike", "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Suicide bomb",
           "Grenade", "Disrupted weapons use"}
_SEPARATE = re.compile(r"^(?:In (?:a |another )?separate|In another|Separately|Elsewhere)\b", re.I)
_DATED_BY_REPORT = _REMOTE | {"Non-state actor overtakes territory", "Government regains territory", "Arrests",
                                "Abduction/forced disappearance", "Non-violent transfer of territory"}
# "has attacked", "have risen": ongoing conditions and tallies, not an event
_PERFECT = re.compile(r"(?<!\bto )\b(?:has|have)\s+(?:been\s+)?\w+(?:ed|en|t)\b|\b(?:is|are)\s+\w+ing\b", re.I)
_REFERS = re.compile(r"\b(?:claim\w*|denied|denies|blamed|accused|statement|the attack|the strike|the blast|"
                     r"the group|the fighting|the rally|the protest|the arrest|responsibility|casualties|toll|"
                     r"killed|wounded|injured|dead|died|lost their lives|detained|arrested|"
                     # a party speaking of its own act: "the military said it had struck ..."
                     r"said (?:it|they) (?:had )?(?:struck|attacked|targeted|hit|bombed|shelled|carried out))\b", re.I)

# a definite reference to an event already told
_TOLD = re.compile(r"\b(?:the|this|that|Monday's|Tuesday's|Wednesday's|Thursday's|Friday's|Saturday's|Sunday's)\s+"
                   r"(?:\w+\s+)?(?:fighting|clash(?:es)?|attack|ambush|raid|shelling|bombing|strike|explosion|blast|"
                   r"unrest|violence|gunfight|battle)\b")
# an unknown place named as where the act happened ("in Petion-Ville on Tuesday"), not a building or an office
_NAMED_UNKNOWN = re.compile(r"\b(?:in|near|outside)\s+(?:the\s+(?:town|village|city|district|neighbou?rhood|suburb)\s+"
                            r"of\s+)?(?!the\b)([A-ZÀ-Ý][\w'’-]+(?:\s+(?!District|Ward|Quarter|County)[A-ZÀ-Ý][\w'’-]+)?)"
                            r"(?:\s+(?:on|in|at|late|early|yesterday|overnight|last|this)\b|,|\.)")
# "north of the town": near the place told before ("in the north of the city" is inside it)
_NEAR_THE_TOWN = re.compile(r"(?<!\bin the )(?<!-)\b(?:near|north|south|east|west|outside|around)\b[^.]{0,25}"
                            r"\bthe (?:town|city|village|area)\b")
# the perpetrators of the event just told, doing more in it
_SAME_ATTACKERS = re.compile(r"\bthe (?:attackers|assailants|raiders|gunmen)\s+(?:had\s+)?also\b", re.I)
# an event named by its kind: which types it may be
_DEFINITE = r"\b(?:the|this|that|\w+day's|yesterday's)\s+(?:\w+\s+)?"
_KIND_NOUNS = [(r"(?:blast|bombing|explosion|car bomb)\b", ("Explosions/Remote violence",)),
               (r"(?:fighting|clash(?:es)?|battle|gunfights?)\b", ("Battles",)),
               (r"(?:protests?|march|rally|demonstration|sit-in)\b", ("Protests", "Riots")),
               (r"(?:riots?|rioting|unrest)\b", ("Riots",))]
# a court's proceedings: the day of a hearing is not the day of the acts it is about
_COURT = re.compile(r"\b(?:judge|court|trial|hearing|tribunal|prosecutors?|indictment|verdict|sentenced|acquitted|"
                    r"convicted|charges)\b", re.I)

_AGGREGATE = re.compile(r"\b(?:has|have) (?:left|killed|claimed)\b[^.;]{0,60}\bsince the (?:start|beginning) of\b|"
                        # "fighting has left eleven dead since the start of the week": a running tally
                        r"\b(?:tally|tallies|statistics|(?:recorded|counted|documented|registered|logged) "
                        r"(?:more than |at least |some |over |nearly )?\d[\d,]* (?:[\w-]+ ){0,4}(?:strikes|attacks|"
                        r"incidents|killings|homicides|murders|violations|events|clashes|protests))\b",
                        re.I)

_EYEWITNESS_ACCOUNT = re.compile(facts.EYEWIT.pattern + r"[^.;]{0,80}\b(?:said|told|described|recounted|saw|heard|"
                                 r"gave (?:\w+ ){0,2}accounts?)\b", re.I)


@dataclass
class Draft:
    trigger: classify.Trigger
    when: dates.When
    where: places.Where | None
    sentences: list[Sentence] = field(default_factory=list)
    paragraph: int = 0
    core: int | None = None  # the index of the sentence its trigger is in, when a lead line comes before it

    @property
    def event_type(self) -> str:
        return self.trigger.event_type

    @property
    def sub(self) -> str:
        return self.trigger.sub_event_type

    def key(self) -> tuple[Any, ...]:
        family = "demo" if self.event_type in ("Protests", "Riots") and self.sub != "Mob violence" else self.sub
        return (family, self.where.place.name if self.where else None, self.when.start)

    def add(self, s: Sentence) -> None:
        if all(s.index != t.index for t in self.sentences):
            self.sentences.append(s)
            self.sentences.sort(key=lambda t: t.index)


def _speaks_of(d: Draft, text: str) -> bool:
    """A sentence of a later paragraph speaks of the event: a claim, a denial, a toll, "the attack", or the
    event's place by name ("Russia's defence ministry said it struck ... in the Kharkiv region")."""
    return bool(_REFERS.search(text)) or (d.where is not None and (d.where.name in text or d.where.place.name in text))


def main_clause(text: str) -> str:
    """The sentence without its relative clauses (", which has controlled the town since 2024,")."""
    return re.sub(r",\s+(?:which|who|where)\b[^,]*,", ",", text)


def background(text: str, whens: list[dates.When]) -> bool:
    # a relative clause that recalls the past ("the TNLA, which has controlled the town since 2024, said") does
    # not make the sentence background
    text = main_clause(text)
    return not whens and bool(dates.BACKGROUND.search(text) or re.search(r"\b(?:has|have) since\b", text))


_OPENS_PAST = re.compile(r"^(?:In|By|During|Since|Back in|Until)\s+(?:(?:early|late|mid-?)\s*)?"
                         r"(?:(January|February|March|April|May|June|July|August|September|October|November|December)"
                         r"\s+)?(?:\d{1,2},?\s+)?((?:19|20)\d{2}),")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


# "the clash of 2 May, covered in Bulletin No. 18": told in an earlier issue, not news of this one
_IN_EARLIER_ISSUE = re.compile(r"\b(?:covered|reported|described|mentioned|documented) in (?:the )?(?:previous |last |"
                               r"earlier )?(?:Bulletin|Update|Report|Issue|Sitrep|edition|bulletin|update|issue)\b")
_OTHER_CROWD = re.compile(r"\bafter the (?:march|protest|rally|demonstration|procession) had "
                          r"(?:dispersed|ended|broken up)\b|"
                          r"\bwho had not taken part\b|\bnot part of the (?:march|protest|rally|demonstration)\b", re.I)
_RESUMED = re.compile(r"\b(?:resumed|flared (?:up )?again|broke out again|erupted again|renewed)\b", re.I)


def _opens_in_past(text: str, pub: dt.date) -> bool:
    """The sentence opens on a past year or a month two or more months back: what it tells is of that time."""
    m = _OPENS_PAST.match(text)
    if m is None:
        return False
    year = int(m.group(2))
    month = _MONTHS.index(m.group(1)) + 1 if m.group(1) else None
    return year < pub.year and (month is None or (pub.year - year) * 12 + pub.month - month >= 2) or (
        year == pub.year and month is not None and pub.month - month >= 2)


def _place_list(s: str, found: list[places.Where]) -> list[places.Where]:
    """Places named as a list ("in Belgrade, Novi Sad and Kragujevac"): a general line over them."""
    names: list[places.Where] = []
    for w in found:
        if w.precision != "region" and w.place.name not in {n.place.name for n in names}:
            names.append(w)
    if len(names) < 2:
        return []
    ordered = sorted(names, key=lambda w: w.pos)
    if re.search(r"\bbetween\s+(?:the\s+)?(?:towns?\s+of\s+)?$", s[:ordered[0].pos]):
        return []  # "the road between Nekemte and Gimbi": one place, near the first
    between = s[ordered[0].pos:ordered[-1].pos]
    return ordered if re.search(r"\band\b", between) and len(between) < 40 * len(ordered) else []


def _town_within(d: Draft, iso3: str) -> None:
    """An event placed at a province only ("in the department of Arauca") whose next sentences name a town of
    that province ("taken from their vehicle near the town of Saravena") is at the town."""
    if d.where is None or d.where.precision != "region" or d.where.iso3:
        return
    for s in d.sentences[1:]:
        town = next((w for w in places.candidates(s.text, iso3) if w.precision != "region"
                     and w.place.admin1 == d.where.place.admin1), None)
        if town is not None:
            d.where = town
            return


class _Segmenter:
    """Reads the report sentence by sentence, keeping the dates and places it has given so far."""

    def __init__(self, report: Report, iso3: str, lead: dt.date | None):
        assert report.published is not None
        self.pub, self.iso3, self.lead = report.published, iso3, lead
        self.drafts: list[Draft] = []
        self.context: list[dates.When] = []  # the last dates the report gave
        self.pending: list[Draft] = []  # events at the places of a general line, coded unless told apart
        self.last_where: places.Where | None = None

    def run(self, report: Report) -> list[Draft]:
        self.report = report
        for para in report.paragraphs:
            self.current: Draft | None = None
            self.para_dates: list[dates.When] = []
            # "Meanwhile, accounts differ over what happened in Batibo on Saturday.": another story's place and day
            self.para_lead: tuple[places.Where, Sentence] | None = None
            self.joined: Draft | None = None  # the event an earlier sentence of this paragraph joined
            # a paragraph that opens on the past ("Before this, ...") tells background: it adds to no event
            self.intro = bool(_INTRO.match(para[0].text)) or background(para[0].text, [])
            self.another = bool(_ANOTHER.match(para[0].text))
            self.own = False
            self.legal = False  # the paragraph tells a court case
            for s in para:
                self._sentence(s)
            # "The anger spilled on to the streets again on Thursday." with no act of its own: the lead's day is
            # the day of what the next paragraph tells
            self.lead_day = self.para_dates[:1] if not self.drafts and para is report.paragraphs[0] else []
        told = list(self.drafts)  # events told place by place take the place of the line that listed them
        for d in self.pending:
            assert d.where is not None
            if not any(x.where and x.where.place.name == d.where.place.name
                       and abs((x.when.start - d.when.start).days) <= 1 for x in told):
                self.drafts.append(d)
        for d in self.drafts:
            _town_within(d, self.iso3)
        return self.drafts

    def _attach(self, s: Sentence, t: classify.Trigger | None) -> None:
        """A sentence that starts no event joins the event it tells more about: the one it names by its kind
        ("Monday's blast", "the protest"), else the last one told."""
        last = self._referred(s.text) or (self.drafts[-1] if self.drafts else None)
        # it speaks of the event, retells it without a day ("witnesses said the two sides fought"), or gives
        # eyewitnesses' accounts of it
        family = ("Protests", "Riots")
        about = last is not None and (_speaks_of(last, s.text) or (t is not None and (
            t.event_type == last.event_type or (t.event_type in family and last.event_type in family)))
                                      or _EYEWITNESS_ACCOUNT.search(s.text) is not None
                                      # the outlet's reporters at the scene describe what was just told
                                      or facts.OWN.search(s.text) is not None)
        target = self.current or (last if last is not None and not self.intro and not self.own and not self.another
                                  and about and not _PERFECT.search(main_clause(s.text)) else None)
        if target is None and self.joined is not None and (t is None or t.event_type == self.joined.event_type) \
                and not _PERFECT.search(main_clause(s.text)):
            target = self.joined  # "He said two soldiers had lost their lives": the paragraph goes on about it
        if target is None and self.pending and self.current is None and not self.intro and not self.another \
                and (not self.drafts or self.pending[-1].sentences[0].index > self.drafts[-1].sentences[0].index) \
                and _speaks_of(self.pending[-1], s.text) and not _PERFECT.search(main_clause(s.text)):
            # it speaks of the events of a line that listed places ("struck in both areas"): it joins each
            line = self.pending[-1].sentences[0].index
            for d in self.pending:
                if d.sentences[0].index == line:
                    d.add(s)
            return
        if target is not None:
            target.add(s)
            self.joined = target if self.current is None else None
            if t and t.event_type in ("Protests", "Riots") and target.event_type in ("Protests", "Riots"):
                upgrade(target, s.text)

    def _referred(self, text: str) -> Draft | None:
        """The latest event of the kind a definite reference names ("the blast", "Monday's protest")."""
        for pattern, types in _KIND_NOUNS:
            if re.search(_DEFINITE + pattern, text, re.I):
                return next((d for d in reversed(self.drafts) if d.event_type in types), None)
        return None

    def _dates(self, s: Sentence, t: classify.Trigger) -> list[dates.When]:
        """A trigger sentence without a date of its own: its paragraph's, the event it continues, the date
        of the line that introduced its place, or for a strike told without a day the report's lead date."""
        if self.para_dates:
            return self.para_dates[:1]
        if self.current is not None:
            return [self.current.when]
        if getattr(self, "lead_day", None) and not self.drafts and s.paragraph == 1:
            return list(self.lead_day)
        if (self.intro or re.search(r"\balso\b", s.text)) and self.context:
            return self.context[:1]
        if t.sub_event_type in _REMOTE and self.lead is not None and not self.another:
            return [dates.When(self.lead, None, "day", "the report's day", 0)]
        if t.event_type == "Protests" and self.lead is not None and self.drafts and not self.another and all(
                d.when.start == self.lead for d in self.drafts if d.event_type in ("Protests", "Riots")):
            # "At Kankan, women of the movement gathered in the morning": another place of the day's protests
            return [dates.When(self.lead, None, "day", "the day of the report's protests", 0)]
        last = self.drafts[-1] if self.drafts else None
        if t.sub_event_type == "Arrests" and last is not None and last.event_type in ("Protests", "Riots") \
                and not self.another:
            return []  # detentions told after a demonstration, without a day of their own, are its own
        if t.sub_event_type in _DATED_BY_REPORT and any(d.sub == t.sub_event_type for d in self.drafts):
            return []  # "the prosecutor said Masra had been detained": the arrest already told, without a new day
        if t.sub_event_type in _DATED_BY_REPORT and not _PERFECT.search(main_clause(s.text)):
            # an act told in the past without a day: a short span up to the report, not a guessed day
            return [dates.When(self.pub - dt.timedelta(days=7), self.pub, "span", "no day given", 0)]
        return []

    def _sentence(self, s: Sentence) -> None:
        t = classify.trigger(s.text)
        whens = dates.find(s.text, self.pub, t.pos if t else None)
        if not whens and dates.same_day(s.text) and self.drafts:
            whens = [self.drafts[-1].when]
        later = dates.days_later(s.text) if self.drafts and not whens else None
        if later is not None:  # "two days later, soldiers arrested ...": after the event just told
            day = self.drafts[-1].when.start + dt.timedelta(days=later)
            whens = [dates.When(day, None, "day", "days after the event told", 0)] if day <= self.pub else []
        back = dates.days_before_told(s.text, t.pos if t else None) if self.drafts and not whens else None
        if back is not None:  # "the attack came two days after gunfights ...": dated from the event told
            day = self.drafts[-1].when.start - dt.timedelta(days=back)
            whens = [dates.When(day, None, "day", "days before the event told", 0)]
        if not whens and dates.day_before(s.text):  # the day before the event told, else before the report
            day = (self.drafts[-1].when.start if self.drafts else self.pub) - dt.timedelta(days=1)
            whens = [dates.When(day, None, "day", "the day before", 0)]
        if _opens_in_past(s.text, self.pub) or _IN_EARLIER_ISSUE.search(s.text):
            return  # "In September 2022, security forces opened fire on a protest after Friday prayers": background
        future = dates.is_future(s.text) and not whens
        main = main_clause(s.text)
        if background(s.text, whens) or (not whens and (dates.old_date(main, self.pub)
                                                         or dates.past_month(main, self.pub))):
            return
        if _AGGREGATE.search(s.text):  # a tally or statistic counts events; it is none itself
            return
        if future:  # a plan starts no event; it may say more of the event its paragraph tells
            if self.current is not None and t is None:
                self.current.add(s)
            return
        if t is not None and whens and classify.anaphoric(s.text, t) and _RESUMED.search(s.text) and not any(
                d.when.start == whens[0].start for d in self.drafts if d.event_type == t.event_type):
            t = classify.Trigger(t.event_type, t.sub_event_type, t.pos, t.words + " (resumed)")
            self.current = None  # "six more died when the fighting resumed on Tuesday": that day's own event
        elif t is None or (classify.anaphoric(s.text, t) and not self._first_mention(t, whens)) or future:
            self._attach(s, t)
            if t is None and whens and _COURT.search(s.text):
                self.para_dates = []  # a hearing's day: what the paragraph then tells of the case is not dated by it
                self.legal = True
                return
            if t is None and whens and self.another and self.current is None and not self.para_dates:
                named = places.candidates(s.text, self.iso3)
                self.para_lead = (named[0], s) if named else None
            self.para_dates = whens or self.para_dates
            return
        found = places.candidates(s.text, self.iso3)
        if not whens and self.drafts and _SAME_ATTACKERS.search(s.text, 0, t.pos):
            self.drafts[-1].add(s)  # "the attackers also abducted 12 children": part of the attack just told
            return
        whens = whens or ([] if self.legal else self._dates(s, t))
        if not whens:
            self._attach(s, t)
            return
        told = self._told(s, t, whens)
        if told is not None:  # "the fighting on Thursday ... with artillery fire heard": more of an event told
            told.add(s)
            return
        listed = _place_list(s.text, found)
        if listed or _GENERAL.search(s.text):
            self.context = self.para_dates = whens
            # "in Puno and Cusco on Tuesday and Wednesday": one event per place and day; "hit X on Saturday and
            # Y on Sunday": each place with its own day
            paired = len(whens) == len(listed) > 1 and all(w.pos < d.pos for w, d in zip(listed, whens)) and all(
                d.pos < w.pos for d, w in zip(whens, listed[1:]))
            self.pending.extend(Draft(t, when, w, [s], s.paragraph) for w, when in zip(listed, whens)) if paired \
                else self.pending.extend(Draft(t, when, w, [s], s.paragraph) for w in listed for when in whens)
            return
        lead = self.para_lead if not found and self.current is None else None
        where = lead[0] if lead else self._where(s, t, found)
        if where is None:
            return
        for when in whens:
            self._add(Draft(t, when, where, [lead[1], s] if lead else [s], s.paragraph, s.index if lead else None),
                      s, single=len(whens) == 1)
        self.context = self.para_dates = whens
        self.last_where = where

    def _told(self, s: Sentence, t: classify.Trigger, whens: list[dates.When]) -> Draft | None:
        """The event a sentence refers back to before its trigger ("the fighting on Thursday was the heaviest
        ..., with artillery fire heard"): an event already told on that day."""
        m = _TOLD.search(s.text, 0, t.pos)
        if m is None:
            return None
        return next((d for d in reversed(self.drafts) if d.when.start == whens[0].start and d.when.end == whens[0].end),
                    None)

    def _first_mention(self, t: classify.Trigger, whens: list[dates.When]) -> bool:
        """"The arrest on Monday of X": a definite article before an event the report has not told yet, with
        a day of its own, is news told in passing, not a reference back."""
        family = ("Protests", "Riots")
        told = any(d.event_type == t.event_type or (d.event_type in family and t.event_type in family)
                   for d in self.drafts + self.pending)
        return bool(whens) and not told

    def _where(self, s: Sentence, t: classify.Trigger, found: list[places.Where]) -> places.Where | None:
        """The sentence's place; else the place of the event it continues, of the last event of its type,
        of the last event ("north of the town": near it)."""
        cur = self.current
        where = found[0] if found else None
        if where is None and _SEPARATE.search(s.text):
            return places.unresolved(s.text, self.iso3)  # another event: not at the place of the one before
        if where is None:
            unknown = places.unresolved(s.text, self.iso3, self._around(s)) if cur is None else None
            if cur is not None and cur.where is not None:
                where = cur.where
            elif unknown is not None and unknown.precision == "near" and any(
                    m.group(1) == unknown.name for m in _NAMED_UNKNOWN.finditer(s.text)):
                where = unknown  # "in Petion-Ville", a place the gazetteer lacks: near the town the report is from
            else:
                same = [d for d in self.drafts if d.event_type == t.event_type and d.where]
                where = same[-1].where if same else self.last_where
            if where is None and not self.drafts:
                # "the attack on a site in the Djugu territory ... The assailants entered the site": the place the
                # lead named before the first event is told
                where = next((w[0] for w in (places.candidates(x.text, self.iso3) for x in
                                             reversed(self.report.sentences[:s.index])) if w), None)
            if where is None:
                where = places.unresolved(s.text, self.iso3, self._around(s))
            if where is None and self.report.dateline:
                # a lead that names no place ("outside parliament"): the town of the dateline
                where = next(iter(places.candidates(f"In {self.report.dateline}.", self.iso3)), None)
            if where is not None and places.CITY_PART.search(s.text):
                where = places.Where(where.name, where.place, "exact", where.score, where.pos)  # inside the town
            elif where is not None and _NEAR_THE_TOWN.search(s.text):
                where = places.Where(where.name, where.place, "near", where.score, where.pos)
        elif cur is not None and cur.where is not None and t.sub_event_type not in _REMOTE and \
                t.event_type == cur.event_type and where.place.name != cur.where.place.name and where.score < 3:
            where = cur.where  # a place named in passing in a sentence that goes on with the same event
        return where

    def _around(self, s: Sentence) -> str:
        """The text of the sentence's paragraph, and the dateline: where to look for the town an unknown
        neighbourhood belongs to."""
        para = next((p for p in self.report.paragraphs if any(x.index == s.index for x in p)), [])
        return " ".join(x.text for x in para) + (f" In {self.report.dateline}." if self.report.dateline else "")

    def _add(self, d: Draft, s: Sentence, single: bool) -> None:
        twin = next((x for x in self.drafts if x.key() == d.key()), None)
        if twin is not None and d.event_type == "Riots" and _OTHER_CROWD.search(s.text):
            twin = None  # "after the march had dispersed, youths who had not taken part in it": another actor pair
        if twin is not None:
            twin.add(s)
            if twin.event_type in ("Protests", "Riots"):
                upgrade(twin, s.text)
            self.current = twin
            return
        cur = self.current
        separate = bool(_SEPARATE.search(s.text))
        if cur is not None and not separate and cur.paragraph == s.paragraph and d.sub not in _REMOTE and single \
                and cur.where and d.where and d.where.place.name == cur.where.place.name:
            cur.add(s)
            return
        self.drafts.append(d)
        self.current = d
        self.own = True


def segment(report: Report, iso3: str, lead: dt.date | None) -> list[Draft]:
    return _Segmenter(report, iso3, lead).run(report)


def upgrade(d: Draft, text: str) -> None:
    """A demonstration's type is the most severe thing that happened at it (a fight of two crowds stays one)."""
    if d.sub == "Mob violence":
        return
    et, sub = classify.protest_kind(text)
    if classify.SEVERITY.get(sub, 0) > classify.SEVERITY.get(d.sub, 0):
        d.trigger = classify.Trigger(et, sub, d.trigger.pos, d.trigger.words)
